"""Registration lookups against a local RDAP registry and WHOIS servers, as `standby check` runs them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from standby.core.clock import ManualClock
from standby.core.errors import ProbeError
from standby.core.status import Status
from standby.plan.model import Domain
from standby.probes.registration.evaluate import evaluate_registration
from standby.probes.registration.lookup import lookup_registration
from standby.probes.registration.rdap import a_label, retry_after
from standby.probes.registration.whois import THROTTLE_WAITS
from tests.peers.http import Reply
from tests.peers.rdap import RdapPeer, domain_object
from tests.peers.whois import WhoisPeer
from tests.probes.registration.conftest import NOW, Make

EXPIRES = NOW + timedelta(days=200)


def gtld_whois(
    name: str, *, expires: str, referral: str | None = None, registrar_expiry: str | None = None
) -> str:
    lines = [
        f"   Domain Name: {name.upper()}",
        "   Registry Domain ID: 2336799_DOMAIN_COM-VRSN",
        *([f"   Registrar WHOIS Server: {referral}"] if referral else []),
        "   Updated Date: 2026-01-10T09:00:00Z",
        "   Creation Date: 2001-03-01T05:00:00Z",
        f"   Registry Expiry Date: {expires}",
        *([f"   Registrar Registration Expiration Date: {registrar_expiry}"] if registrar_expiry else []),
        "   Registrar: Example Registrar, Inc.",
        "   Domain Status: clientTransferProhibited https://icann.org/epp#clientTransferProhibited",
        "   Name Server: NS1.DNSHOST.TEST",
        "   Name Server: NS2.DNSHOST.TEST",
        "   DNSSEC: unsigned",
        ">>> Last update of WHOIS database: 2026-12-03T11:00:00Z <<<",
    ]
    return "\r\n".join(lines) + "\r\n"


async def test_rdap_gives_expiry_registrar_statuses_and_nameservers(make_ctx: Make) -> None:
    with RdapPeer() as rdap:
        rdap.domains["acme.example"] = domain_object(
            "acme.example", expires=EXPIRES, nameservers=["ns1.dnshost.example", "ns2.dnshost.example"]
        )
        async with make_ctx(rdap_bootstrap=rdap.bootstrap_url) as ctx:
            record = await lookup_registration("acme.example", ctx)
        assert record.source == "rdap" and record.server == rdap.base
    assert record.expires_at == EXPIRES.replace(microsecond=0)
    assert record.registrar == "Example Registrar, Inc."
    assert record.nameservers == ["ns1.dnshost.example", "ns2.dnshost.example"]
    assert record.statuses == ["client transfer prohibited"]


async def test_it_follows_the_related_link_for_the_registrars_expiry(make_ctx: Make) -> None:
    with RdapPeer() as rdap:
        rdap.domains["acme.example"] = domain_object(
            "acme.example", expires=EXPIRES, related=rdap.registrar_url("acme.example")
        )
        rdap.registrar["acme.example"] = domain_object(
            "acme.example", expires=EXPIRES, registrar_expiration=NOW + timedelta(days=20)
        )
        async with make_ctx(rdap_bootstrap=rdap.bootstrap_url) as ctx:
            record = await lookup_registration("acme.example", ctx)
    assert record.registrar_expires_at == NOW + timedelta(days=20)
    found = evaluate_registration(Domain(name="acme.example"), record, error=None, delegation=None, now=NOW)
    assert found.status is Status.WARNING and found.details["days_left"] == 20


async def test_a_429_is_waited_out_for_its_retry_after_then_answered(make_ctx: Make) -> None:
    with RdapPeer() as rdap:
        rdap.domains["acme.example"] = [
            Reply(429, "slow down", {"Retry-After": "7"}),
            Reply(429, "slow down", {"Retry-After": "5"}),
            Reply.json(domain_object("acme.example", expires=EXPIRES)),
        ]
        clock = ManualClock(NOW)
        async with make_ctx(clock, rdap_bootstrap=rdap.bootstrap_url) as ctx:
            record = await lookup_registration("acme.example", ctx)
    assert record.expires_at is not None
    assert clock.now() - NOW == timedelta(seconds=12)  # both waits honoured, on the injected clock


async def test_an_unreasonable_retry_after_is_reported_not_slept(make_ctx: Make) -> None:
    with RdapPeer() as rdap:
        rdap.domains["acme.example"] = Reply(429, "", {"Retry-After": "3600"})
        async with make_ctx(rdap_bootstrap=rdap.bootstrap_url) as ctx:
            with pytest.raises(ProbeError, match="rate-limiting us for 3600 s"):
                await lookup_registration("acme.example", ctx)


def test_retry_after_reads_seconds_and_http_dates() -> None:
    assert retry_after("30", NOW) == 30
    assert retry_after("Thu, 03 Dec 2026 12:01:00 GMT", NOW) == 60
    assert retry_after(None, NOW) == 1
    assert retry_after("soon", NOW) == 1


async def test_a_404_means_not_registered(make_ctx: Make) -> None:
    with RdapPeer() as rdap:
        async with make_ctx(rdap_bootstrap=rdap.bootstrap_url) as ctx:
            record = await lookup_registration("gone.example", ctx)
    assert record.not_found


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        (Reply(200, "{not json", {"Content-Type": "application/rdap+json"}), "not JSON"),
        (Reply.json({"objectClassName": "entity"}), "not a domain"),
        (Reply(500, "oops"), "HTTP 500"),
        (Reply(200, "{}", delay=1.5), "timed out"),
    ],
)
async def test_a_broken_registry_reply_is_a_probe_error_not_a_crash(
    make_ctx: Make, reply: Reply, reason: str
) -> None:
    with RdapPeer() as rdap:
        rdap.domains["acme.example"] = reply
        async with make_ctx(rdap_bootstrap=rdap.bootstrap_url) as ctx:
            with pytest.raises(ProbeError, match=reason):
                await lookup_registration("acme.example", ctx)


async def test_a_tld_without_rdap_is_read_over_whois(make_ctx: Make) -> None:
    with (
        RdapPeer() as rdap,
        WhoisPeer({"acme.whoisonly": gtld_whois("acme.whoisonly", expires="2027-06-21T12:00:00Z")}) as whois,
    ):
        async with make_ctx(
            rdap_bootstrap=rdap.bootstrap_url, whois_servers={"whoisonly": whois.server}
        ) as ctx:
            record = await lookup_registration("acme.whoisonly", ctx)
    assert record.source == "whois"
    assert record.expires_at is not None and record.expires_at.isoformat() == "2027-06-21T12:00:00+00:00"
    assert record.nameservers == ["ns1.dnshost.test", "ns2.dnshost.test"]
    assert rdap.queries == ["/dns.json"]


async def test_a_whois_reply_in_iso_2022_jp_is_read_with_its_japanese_labels(make_ctx: Make) -> None:
    """JPRS answers in ISO-2022-JP unless asked with `/e`: every byte is 7-bit, so read as UTF-8 the
    Japanese labels (the expiry's among them) would be escape codes."""
    jprs = (
        "[ Dom Name ]\r\n"
        "a. [ドメイン名]                 ACME.JP\r\n"
        "p. [ネームサーバ]               ns1.acme.jp\r\n"
        "p. [ネームサーバ]               ns2.acme.jp\r\n"
        "[登録年月日]                    2003/09/11\r\n"
        "[有効期限]                      2027/09/30\r\n"
        "[状態]                          Active\r\n"
    )
    with RdapPeer() as rdap, WhoisPeer({"acme.jp": jprs}, encoding="iso-2022-jp") as whois:
        async with make_ctx(rdap_bootstrap=rdap.bootstrap_url, whois_servers={"jp": whois.server}) as ctx:
            record = await lookup_registration("acme.jp", ctx)
    assert record.source == "whois"
    assert record.expires_at is not None and record.expires_at.date().isoformat() == "2027-09-30"
    assert record.nameservers == ["ns1.acme.jp", "ns2.acme.jp"]


async def test_the_whois_server_is_found_through_iana_and_the_thin_registry_refers_to_the_registrar(
    make_ctx: Make,
) -> None:
    registry_text = gtld_whois("acme.thin", expires="2027-06-21T12:00:00Z", referral="whois.registrar.test")
    registrar_text = gtld_whois(
        "acme.thin", expires="2027-06-21T12:00:00Z", registrar_expiry="2026-12-20T00:00:00Z"
    )
    iana_text = "% IANA WHOIS server\r\n\r\ndomain:       THIN\r\nwhois:        whois.nic.thin\r\n"
    with (
        RdapPeer() as rdap,
        WhoisPeer({"thin": iana_text}) as iana,
        WhoisPeer({"acme.thin": registry_text}) as registry,
        WhoisPeer({"acme.thin": registrar_text}) as registrar,
    ):
        servers = {"whois.nic.thin": registry.server, "whois.registrar.test": registrar.server}
        async with make_ctx(
            rdap_bootstrap=rdap.bootstrap_url, whois_root=iana.server, whois_servers=servers
        ) as ctx:
            record = await lookup_registration("acme.thin", ctx)
            await lookup_registration("acme.thin", ctx)
    assert iana.queries == ["thin"]  # asked once per TLD
    assert record.registrar_expires_at is not None and record.registrar_expires_at.day == 20


async def test_a_referral_into_the_private_network_is_refused(make_ctx: Make) -> None:
    text = gtld_whois("acme.whoisonly", expires="2027-06-21T12:00:00Z", referral="localhost")
    with RdapPeer() as rdap, WhoisPeer({"acme.whoisonly": text}) as whois:
        async with make_ctx(
            rdap_bootstrap=rdap.bootstrap_url, whois_servers={"whoisonly": whois.server}
        ) as ctx:
            record = await lookup_registration("acme.whoisonly", ctx)
    assert record.expires_at is not None and record.registrar_expires_at is None
    assert len(whois.queries) == 1


async def test_a_whois_rate_limit_reply_is_unknown_never_available(make_ctx: Make) -> None:
    with (
        RdapPeer() as rdap,
        WhoisPeer(
            {"acme.whoisonly": "WHOIS LIMIT EXCEEDED - SEE WWW.PIR.ORG/WHOIS FOR DETAILS\r\n"}
        ) as whois,
    ):
        async with make_ctx(
            rdap_bootstrap=rdap.bootstrap_url, whois_servers={"whoisonly": whois.server}
        ) as ctx:
            record = await lookup_registration("acme.whoisonly", ctx)
    assert record.rate_limited and not record.not_found
    found = evaluate_registration(Domain(name="acme.whoisonly"), record, error=None, delegation=None, now=NOW)
    assert found.status is Status.UNKNOWN


async def test_a_throttled_whois_reply_is_asked_again_after_a_backoff(make_ctx: Make) -> None:
    replies = iter(["WHOIS LIMIT EXCEEDED - SEE WWW.PIR.ORG/WHOIS FOR DETAILS\r\n"] * 2)
    record_text = gtld_whois("acme.whoisonly", expires="2027-06-21T12:00:00Z")
    clock = ManualClock(NOW)
    with RdapPeer() as rdap, WhoisPeer({"acme.whoisonly": lambda _: next(replies, record_text)}) as whois:
        async with make_ctx(
            clock, rdap_bootstrap=rdap.bootstrap_url, whois_servers={"whoisonly": whois.server}
        ) as ctx:
            record = await lookup_registration("acme.whoisonly", ctx)
    assert len(whois.queries) == 3
    assert record.availability.value == "registered" and record.expires_at is not None
    assert NOW <= clock.now() <= NOW + timedelta(seconds=sum(THROTTLE_WAITS))  # waited, within the bound


async def test_a_server_that_keeps_throttling_gives_a_throttled_record_after_bounded_retries(
    make_ctx: Make,
) -> None:
    with (
        RdapPeer() as rdap,
        WhoisPeer({"acme.whoisonly": "% Maximum queries per hour reached (100)\r\n"}) as whois,
    ):
        async with make_ctx(
            rdap_bootstrap=rdap.bootstrap_url, whois_servers={"whoisonly": whois.server}
        ) as ctx:
            record = await lookup_registration("acme.whoisonly", ctx)
    assert len(whois.queries) == 1 + len(THROTTLE_WAITS)
    assert record.rate_limited and record.evidence == "Maximum queries per hour reached (100)"
    found = evaluate_registration(Domain(name="acme.whoisonly"), record, error=None, delegation=None, now=NOW)
    assert found.status is Status.UNKNOWN and found.summary.startswith("rate limited, try later")


async def test_a_silent_whois_server_times_out_as_a_probe_error(make_ctx: Make) -> None:
    with RdapPeer() as rdap, WhoisPeer(delay=2.0) as whois:
        async with make_ctx(
            rdap_bootstrap=rdap.bootstrap_url, whois_servers={"whoisonly": whois.server}, timeout="200ms"
        ) as ctx:
            with pytest.raises(ProbeError, match="did not finish"):
                await lookup_registration("acme.whoisonly", ctx)


def test_names_are_asked_in_their_ascii_form() -> None:
    assert a_label("Bücher.Example.") == "xn--bcher-kva.example"
