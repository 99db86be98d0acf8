"""`registrars:` and `domains[].registrar` in the plan: credentials per kind, references, secrets from
the environment, and validate's "renewal unverified" list."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from standby.cli import main
from standby.plan.load import parse_plan
from tests.plan.test_load import messages

HEAD = "version: 1\norganization: Acme\n"


@pytest.mark.parametrize(
    ("accounts", "expected"),
    [
        ("- {id: gd, kind: godaddy, api_key: k}",
         "plan.yaml:4:5 registrars[0]: a godaddy account needs api_secret: a production key and secret from "
         "developer.godaddy.com"),
        ("- {id: cf, kind: cloudflare, token: t}",
         "plan.yaml:4:5 registrars[0]: a cloudflare account needs account_id: an API token with Registrar "
         "read permission, and the account id from the dashboard URL"),
        ("- {id: ga, kind: gandi, token: t, api_key: k}",
         "plan.yaml:4:5 registrars[0]: a gandi account takes token, not api_key"),
        ("- {id: aws, kind: route53, access_key_id: A}",
         "plan.yaml:4:5 registrars[0]: a route53 account needs access_key_id and secret_access_key together, "
         "or neither"),
        ("- {id: none, kind: gandi, token: t}",
         "plan.yaml:4:5 registrars[0]: 'none' is reserved (registrar: none means no API); pick another id"),
        ("- {id: x, kind: namecheap, token: t}",
         "plan.yaml:4:19 registrars[0].kind: must be 'route53', 'cloudflare', 'godaddy', 'gandi' or "
         "'porkbun'; got text ('namecheap')"),
    ],
)  # fmt: skip
def test_an_account_gets_the_credentials_its_kind_takes(accounts: str, expected: str) -> None:
    assert messages(HEAD + "registrars:\n  " + accounts + "\n") == [expected]


def test_a_domain_names_a_known_account_or_none() -> None:
    text = HEAD + textwrap.dedent("""\
        registrars:
          - {id: godaddy-main, kind: godaddy, api_key: k, api_secret: s}
          - {id: godaddy-main, kind: porkbun, api_key: k, api_secret: s}
        domains:
          - {name: a.example, registrar: godaddy-mian}
          - {name: b.example, registrar: none}
        """)
    found = messages(text)
    assert any("duplicate registrar account id 'godaddy-main'" in m for m in found)
    assert any(
        "domains[0].registrar: unknown registrar account 'godaddy-mian' (did you mean 'godaddy-main'?)" in m
        for m in found
    )
    assert not any("domains[1].registrar" in m for m in found)


def test_credentials_come_from_the_environment() -> None:
    text = (
        HEAD + "registrars:\n  - {id: gd, kind: godaddy, api_key: '${GD_KEY}', api_secret: '${GD_SECRET}'}\n"
    )
    plan, _ = parse_plan(text, "p.yaml", {"GD_KEY": "key", "GD_SECRET": "secret"})
    assert (plan.registrars[0].api_key, plan.registrars[0].api_secret) == ("key", "secret")
    assert (
        "plan.yaml:4:63 registrars[0].api_secret: environment variable GD_SECRET is not set; export it or "
        "remove ${GD_SECRET}"
    ) in messages(text, {"GD_KEY": "key"})


def test_validate_lists_the_domains_whose_renewal_nothing_but_a_person_vouches_for(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(HEAD + "domains:\n  - {name: a.example}\n  - {name: b.example}\n")
    assert main(["validate", str(plan)]) == 0
    assert "renewal unverified (no registrar account" in (out := capsys.readouterr().out)
    assert "a.example, b.example" in out
    plan.write_text(
        HEAD + "registrars:\n  - {id: cf, kind: cloudflare, token: t, account_id: a}\n"
        "domains:\n  - {name: a.example}\n  - {name: b.example, registrar: none}\n"
    )
    assert main(["validate", str(plan)]) == 0
    out = capsys.readouterr().out
    assert (
        "renewal unverified" in out and "b.example" in out and "a.example" not in out.split("unverified")[1]
    )
