"""Name-server lines as records: host, type, glue; never the domain itself or a placeholder."""

from __future__ import annotations

import pytest

from standby.probes.registration.record import NameServer
from standby.probes.registration.whois_nameservers import is_nameserver_key, nameserver_records
from standby.probes.registration.whois_parse import parse_whois


@pytest.mark.parametrize(
    ("values", "records"),
    [
        (["ns1.example.com"], [NameServer("ns1.example.com")]),
        (["NS1.EXAMPLE.COM."], [NameServer("ns1.example.com")]),
        (["example.pt NS ns1.example.com."], [NameServer("ns1.example.com")]),
        (
            ["ns1.example.com 192.0.2.1 2001:db8::53"],
            [NameServer("ns1.example.com", ("192.0.2.1", "2001:db8::53"))],
        ),
        (["ns1.example.com (192.0.2.1)"], [NameServer("ns1.example.com", ("192.0.2.1",))]),
        (["ns1.example.com [2001:DB8::1]"], [NameServer("ns1.example.com", ("2001:db8::1",))]),
        (
            ["ns1.example.net, ns2.example.net"],
            [NameServer("ns1.example.net"), NameServer("ns2.example.net")],
        ),
        (["not.defined", "ns1.example.net"], [NameServer("ns1.example.net")]),
        (["example.pt"], []),
        (["192.0.2.1"], []),
        (["To find out more, please visit: RDDSrequest.nic.example. " * 3], []),
    ],
)
def test_it_reads_name_server_values_as_records(values: list[str], records: list[NameServer]) -> None:
    assert nameserver_records(values, "example.pt") == records


def test_glue_on_the_same_host_twice_is_gathered_once() -> None:
    values = ["ns1.example.net 192.0.2.1", "ns1.example.net 192.0.2.1 2001:db8::1"]
    assert nameserver_records(values, "x.example") == [
        NameServer("ns1.example.net", ("192.0.2.1", "2001:db8::1"))
    ]


@pytest.mark.parametrize(
    "key",
    [
        "name server",
        "nserver",
        "ns",
        "nameservers primary server hostname",
        "dns servers name",
        "domain servers in listed order",
        "domain name servers listed in order",
        "servers",
        "servidores de nombre",
        "ns name",
        "dns",
        "dns servers1",  # .vu: `DNS servers1:    ns2.tldns.vu : 37.209.194.6`
    ],
)
def test_it_knows_the_keys_name_servers_come_under(key: str) -> None:
    assert is_nameserver_key(key)


@pytest.mark.parametrize(
    "key", ["nameservers ipv4 server", "primary server netaddress", "dnssec", "whois servers ip"]
)
def test_addresses_and_dnssec_are_not_host_keys(key: str) -> None:
    assert not is_nameserver_key(key)


def test_an_ipv6_glue_colon_is_not_a_key_separator() -> None:
    text = "Domain Name: example.pt\nRegistrar: X\nName Servers:\n   ns1.example.net 2001:db8::53\n   ns2.example.net\n"
    record = parse_whois(text, domain="example.pt", server="whois.example")
    assert record.nameserver_records == [
        NameServer("ns1.example.net", ("2001:db8::53",)),
        NameServer("ns2.example.net"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Domain: example.pt\nRegistrar: X\nNameserver: example.pt NS ns1.example.com.\nNameserver: example.pt NS ns2.example.com.\n",
        "Domain: example.pt\nRegistrar: X\n** Domain Servers:\nns1.example.com\nns2.example.com\n",
        "Domain: example.pt\nRegistrar: X\nNAME SERVER INFORMATION:\nns1.example.com (192.0.2.1)\nns2.example.com\n",
        "Domain: example.pt\nRegistrar: X\nName Servers:\n   DNS:   ns1.example.com   192.0.2.1\n   DNS:   ns2.example.com\n",
        "Domain: example.pt\nRegistrar: X\nnameservers:\n  - ns1.example.com\n  - ns2.example.com\n",
        "Domain: example.pt\nRegistrar: X\nNS 1   : ns1.example.com\nNS 2   : ns2.example.com\n",
        "Domain: example.pt\nRegistrar: X\nName Server (DB):...ns1.example.com.\nName Server (DB):...ns2.example.com.\n",
    ],
)
def test_name_servers_in_every_layout_never_include_the_domain(text: str) -> None:
    record = parse_whois(text, domain="example.pt", server="whois.example")
    assert record.nameservers == ["ns1.example.com", "ns2.example.com"]
