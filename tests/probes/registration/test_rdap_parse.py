from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from standby.core.errors import ProbeError
from standby.probes.registration.rdap_parse import parse_rdap

SERVER = "https://rdap.verisign.com/com/v1/"


def _domain(**members: Any) -> dict[str, Any]:
    answer: dict[str, Any] = {"objectClassName": "domain", "ldhName": "EXAMPLE.COM"}
    answer.update(members)
    return answer


def _registrar(*vcard: list[Any], events: list[dict[str, str]] | None = None) -> dict[str, Any]:
    entity: dict[str, Any] = {
        "objectClassName": "entity",
        "roles": ["registrar"],
        "vcardArray": ["vcard", [["version", {}, "text", "4.0"], *vcard]],
    }
    if events:
        entity["events"] = events
    return entity


def test_it_reads_the_registry_facts_of_a_domain() -> None:
    record = parse_rdap(
        _domain(
            events=[
                {"eventAction": "registration", "eventDate": "1997-09-15T04:00:00Z"},
                {"eventAction": "expiration", "eventDate": "2028-09-14T04:00:00Z"},
                {"eventAction": "last changed", "eventDate": "2019-09-09T15:39:04Z"},
            ],
            entities=[_registrar(["fn", {}, "text", "MarkMonitor Inc."])],
            status=["client transfer prohibited", "server delete prohibited"],
            nameservers=[
                {"objectClassName": "nameserver", "ldhName": "NS2.GOOGLE.COM"},
                {"ldhName": "ns1.google.com"},
            ],
            secureDNS={"delegationSigned": True},
        ),
        server=SERVER,
    )
    assert record.source == "rdap"
    assert record.server == SERVER
    assert record.domain == "example.com"
    assert record.expires_at == datetime(2028, 9, 14, 4, tzinfo=UTC)
    assert record.created_at == datetime(1997, 9, 15, 4, tzinfo=UTC)
    assert record.last_changed_at == datetime(2019, 9, 9, 15, 39, 4, tzinfo=UTC)
    assert record.registrar == "MarkMonitor Inc."
    assert record.statuses == ["client transfer prohibited", "server delete prohibited"]
    assert record.nameservers == ["ns1.google.com", "ns2.google.com"]
    assert record.dnssec is True
    assert not record.not_found and not record.rate_limited


def test_it_reads_a_marketo_style_auto_renewed_domain() -> None:
    """The registry pushed the expiry a year on by itself; status and `last changed` tell the truth."""
    record = parse_rdap(
        _domain(
            ldhName="MARKETO.COM",
            status=["auto renew period", "client hold"],
            events=[
                {"eventAction": "expiration", "eventDate": "2018-07-25T04:00:00Z"},
                {"eventAction": "last changed", "eventDate": "2017-07-26T09:12:00Z"},
            ],
            nameservers=[{"ldhName": "NS1.PENDINGRENEWALDELETION.COM."}],
        ),
        server=SERVER,
    )
    assert record.expires_at == datetime(2018, 7, 25, 4, tzinfo=UTC)
    assert "auto renew period" in record.statuses
    assert record.last_changed_at is not None
    assert record.last_changed_at.date() == datetime(2017, 7, 26).date()
    assert record.nameservers == ["ns1.pendingrenewaldeletion.com"]


def test_it_normalizes_statuses_to_lower_case_rdap_phrases_and_keeps_the_raw_ones() -> None:
    raw = ["Client Transfer Prohibited", "autoRenewPeriod", "ok"]
    record = parse_rdap(_domain(status=raw), server=SERVER)
    assert record.statuses == ["client transfer prohibited", "auto renew period", "active"]
    assert record.raw_statuses == raw


@pytest.mark.parametrize(
    ("stamp", "expected"),
    [
        ("2025-03-20T07:00:00.000+0000", datetime(2025, 3, 20, 7, tzinfo=UTC)),
        ("2028-09-13T00:00:00-07:00", datetime(2028, 9, 13, 7, tzinfo=UTC)),
        ("2029-08-18T13:19:55", datetime(2029, 8, 18, 13, 19, 55, tzinfo=UTC)),
        ("2024-11-12T19:15:55.283Z", datetime(2024, 11, 12, 19, 15, 55, 283000, tzinfo=UTC)),
    ],
)
def test_it_reads_rfc_3339_times_and_their_common_deviations(stamp: str, expected: datetime) -> None:
    record = parse_rdap(_domain(events=[{"eventAction": "expiration", "eventDate": stamp}]), server=SERVER)
    assert record.expires_at == expected


def test_it_takes_the_registrar_expiration_from_the_registrar_entity() -> None:
    registrar = _registrar(
        ["org", {}, "text", "MarkMonitor Inc."],
        events=[{"eventAction": "registrar expiration", "eventDate": "2027-09-14T04:00:00Z"}],
    )
    record = parse_rdap(_domain(entities=[registrar]), server=SERVER)
    assert record.registrar_expires_at == datetime(2027, 9, 14, 4, tzinfo=UTC)
    assert record.registrar == "MarkMonitor Inc."  # `org` when the vCard has no `fn`


def test_it_takes_a_top_level_registrar_expiration_event() -> None:
    events = [{"eventAction": "registrar expiration", "eventDate": "2027-09-14T04:00:00Z"}]
    assert parse_rdap(_domain(events=events), server=SERVER).registrar_expires_at == datetime(
        2027, 9, 14, 4, tzinfo=UTC
    )


def test_it_points_at_the_registrars_rdap_record_preferring_rdap_json_links() -> None:
    links = [
        {
            "rel": "self",
            "href": "https://rdap.verisign.com/com/v1/domain/EXAMPLE.COM",
            "type": "application/rdap+json",
        },
        {"rel": "related", "href": "https://registrar.example/whois?d=example.com", "type": "text/html"},
        {"rel": "related", "href": "https://rdap.other.example/domain/EXAMPLE.COM"},
        {
            "rel": "related",
            "href": "https://rdap.markmonitor.com/rdap/domain/EXAMPLE.COM",
            "type": "application/rdap+json",
        },
    ]
    record = parse_rdap(_domain(links=links), server=SERVER)
    assert record.referral == "https://rdap.markmonitor.com/rdap/domain/EXAMPLE.COM"


def test_it_has_no_referral_without_a_related_domain_link() -> None:
    links = [
        {"rel": "self", "href": "https://rdap.nic.fr/domain/afnic.fr"},
        {"rel": "related", "href": "https://afnic.fr/"},
    ]
    assert parse_rdap(_domain(links=links), server=SERVER).referral is None


def test_it_accepts_the_non_standard_spellings_registries_use() -> None:
    record = parse_rdap(
        _domain(
            ldhName="amazon.cyou.",
            nameServers=[
                {"ldhName": "NSGBR.COMLAUDE.CO.UK."},
                {"ldhName": "nsgbr.comlaude.co.uk"},
                "BOOOOOM",
            ],
            secureDns={"delegationSigned": False},
            entities=[{"roles": ["registrar"], "vcardArray": {}}],
        ),
        server=SERVER,
    )
    assert record.domain == "amazon.cyou"
    assert record.nameservers == ["nsgbr.comlaude.co.uk"]
    assert record.dnssec is False
    assert record.registrar is None


def test_it_reports_not_found_for_an_rdap_404_error_object() -> None:
    record = parse_rdap({"errorCode": 404, "title": "Not Found"}, server=SERVER)
    assert record.not_found is True
    assert record.expires_at is None


def test_it_raises_for_any_other_error_object() -> None:
    with pytest.raises(ProbeError, match="error 501: 501 Not Implemented"):
        parse_rdap({"errorCode": 501, "title": "501 Not Implemented"}, server=SERVER)


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ([{"objectClassName": "domain"}], "other than a JSON object"),
        ({"objectClassName": "nameserver", "ldhName": "ns1.example.com"}, "not a domain"),
        ({"objectClassName": "domain"}, "without a name"),
        (_domain(events={"eventAction": "expiration"}), "events"),
        (_domain(events=[{"eventAction": "expiration", "eventDate": "next Tuesday"}]), "cannot be read"),
        (_domain(events=[{"eventAction": "registration", "eventDate": None}]), "cannot be read"),
    ],
)
def test_it_raises_a_clear_probe_error_for_a_malformed_answer(answer: object, message: str) -> None:
    with pytest.raises(ProbeError, match=message) as raised:
        parse_rdap(answer, server=SERVER)
    assert SERVER in str(raised.value)
    assert raised.value.status == "unknown"


def test_it_ignores_a_bad_date_on_an_event_it_does_not_use() -> None:
    events = [
        {"eventAction": "last update of RDAP database", "eventDate": "yesterday"},
        {"eventAction": "expiration", "eventDate": "2026-01-01T00:00:00Z"},
    ]
    assert parse_rdap(_domain(events=events), server=SERVER).expires_at == datetime(2026, 1, 1, tzinfo=UTC)
