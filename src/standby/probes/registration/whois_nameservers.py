"""Name-server lines read as records: host, optional record type, optional IPv4/IPv6 glue.

Layouts: `ns1.example.com`, `ns1.example.com 192.0.2.1 2001:db8::1`, `ns1.example.com (192.0.2.1)`,
`ns1.example.com [192.0.2.1]`, `ns1.example.com, ns2.example.com` (several hosts on a line),
`example.pt NS ns1.example.com.` (the zone's own NS record: the owner name is the domain itself),
`ns1.example.com.` under `NS 1`, `Name Server (DB)`, `Primary Server Hostname` and other keys.

Never a host: the domain itself (it would make a name look delegated to itself, and feed the
parking and delegation checks a wrong value), a placeholder (`not.defined`, `none`, `-`), or an
address.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable

from standby.probes.registration.record import NameServer

HOST = re.compile(
    r"^(?=.{1,253}$)(?:[a-z0-9_](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?=[a-z0-9-]*[a-z])[a-z0-9-]{2,63}$"
)
_PLACEHOLDERS = frozenset({"not.defined", "no.nameserver", "none.none", "not.available", "dns.not.set"})
_TYPES = frozenset({"ns", "a", "aaaa", "in", "glue"})
_SPLIT = re.compile(r"[\s,;()\[\]]+")
_LONGEST = 100  # characters: a longer value is prose that strayed under a name-server heading
_KEY = re.compile(
    r"(?:^|\s)(?:name ?servers?|nservers?|ns(?: name)?|dns(?: servers?| name)?|domain (?:name )?servers?"
    r"|(?:primary|secondary|third|fourth|fifth|sixth|seventh|eighth) server(?: hostname)?|host ?name"
    r"|current nameservers|servidor(?:es)? de nombres?(?: de dominio)?|ネームサーバ)"
    # a number glued to the label: .vu's `DNS servers1:    ns2.tldns.vu : 37.209.194.6`
    r"(?: hostname| information| (?:in (?:the )?listed order|listed in order))?\d*$"
    # a name under a name-server heading: `DNS servers` then `Name....: ns4.ati.tn.`
    r"|^(?:dns servers?|name ?servers?|domain servers) (?:name|host ?name)$|^servers$"
)
_NOT_A_HOST_KEY = re.compile(r"\b(?:ip|ipv4|ipv6|address|netaddress|addr|dnssec|keys?|ds)\b")


def is_nameserver_key(key: str) -> bool:
    """`name server`, `nserver`, `ns`, `nameservers primary server hostname`, `dns servers`..."""
    return bool(_KEY.search(key)) and not _NOT_A_HOST_KEY.search(key)


def nameserver_records(values: Iterable[str], domain: str) -> list[NameServer]:
    """The name servers listed in `values`, one record per host, glue gathered, in answer order."""
    domain = domain.lower().rstrip(".")
    hosts: dict[str, list[str]] = {}
    for value in values:
        if len(value) > _LONGEST:
            continue
        current: list[str] | None = None
        for token in _SPLIT.split(value.strip()):
            word = token.lower().rstrip(".")
            if not word or word in _TYPES:
                continue
            if (address := _address(word)) is not None:
                if current is not None and address not in current:
                    current.append(address)
            elif word == domain or word in _PLACEHOLDERS or not HOST.match(word):
                current = None if word != domain else current
            else:
                current = hosts.setdefault(word, [])
    return [NameServer(host, tuple(addresses)) for host, addresses in hosts.items()]


def _address(word: str) -> str | None:
    try:
        return str(ipaddress.ip_address(word))
    except ValueError:
        return None
