"""The registration verdict for every rule in docs/checks.md, on records as RDAP/WHOIS give them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from standby.core.status import Status
from standby.plan.model import Domain
from standby.probes.delegation_result import Delegation
from standby.probes.registration.evaluate import evaluate_registration
from standby.probes.registration.record import Availability, RegistrationRecord

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
DOMAIN = Domain(name="acme.example", owner="dana")


def record(**fields: object) -> RegistrationRecord:
    base: dict[str, object] = {"source": "rdap", "server": "https://rdap.example/", "domain": "acme.example"}
    return RegistrationRecord(**{**base, **fields})  # type: ignore[arg-type]


def verdict(rec: RegistrationRecord | None, delegation: Delegation | None = None, error: str | None = None):  # type: ignore[no-untyped-def]
    return evaluate_registration(DOMAIN, rec, error=error, delegation=delegation, now=NOW)


def test_a_domain_far_from_expiry_is_ok_with_its_days_left() -> None:
    found = verdict(record(expires_at=NOW + timedelta(days=200)))
    assert found.status is Status.OK
    assert found.details["days_left"] == 200
    assert found.details["expires_at"] == "2027-06-21T12:00:00Z"
    assert (found.asset, found.kind, found.check, found.owner) == (
        "domain:acme.example",
        "domain",
        "registration",
        "dana",
    )


def test_it_warns_inside_warn_within_and_is_critical_inside_critical_within() -> None:
    assert verdict(record(expires_at=NOW + timedelta(days=30))).status is Status.WARNING
    found = verdict(record(expires_at=NOW + timedelta(days=7)))
    assert found.status is Status.CRITICAL
    assert "expires in 7 days" in found.summary


def test_an_expired_domain_is_critical() -> None:
    found = verdict(record(expires_at=NOW - timedelta(days=2)))
    assert found.status is Status.CRITICAL
    assert "expired 2 days ago" in found.summary
    assert found.details["days_left"] == -2


def test_a_released_domain_is_critical_and_says_what_the_registry_said() -> None:
    said = 'No match for "ACME.EXAMPLE".'
    found = verdict(record(availability=Availability.FREE, evidence=said))
    assert found.status is Status.CRITICAL
    assert "deleted and available for registration" in found.summary
    assert said in found.summary
    assert found.details["days_left"] is None
    assert (found.details["availability"], found.details["evidence"]) == ("free", said)


def test_an_answer_that_is_neither_a_record_nor_a_not_found_is_unknown() -> None:
    found = verdict(record(source="whois", availability=Availability.UNKNOWN, evidence="Invalid input"))
    assert found.status is Status.UNKNOWN
    assert "could not tell whether acme.example is registered" in found.summary
    assert "'Invalid input'" in found.summary


def test_an_ambiguous_expiry_counts_from_the_earlier_reading_and_names_both() -> None:
    may, june = datetime(2027, 5, 6, tzinfo=UTC), datetime(2027, 6, 5, tzinfo=UTC)
    found = verdict(record(expires_at=may, expiry_readings=(may, june), expiry_text="validity: 05-06-2027"))
    assert found.details["expires_at"] == "2027-05-06T00:00:00Z"
    assert found.details["expiry_readings"] == ["2027-05-06T00:00:00Z", "2027-06-05T00:00:00Z"]
    assert "2027-05-06 or 2027-06-05" in found.summary and "'validity: 05-06-2027'" in found.summary


def test_redemption_pending_delete_and_holds_are_critical_even_with_a_distant_expiry() -> None:
    later = NOW + timedelta(days=300)
    for statuses in (
        ["redemption period", "pending delete"],
        ["pending delete"],
        ["client hold"],
        ["server hold"],
    ):
        found = verdict(record(expires_at=later, statuses=statuses))
        assert found.status is Status.CRITICAL, statuses


def test_a_registry_without_an_expiry_date_is_unknown_never_zero_days() -> None:
    found = verdict(record(source="whois", server="whois.denic.de:43", statuses=["connect"]))
    assert found.status is Status.UNKNOWN
    assert found.details["days_left"] is None
    assert "no expiry date" in found.summary


def test_a_rate_limited_reply_is_unknown_not_available() -> None:
    said = "WHOIS LIMIT EXCEEDED - SEE WWW.PIR.ORG/WHOIS FOR DETAILS"
    found = verdict(
        record(source="whois", server="whois.pir.org:43", availability=Availability.THROTTLED, evidence=said)
    )
    assert found.status is Status.UNKNOWN
    assert found.summary.startswith("rate limited, try later")
    assert said in found.summary
    assert found.details["expires_at"] is None and found.details["availability"] == "throttled"


def test_a_failed_lookup_is_unknown_with_the_reason() -> None:
    found = verdict(None, error="RDAP server rdap.example did not answer: timed out")
    assert found.status is Status.UNKNOWN
    assert "timed out" in found.summary
    assert found.details == {"expires_at": None, "days_left": None}


def test_auto_renew_period_alone_is_a_warning_asking_to_confirm_the_renewal() -> None:
    found = verdict(record(expires_at=NOW + timedelta(days=350), statuses=["auto renew period"]))
    assert found.status is Status.WARNING
    assert "auto-renewed" in found.summary and "confirm" in found.summary


def test_the_expiry_jump_with_last_changed_the_day_after_the_old_expiry_is_an_auto_renewal() -> None:
    old_expiry = NOW - timedelta(days=10)
    rec = record(
        expires_at=old_expiry.replace(year=old_expiry.year + 1),
        last_changed_at=old_expiry + timedelta(days=1),
    )
    found = verdict(rec)
    assert found.status is Status.WARNING
    assert "jumped a year" in found.summary


def test_the_marketo_case_auto_renewal_plus_parking_nameservers_is_critical() -> None:
    old_expiry = NOW - timedelta(days=1)
    rec = record(
        expires_at=old_expiry.replace(year=old_expiry.year + 1),
        last_changed_at=old_expiry + timedelta(hours=20),
        statuses=["auto renew period", "client transfer prohibited"],
        nameservers=["ns1.pendingrenewaldeletion.com", "ns2.pendingrenewaldeletion.com"],
    )
    found = verdict(rec)
    assert found.status is Status.CRITICAL
    assert "pendingrenewaldeletion.com" in found.summary
    assert "registrar is letting it go" in found.summary


def test_auto_renewal_plus_a_vanished_delegation_is_critical() -> None:
    rec = record(expires_at=NOW + timedelta(days=360), statuses=["auto renew period"])
    found = verdict(rec, Delegation(zone="example", server="192.0.2.1:53", nxdomain=True))
    assert found.status is Status.CRITICAL
    assert "NXDOMAIN" in found.summary


def test_auto_renewal_plus_parking_nameservers_seen_at_the_parent_is_critical() -> None:
    rec = record(
        expires_at=NOW + timedelta(days=360),
        statuses=["auto renew period"],
        nameservers=["ns1.dnshost.example"],
    )
    parked = Delegation(zone="example", nameservers=["dns1.name-services.com", "dns2.name-services.com"])
    assert verdict(rec, parked).status is Status.CRITICAL


def test_a_registrar_expiry_already_past_counts_even_when_the_registry_date_is_far() -> None:
    rec = record(expires_at=NOW + timedelta(days=360), registrar_expires_at=NOW - timedelta(days=3))
    found = verdict(rec)
    assert found.status is Status.CRITICAL
    assert found.details["days_left"] == -3
    assert found.details["registry_expires_at"] == "2027-11-28T12:00:00Z"
