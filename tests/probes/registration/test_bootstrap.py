"""Which RDAP server answers for a name: longest match, the user's overrides, cache and fallbacks."""

from __future__ import annotations

from datetime import timedelta

from standby.core.clock import ManualClock
from standby.probes.registration.bootstrap import Bootstrap, bootstrap, parse_services
from tests.peers.http import Reply
from tests.peers.rdap import RdapPeer
from tests.probes.registration.conftest import NOW, Make


def test_the_longest_label_match_wins_and_suffixes_are_not_labels() -> None:
    services = parse_services(
        {"services": [[["com"], ["https://com.example/"]], [["example.com"], ["http://ex/", "https://ex/"]]]}
    )
    found = Bootstrap(services, "test")
    assert found.lookup("a.b.example.com") == ("https://ex/", "http://ex/")  # HTTPS first
    assert found.lookup("goodexample.com") == ("https://com.example/",)
    assert found.lookup("EXAMPLE.COM.") == ("https://ex/", "http://ex/")
    assert found.lookup("acme.unknown") == ()


async def test_it_reads_the_bootstrap_from_a_url_and_keeps_it_a_day(make_ctx: Make) -> None:
    with RdapPeer(tlds=["example"]) as rdap:
        clock = ManualClock(NOW)
        async with make_ctx(clock, rdap_bootstrap=rdap.bootstrap_url) as ctx:
            assert (await bootstrap(ctx)).lookup("acme.example") == (rdap.base,)
            await bootstrap(ctx)
        async with make_ctx(clock, rdap_bootstrap=rdap.bootstrap_url) as ctx:  # a new run, same cache
            assert (await bootstrap(ctx)).lookup("acme.example") == (rdap.base,)
        assert rdap.queries.count("/dns.json") == 1
        clock.advance(timedelta(hours=25))
        async with make_ctx(clock, rdap_bootstrap=rdap.bootstrap_url) as ctx:
            await bootstrap(ctx)
        assert rdap.queries.count("/dns.json") == 2


async def test_a_stale_cache_is_used_when_the_bootstrap_url_fails(make_ctx: Make) -> None:
    with RdapPeer(tlds=["example"]) as rdap:
        clock = ManualClock(NOW)
        async with make_ctx(clock, rdap_bootstrap=rdap.bootstrap_url) as ctx:
            await bootstrap(ctx)
        rdap.http.route("/dns.json", Reply(503, "down"))
        clock.advance(timedelta(days=3))
        async with make_ctx(clock, rdap_bootstrap=rdap.bootstrap_url) as ctx:
            assert (await bootstrap(ctx)).lookup("acme.example") == (rdap.base,)


async def test_without_the_url_it_falls_back_to_the_bundled_snapshot_and_the_cctld_supplement(
    make_ctx: Make,
) -> None:
    async with make_ctx(rdap_bootstrap="http://127.0.0.1:9/dns.json") as ctx:
        found = await bootstrap(ctx)
    assert found.lookup("marketo.com") == ("https://rdap.verisign.com/com/v1/",)
    assert found.lookup("example.de") == ("https://rdap.denic.de/",)  # not in IANA's file
    assert "bundled snapshot" in found.source


async def test_the_plans_rdap_servers_override_the_bootstrap(make_ctx: Make, tmp_path) -> None:  # type: ignore[no-untyped-def]
    local = tmp_path / "dns.json"
    local.write_text('{"services": [[["com"], ["https://rdap.verisign.com/com/v1/"]]]}')
    async with make_ctx(rdap_bootstrap=str(local), rdap_servers={"com": "https://rdap.internal/com"}) as ctx:
        found = await bootstrap(ctx)
    assert found.lookup("marketo.com") == ("https://rdap.internal/com/",)
    assert found.source == str(local)
