"""The plan's status_page section: components name real assets, publish targets name real protocols."""

from __future__ import annotations

import pytest

from standby.plan.issues import PlanError
from standby.plan.load import parse_plan

PLAN = """\
version: 1
organization: Acme
people: [{id: dana, email: dana@acme-mail.example, notify: ["json://hooks.acme-chat.example/x"]}]
vendors: [{id: marketo, owner: dana}]
domains: [{name: acme.example, owner: dana}]
status_page:
  url: https://status.acme-status.example
  publish: [{url: "s3://bucket/site", options: {endpoint_url: "https://s3.storage.example"}}]
  components:
    - {asset: "vendor:marketo", name: Marketo forms}
    - {asset: "domain:Acme.Example.", name: Website}
"""


def errors(text: str) -> list[str]:
    with pytest.raises(PlanError) as caught:
        parse_plan(text, "plan.yaml", {})
    return [str(issue) for issue in caught.value.issues]


def test_a_status_page_section_loads_with_normalised_assets() -> None:
    plan, warnings = parse_plan(PLAN, "plan.yaml", {})
    assert warnings == []
    assert plan.status_page is not None
    assert [c.asset for c in plan.status_page.components] == ["vendor:marketo", "domain:acme.example"]
    assert plan.status_page.publish[0].options == {"endpoint_url": "https://s3.storage.example"}


def test_an_unknown_asset_is_an_error_with_a_suggestion() -> None:
    assert errors(PLAN.replace('"vendor:marketo"', '"vendor:marketto"')) == [
        "plan.yaml:10:15 status_page.components[0].asset: unknown asset 'vendor:marketto' "
        "(did you mean 'vendor:marketo'?); list a vendor, endpoint or domain of this plan"
    ]


def test_a_component_shown_twice_is_an_error() -> None:
    text = PLAN.replace('"domain:Acme.Example."', '"vendor:marketo"')
    assert errors(text) == [
        "plan.yaml:11:15 status_page.components[1].asset: duplicate status page component 'vendor:marketo' "
        "(already at status_page.components[0]); ids must be unique"
    ]


def test_an_asset_id_needs_a_kind() -> None:
    assert errors(PLAN.replace('"vendor:marketo"', "marketo")) == [
        "plan.yaml:10:15 status_page.components[0].asset: 'marketo' is not an asset id; "
        "write vendor:ID, endpoint:ID or domain:NAME"
    ]


def test_an_unknown_storage_protocol_is_an_error() -> None:
    assert errors(PLAN.replace("s3://bucket", "sftpp://host")) == [
        "plan.yaml:8:19 status_page.publish[0].url: unknown storage protocol 'sftpp' (did you mean 'sftp'?); "
        "use a directory or an fsspec URL such as s3://bucket/prefix or sftp://host/path"
    ]
