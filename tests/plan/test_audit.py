"""The independence audit: each way of telling people that depends on a monitored domain is a warning."""

from __future__ import annotations

import pytest

from standby.plan.load import parse_plan

INDEPENDENT = """\
version: 1
organization: Acme
settings:
  email: {smtp: "smtp://smtp.mailhost.example:587", from: "standby@alerts-acme.example"}
people:
  - id: dana
    email: dana@acme-mail.example
    reports_to: lee
  - id: lee
    email: lee@acme-mail.example
audiences:
  - id: sales
    notify: ["json://hooks.chat.example/sales", "slack://T1/B2/C3/#sales"]
domains:
  - name: acme.example
    owner: dana
status_page:
  url: https://status.acme-status.example
  publish:
    - url: s3://status.acme.example/site
      options: {endpoint_url: "https://s3.storage.example"}
    - url: /var/www/status
"""


def warnings(text: str) -> list[str]:
    _, found = parse_plan(text, "plan.yaml", {})
    return [str(issue) for issue in found]


def test_a_plan_with_independent_paths_has_no_warnings() -> None:
    assert warnings(INDEPENDENT) == []


CASES = [
    (
        "status page under a monitored domain",
        ("https://status.acme-status.example", "https://status.acme.example"),
        "plan.yaml:18:8 status_page.url: warning: the status page is read at status.acme.example, under "
        "acme.example, which this plan monitors: if acme.example fails, so does the page that should say so; "
        "host the status page on a domain you do not monitor, e.g. with a separate registrar and DNS provider",
    ),
    (
        "publish target on a monitored host",
        ("/var/www/status", "sftp://www.acme.example/srv/status"),
        "plan.yaml:22:12 status_page.publish[1].url: warning: the status page is published to "
        "www.acme.example, under acme.example, which this plan monitors: if acme.example fails, the page "
        "cannot be updated; publish to storage that does not depend on acme.example",
    ),
    (
        "object store endpoint on a monitored host",
        ("https://s3.storage.example", "https://minio.ACME.example."),
        "plan.yaml:21:31 status_page.publish[0].options.endpoint_url: warning: the status page is published "
        "to minio.acme.example, under acme.example, which this plan monitors: if acme.example fails, the "
        "page cannot be updated; publish to storage that does not depend on acme.example",
    ),
    (
        "SMTP relay under a monitored domain",
        ("smtp://smtp.mailhost.example:587", "smtp://relay.acme.example:587"),
        "plan.yaml:4:17 settings.email.smtp: warning: the SMTP relay relay.acme.example is under acme.example, "
        "which this plan monitors: if acme.example fails, no email goes out; use a relay on a domain you do "
        "not monitor (e.g. your email provider's) and give people a chat notify URL as a second path",
    ),
    (
        "from address under a monitored domain",
        ("standby@alerts-acme.example", "standby@alerts.acme.example"),
        "plan.yaml:4:59 settings.email.from: warning: email is sent from standby@alerts.acme.example, under "
        "acme.example, which this plan monitors: if acme.example's DNS fails, receivers reject mail from it "
        "(SPF, DKIM and DMARC live there); send from an address on a domain you do not monitor",
    ),
    (
        "audience webhook under a monitored domain",
        ("json://hooks.chat.example/sales", "jsons://hooks.acme.example/sales"),
        "plan.yaml:13:14 audiences[0].notify[0]: warning: this notify URL goes through hooks.acme.example, "
        "under acme.example, which this plan monitors: if acme.example fails, audience sales is not told; "
        "use a service that does not depend on acme.example",
    ),
    (
        "person's mailto through a monitored relay",
        (
            "    email: lee@acme-mail.example\n",
            "    email: lee@acme-mail.example\n    notify: ['mailtos://lee@mailhost.example?smtp=smtp.acme.example']\n",
        ),
        "plan.yaml:11:14 people[1].notify[0]: warning: this notify URL goes through smtp.acme.example, under "
        "acme.example, which this plan monitors: if acme.example fails, lee is not told; use a service that "
        "does not depend on acme.example",
    ),
    (
        "owner reads email on the domain they own",
        ("dana@acme-mail.example", "dana@corp.acme.example"),
        "plan.yaml:7:12 people[0].email: warning: dana owns acme.example but reads email at "
        "dana@corp.acme.example, which depends on it: if acme.example lapses, the warning never arrives; "
        "give dana an address on another domain or a chat notify URL",
    ),
]


@pytest.mark.parametrize(("case", "change", "expected"), CASES, ids=[c[0] for c in CASES])
def test_each_dependency_is_a_located_warning_that_says_what_to_change(
    case: str, change: tuple[str, str], expected: str
) -> None:
    assert INDEPENDENT.count(change[0]) == 1
    assert warnings(INDEPENDENT.replace(*change)) == [expected]


def test_a_chain_that_reads_email_only_on_monitored_domains_is_a_warning() -> None:
    text = INDEPENDENT.replace("@acme-mail.example", "@acme.example").replace(
        "  - name: acme.example\n    owner: dana\n",
        "  - name: acme.example\n    owner: dana\n  - name: example-shop.example\n    owner: dana\n",
    )
    text = text.replace("dana@acme.example", "dana@example-shop.example")
    assert warnings(text) == [
        "plan.yaml:6:9 people[0].id: warning: everyone in dana's chain of responsibility (dana → lee) reads "
        "email only under domains this plan monitors (acme.example, example-shop.example): if they fail, "
        "nobody in the chain hears; give at least one of them an address on another domain or a chat "
        "notify URL",
        "plan.yaml:7:12 people[0].email: warning: dana owns example-shop.example but reads email at "
        "dana@example-shop.example, which depends on it: if example-shop.example lapses, the warning never "
        "arrives; give dana an address on another domain or a chat notify URL",
    ]


def test_a_chat_path_outside_the_monitored_domains_answers_both_owner_and_chain_warnings() -> None:
    text = INDEPENDENT.replace("@acme-mail.example", "@acme.example").replace(
        "    reports_to: lee\n", "    reports_to: lee\n    notify: ['slack://T1/B2/C3/#mops']\n"
    )
    assert warnings(text) == []


def test_a_person_without_a_chain_is_not_a_chain_warning() -> None:
    text = INDEPENDENT.replace("    reports_to: lee\n", "").replace("@acme-mail.example", "@acme.example")
    text = text.replace("    owner: dana\n", "    owner: lee\n")
    assert warnings(text) == [
        "plan.yaml:9:12 people[1].email: warning: lee owns acme.example but reads email at "
        "lee@acme.example, which depends on it: if acme.example lapses, the warning never arrives; "
        "give lee an address on another domain or a chat notify URL"
    ]


def test_a_plan_that_monitors_no_domain_has_nothing_to_audit() -> None:
    text = INDEPENDENT.replace("domains:\n  - name: acme.example\n    owner: dana\n", "")
    assert warnings(text.replace("acme-status", "acme")) == []
