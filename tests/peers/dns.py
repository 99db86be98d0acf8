"""A real DNS server on 127.0.0.1 for tests and benchmarks: UDP and TCP on one port, built on dnspython.

One class plays every role the probes meet, configured in Python:

- a recursive resolver (`DnsPeer(recursive=True)`): answers any name from a table of records,
  NXDOMAIN for names it does not hold — but, like every working resolver, it knows the root zone
  (`. NS`, `. SOA`), which Standby's self-check asks; `DnsPeer(recursive=True, root=False)` is a
  broken one (a sandbox's) that denies even the root, so every name;
- a parent (TLD) zone's server: `zone("example")` then `delegate("acme.example", [...], glue=...)`;
  a query under a delegated child gets a referral (NS in AUTHORITY, glue in ADDITIONAL), DS queries
  are answered by the parent, unknown names get NXDOMAIN with the SOA;
- a child zone's server, optionally DNSSEC-signed (`zone(..., signing=Signing(now))`), answering
  RRSIGs when the DO bit is set; `Signing` has knobs for expired, expiring or bogus signatures.

`fail(name, "servfail" | "refused" | "nxdomain" | "drop")` makes it misbehave for a name
(`fail(None, "nxdomain")`: a resolver that denies every name, the root zone too); `truncate_udp` forces
clients over to TCP. Every query is logged in `queries` for assertions.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rrset
import dns.zone

from tests.peers.dns_signing import Signing
from tests.peers.dns_transport import DnsTransport

Failure = Literal["servfail", "refused", "nxdomain", "drop"]
_RCODES = {"servfail": dns.rcode.SERVFAIL, "refused": dns.rcode.REFUSED, "nxdomain": dns.rcode.NXDOMAIN}
IN = dns.rdataclass.IN
ROOT = {  # what a working resolver answers for the root zone
    dns.rdatatype.NS: "a.root-servers.net.",
    dns.rdatatype.SOA: "a.root-servers.net. nstld.verisign-grs.com. 2024010100 1800 900 604800 86400",
}


def _name(text: str) -> dns.name.Name:
    return dns.name.from_text(text).canonicalize()


def _apex(zone: dns.zone.Zone) -> dns.name.Name:
    assert zone.origin is not None
    return zone.origin


@dataclass(frozen=True)
class Query:
    name: str  # lower-case, no trailing dot
    type: str
    tcp: bool
    recursion_desired: bool
    dnssec_ok: bool


class DnsPeer:
    """`with DnsPeer() as peer: peer.zone("example"); peer.delegate(...); peer.address`."""

    def __init__(self, *, recursive: bool = False, latency: float = 0.0, root: bool = True) -> None:
        self.recursive = recursive
        self.truncate_udp = False  # answer UDP with TC set and nothing else, so clients retry over TCP
        self.queries: list[Query] = []
        self._zones: dict[dns.name.Name, dns.zone.Zone] = {}
        self._signing: dict[dns.name.Name, Signing] = {}
        self._failures: dict[dns.name.Name | None, Failure] = {}
        self._lock = threading.Lock()
        self._transport = DnsTransport(lambda wire, tcp: self.handle(wire, tcp=tcp), latency)
        self._root: dict[dns.rdatatype.RdataType, dns.rrset.RRset] = {}
        if recursive:  # a resolver answers for every name: one table under the root
            self._zones[dns.name.root] = dns.zone.Zone(dns.name.root, relativize=False)
            if root:  # answered only when asked for the root itself: negative answers stay as they were
                for rdtype, value in ROOT.items():
                    self._root[rdtype] = dns.rrset.from_text(dns.name.root, 86400, IN, rdtype, value)

    # --- configuration -------------------------------------------------------------------------

    def zone(
        self, origin: str, *, nameservers: list[str] | None = None, signing: Signing | None = None
    ) -> None:
        """Serve `origin` authoritatively, with an SOA and apex NS (default ns1.ORIGIN)."""
        apex = _name(origin)
        with self._lock:
            self._zones[apex] = dns.zone.Zone(apex, relativize=False)
            if signing is not None:
                self._signing[apex] = signing
        nameservers = nameservers or [f"ns1.{origin}"]
        self.add(origin, "SOA", f"{nameservers[0]} hostmaster.{origin} 1 7200 3600 1209600 300")
        self.add(origin, "NS", *nameservers)

    def add(self, name: str, rdtype: str, *values: str, ttl: int = 300) -> None:
        """Set the `rdtype` records at `name` (replacing any; none removes them). Names are absolute."""
        owner = _name(name)
        with self._lock:
            zone = self._zone_for(owner)
            assert zone is not None, f"no zone on this peer holds {name}; call zone() first"
            zone.delete_rdataset(owner, rdtype)
            if values:
                rdataset = zone.find_rdataset(owner, rdtype, create=True)
                for value in values:
                    rdataset.add(dns.rdata.from_text(IN, rdtype, value, dns.name.root, relativize=False), ttl)

    def delegate(
        self,
        child: str,
        nameservers: list[str],
        *,
        glue: dict[str, str] | None = None,
        ds: Sequence[str] = (),
    ) -> None:
        """Delegate `child` from the zone above it: NS at the cut, glue addresses, optional DS."""
        self.add(child, "NS", *nameservers, ttl=172800)
        for host, address in (glue or {}).items():
            self.add(host, "AAAA" if ":" in address else "A", address, ttl=172800)
        self.add(child, "DS", *ds)

    def remove(self, name: str) -> None:
        """Delete `name` and everything under it (a registry deleting a domain drops its glue too)."""
        top = _name(name)
        with self._lock:
            zone = self._zone_for(top)
            assert zone is not None, f"no zone on this peer holds {name}"
            for owner in [n for n in zone.nodes if n.is_subdomain(top)]:
                zone.delete_node(owner)

    def fail(self, name: str | None, how: Failure | None = "drop") -> None:
        """Answer queries for `name` (every name if None) with SERVFAIL/REFUSED/NXDOMAIN or not at all;
        None heals."""
        key = None if name is None else _name(name)
        with self._lock:
            if how is None:
                self._failures.pop(key, None)
            else:
                self._failures[key] = how

    def asked(self, name: str, rdtype: str | None = None) -> list[Query]:
        wanted = name.lower().rstrip(".") or "."  # the root zone is logged as "."
        return [q for q in self.queries if q.name == wanted and rdtype in (None, q.type)]

    # --- answering -----------------------------------------------------------------------------

    def _zone_for(self, name: dns.name.Name) -> dns.zone.Zone | None:
        origins = [o for o in self._zones if name.is_subdomain(o)]
        return self._zones[max(origins, key=len)] if origins else None

    def handle(self, wire: bytes, *, tcp: bool) -> bytes | None:
        """The reply to one query message, or None to stay silent."""
        try:
            query = dns.message.from_wire(wire)
        except dns.exception.DNSException:
            return None
        if not query.question:
            return None
        question = query.question[0]
        qname = question.name.canonicalize()
        dnssec = bool(query.ednsflags & dns.flags.DO)
        with self._lock:
            rd = bool(query.flags & dns.flags.RD)
            entry = Query(qname.to_text(True), dns.rdatatype.to_text(question.rdtype), tcp, rd, dnssec)
            self.queries.append(entry)
            how = self._failures.get(qname, self._failures.get(None))
            if how == "drop":
                return None
            response = dns.message.make_response(query, recursion_available=self.recursive)
            if dnssec:
                response.want_dnssec(True)
            if how is not None:
                response.set_rcode(_RCODES[how])
            elif self.truncate_udp and not tcp:
                response.flags |= dns.flags.TC
            else:
                self._answer(response, qname, question.rdtype, dnssec)
        if tcp:
            return response.to_wire()
        try:
            return response.to_wire(max_size=max(512, query.payload) if query.edns >= 0 else 512)
        except dns.exception.TooBig:
            truncated = dns.message.make_response(query, recursion_available=self.recursive)
            truncated.flags |= dns.flags.TC
            return truncated.to_wire()

    def _answer(
        self,
        response: dns.message.Message,
        qname: dns.name.Name,
        qtype: dns.rdatatype.RdataType,
        dnssec: bool,
    ) -> None:
        zone = self._zone_for(qname)
        if zone is None:
            response.set_rcode(dns.rcode.REFUSED)
            return
        held = self._root.get(qtype) if qname == dns.name.root else None
        if held is not None and zone.get_rrset(qname, qtype) is None:
            response.answer.append(held)
            return
        signing = self._signing.get(_apex(zone)) if dnssec else None
        if not self.recursive:
            cut = self._cut(zone, qname)
            if cut is not None and not (qtype == dns.rdatatype.DS and qname == cut):
                self._refer(response, zone, cut)
                return
            response.flags |= dns.flags.AA
        name = qname
        for _ in range(8):  # follow CNAMEs inside the zone, as an authoritative server does
            found = self._rrset(zone, name, qtype)
            if found is not None:
                self._put(response.answer, found, zone, signing)
                return
            cname = self._rrset(zone, name, dns.rdatatype.CNAME)
            if cname is None:
                break
            self._put(response.answer, cname, zone, signing)
            name = cname[0].target
            if not name.is_subdomain(_apex(zone)):
                return
        if not any(n.is_subdomain(name) for n in zone.nodes):
            response.set_rcode(dns.rcode.NXDOMAIN)
        soa = zone.get_rrset(_apex(zone), dns.rdatatype.SOA)
        if soa is not None:
            self._put(response.authority, soa, zone, signing)

    def _rrset(
        self, zone: dns.zone.Zone, name: dns.name.Name, rdtype: dns.rdatatype.RdataType
    ) -> dns.rrset.RRset | None:
        signing = self._signing.get(_apex(zone))
        if signing is not None and name == _apex(zone) and rdtype == dns.rdatatype.DNSKEY:
            keys = dns.rrset.RRset(name, IN, dns.rdatatype.DNSKEY)
            keys.add(signing.dnskey, 3600)
            return keys
        return zone.get_rrset(name, rdtype)

    def _put(
        self,
        section: list[dns.rrset.RRset],
        rrset: dns.rrset.RRset,
        zone: dns.zone.Zone,
        signing: Signing | None,
    ) -> None:
        section.append(rrset)
        if signing is not None:
            section.append(signing.rrsig(rrset, _apex(zone)))

    @staticmethod
    def _cut(zone: dns.zone.Zone, qname: dns.name.Name) -> dns.name.Name | None:
        """The highest delegation point between the zone's apex and `qname`, if any."""
        cut, name = None, qname
        while name != _apex(zone):
            if zone.get_rdataset(name, dns.rdatatype.NS) is not None:
                cut = name
            name = name.parent()
        return cut

    @staticmethod
    def _refer(response: dns.message.Message, zone: dns.zone.Zone, cut: dns.name.Name) -> None:
        ns = zone.get_rrset(cut, dns.rdatatype.NS)
        assert ns is not None
        response.authority.append(ns)
        for rdata in ns:
            for rdtype in (dns.rdatatype.A, dns.rdatatype.AAAA):
                glue = zone.get_rrset(rdata.target, rdtype)
                if glue is not None:
                    response.additional.append(glue)

    @property
    def port(self) -> int:
        return self._transport.port

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> DnsPeer:
        self._transport.start()
        return self

    def stop(self) -> None:
        self._transport.stop()

    def kill(self) -> int:
        """Stop answering, as a dead server does: nothing listens on its port any more."""
        port = self.port
        self._transport.stop()
        return port

    def revive(self, port: int) -> None:
        """Listen again on the port it had, with everything it held."""
        self._transport.start(port)

    def __enter__(self) -> DnsPeer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
