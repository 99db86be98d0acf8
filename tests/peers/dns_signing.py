"""DNSSEC signing for the DNS test peer: one Ed25519 key per zone, signatures made at answer time.

Times are relative to `now`, so a test signs "as of" its ManualClock and can make signatures expired,
not yet valid or about to expire; `bogus` spoils them in the two ways real zones break.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

import dns.dnssec
import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.rrset
from cryptography.hazmat.primitives.asymmetric import ed25519
from dns.dnssectypes import Algorithm
from dns.rdtypes.ANY.DNSKEY import DNSKEY

_SEP_ZONE_KEY = 257  # ZONE | SEP: one key signing both the DNSKEY set and the data (a CSK)


@dataclass
class Signing:
    """How a zone is signed; times are relative to `now`, so tests can sign "as of" a ManualClock.

    `bogus` spoils the signatures on everything but the DNSKEY set: "unknown-key" signs with a key the
    zone does not publish, "corrupt" flips a byte of each signature.
    """

    now: datetime
    inception: timedelta = timedelta(days=-1)
    expiration: timedelta = timedelta(days=14)
    bogus: Literal["unknown-key", "corrupt"] | None = None
    key: ed25519.Ed25519PrivateKey = field(default_factory=ed25519.Ed25519PrivateKey.generate)
    stray_key: ed25519.Ed25519PrivateKey = field(default_factory=ed25519.Ed25519PrivateKey.generate)

    @property
    def dnskey(self) -> DNSKEY:
        return _dnskey(self.key)

    @property
    def key_tag(self) -> int:
        return dns.dnssec.key_id(self.dnskey)

    def ds(self, origin: str) -> str:
        """The DS record text the parent publishes for this zone's key."""
        return dns.dnssec.make_ds(origin, self.dnskey, "SHA256").to_text()

    def rrsig(self, rrset: dns.rrset.RRset, signer: dns.name.Name) -> dns.rrset.RRset:
        spoil = self.bogus is not None and rrset.rdtype != dns.rdatatype.DNSKEY
        key = self.stray_key if spoil and self.bogus == "unknown-key" else self.key
        sig = dns.dnssec.sign(
            rrset,
            key,
            signer,
            _dnskey(key),
            inception=self.now + self.inception,
            expiration=self.now + self.expiration,
        )
        rdata: dns.rdata.Rdata = sig
        if spoil and self.bogus == "corrupt":
            rdata = sig.replace(signature=bytes([sig.signature[0] ^ 0xFF]) + sig.signature[1:])
        out = dns.rrset.RRset(rrset.name, dns.rdataclass.IN, dns.rdatatype.RRSIG, rrset.rdtype)
        out.add(rdata, rrset.ttl)
        return out


def _dnskey(key: ed25519.Ed25519PrivateKey) -> DNSKEY:
    return dns.dnssec.make_dnskey(key.public_key(), Algorithm.ED25519, flags=_SEP_ZONE_KEY)
