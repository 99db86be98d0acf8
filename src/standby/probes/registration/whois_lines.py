"""Split a WHOIS answer into (key, value) pairs, whatever the registry's layout.

Layouts seen in the corpus: `Key: value`, `key.......: value`, `Key:........ value`, `Key<TAB>value`,
JPRS `[Key]  value` (and MYNIC's `a [Key]  value`), RWhois `domain:Domain-Name:value`, a key alone on
its line with its values indented below (Nominet, EURid, SIDN, EDUCAUSE), the same without indentation
up to a blank line (SWITCH), YAML-style lists (`  - ns1.`), `** Domain Servers:` headings, and
sentences such as `Record expires on 2020-05-23`. A colon inside an IPv6 address (`ns1.example.com
2001:db8::1`) is no key separator. Keys come back normalized (`normalize_key`) so one spelling in the
field table covers its variants.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import NamedTuple

Pair = tuple[str, str]


class Field(NamedTuple):
    key: str  # normalized
    value: str
    block: int  # paragraph number: RIPE-style answers put one object (domain, contact...) in each
    line: str = ""  # the answer's line, as written (stripped)


_BRACKET = re.compile(r"^\s*(?:[a-z](?:\.\s*|\s+))?\[([^\]]{1,40})\]\s*(.*)$", re.I)  # `a. [Key]`, `a [Key]`
# RWhois (RFC 2167): `domain:Domain-Name:google.ma`; `;I` marks an object reference, not a value.
_RWHOIS = re.compile(r"^\s*[a-z][a-z-]*:([A-Z][A-Za-z-]*)(;[A-Z])?:(.*)$")
_COLON = re.compile(r"^\s*([^:\t]{1,80}?)[\s.]*:(?!//)\s*(.*)$")
_TAB = re.compile(r"^\s*([^\t]{1,60}?)\t+(.+)$")
_HASH = re.compile(r"^\s*([^#:\t]{1,60}?)#[\s.]*(\S.*)$")  # JWhoisServer: `Nom de domaine#. . . .google.dz`
_SPACED = re.compile(r"^\s*([A-Za-z][\w.-]{1,40})\s{2,}(\S.*)$")  # SK-NIC: `Valid-date     2011-07-23`
_RULE = re.compile(r"[-=_*~.]{3,}")  # a line drawn under a heading
# The `whois` command's banner before the server's text: `[Querying whois.verisign-grs.com]`.
_BANNER = re.compile(r"\[(?:querying |redirected to )?[a-z0-9.-]+\.[a-z]{2,}\]", re.I)
# Headings whose sub-keys are the domain's own facts (`Domain:` then `   Domain Name: google.es`).
_OWN_SECTIONS = frozenset({"domain", "domain information", "domain details", "domain info", "domain data"})
_COMMENT = ("%", "#", ">>>")


def normalize_key(key: str) -> str:
    """`Registry Expiry Date` / `paid-till` / `ns_name_01` / `expires....` / `** Domain Servers` /
    `Name Server (DB)` / `NS 1` → `registry expiry date`, `paid till`, `ns name`, `expires`,
    `domain servers`, `name server`, `ns`."""
    key = re.sub(r"[_-]", " ", key.lower())
    key = re.sub(r"\([^)]*\)", " ", key)
    key = re.sub(r"^[\s*>.]+|[.\s]+$", "", key)
    return re.sub(r" \d+$", "", " ".join(key.split()))


@dataclass
class _Section:
    """A key whose values continue on the following lines."""

    key: str
    indent: int
    has_values: bool = False
    values_only: bool = False  # `nameservers: ns1.` then `ns2.` indented below it: no sub-keys
    sub: str | None = None  # the last sub-key: a plain line after it continues it (an address)

    def holds(self, indent: int, pair: Pair | None) -> bool:
        if self.values_only:
            return pair is None and indent > self.indent
        # Indented lines, plain lines, and (EEDNS, DK Hostmaster) `name: X` lines at the header's
        # own indentation belong to it; an empty key starts the next section instead.
        return pair is None or indent > self.indent or (indent == self.indent and bool(pair[1]))


def read_fields(text: str, *, known: Collection[str], phrases: Collection[str]) -> list[Field]:
    """All (normalized key, value) pairs, in answer order.

    `known` keys may open a section when they stand alone on a line; `phrases` are keys that some
    registries write without a colon, before a date.
    """
    fields: list[Field] = []
    section: _Section | None = None
    block, blank = 0, False
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            if section and section.has_values:
                section = None  # a blank line ends a section, once it has begun
            block, blank = block + (not blank), True
            continue
        blank = False
        if stripped.startswith(_COMMENT) or _RULE.fullmatch(stripped) or _BANNER.fullmatch(stripped):
            continue
        stripped = re.sub(r"^- (?=\S)", "", stripped)  # a YAML list item
        expanded = line.expandtabs(8)
        indent = len(expanded) - len(expanded.lstrip())
        pair = _pair(stripped, known, phrases)
        if pair is not None and not pair[1] and _BRACKET.match(stripped):
            section = None  # JPRS `[Signing Key]` with nothing after it: an empty field, not a heading
            continue
        if section and section.holds(indent, pair):
            members = _member(section, stripped, _pair(stripped, known, phrases, tabs=False), indent)
            fields.extend(Field(key, value, block, stripped) for key, value in members)
            section.has_values = True
        elif pair is None:
            key = normalize_key(stripped)
            section = _Section(key, indent) if key in known else None
        elif pair[1]:
            fields.append(Field(*pair, block, stripped))
            section = _Section(pair[0], indent, has_values=True, values_only=True)
        else:
            section = _Section(pair[0], indent)
    return fields


def _pair(line: str, known: Collection[str], phrases: Collection[str], *, tabs: bool = True) -> Pair | None:
    if found := _BRACKET.match(line):
        return normalize_key(found.group(1)), _value(found.group(2))
    if found := _RWHOIS.match(line):
        return normalize_key(found.group(1)), "" if found.group(2) else _value(found.group(3))
    pair = _split(line, known, phrases, tabs=tabs)
    return (pair[0], _value(pair[1])) if pair else None


def _value(text: str) -> str:
    """Without dotted leaders (`Domain:.............google.tn`, `Expiration:........ 2020-01-01`), YAML
    tags and quotes (`expires: !!timestamp "2020-01-01"`)."""
    text = re.sub(r"^(?:\.{2,}|(?:\. ){2,})\s*", "", text.strip())
    text = re.sub(r"^!!?[\w/:.-]+\s+", "", text).strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        text = text[1:-1]
    return text.strip()


def _ipv6_at(line: str, index: int) -> bool:
    """The colon at `index` belongs to an IPv6 address (`ns1.example.com 2001:db8::53`)."""
    start = max(line.rfind(" ", 0, index), line.rfind("\t", 0, index)) + 1
    end = len(line) if (space := re.search(r"[\s,)\]]", line[index:])) is None else index + space.start()
    try:
        return ipaddress.ip_address(line[start:end].strip("([")).version == 6
    except ValueError:
        return False


def _split(line: str, known: Collection[str], phrases: Collection[str], *, tabs: bool) -> Pair | None:
    colon = _COLON.match(line)
    time_of_day = bool(colon and re.search(r"\d$", colon.group(1)) and re.match(r"\d{2}\b", colon.group(2)))
    if colon and (time_of_day or _ipv6_at(line, line.find(":", colon.end(1)))):
        colon = None  # an address or a time of day (`Record expires on 2021-11-09 00:00:00`), not a key
    key = normalize_key(colon.group(1)) if colon else ""
    if colon and key in known:
        return key, colon.group(2).strip()
    lowered = line.lower()
    for phrase in phrases:
        if lowered.startswith(phrase) and (found := re.match(r"[\s.:]+(.*\d.*)$", line[len(phrase) :])):
            return phrase, found.group(1).strip()
    if colon and re.search(r"[a-z]", key) and len(key) <= 60:
        return key, colon.group(2).strip()
    if tabs and (found := _TAB.match(line)):
        return normalize_key(found.group(1)), found.group(2).strip()
    if found := _HASH.match(line):
        return normalize_key(found.group(1)), found.group(2).strip()
    if (found := _SPACED.match(line)) and normalize_key(found.group(1)) in known:
        return normalize_key(found.group(1)), found.group(2).strip()
    return None


def _member(section: _Section, line: str, pair: Pair | None, indent: int) -> list[Pair]:
    """A line inside a section: a plain value of the header, or a sub-key (`Name: MarkMonitor`).

    An indented sub-key is known only by its section (`registrant state` is no domain `state`); one
    at the header's own indentation may just follow an empty field (`Registrar URL:`), so it also
    stands for itself.
    """
    if section.sub and not pair and not section.values_only:
        return [(f"{section.key} {section.sub}", line)]
    if not pair or not pair[1] or section.values_only:
        return [(section.key, line)]
    section.sub = pair[0]
    nested = (f"{section.key} {pair[0]}", pair[1])
    return [nested] if indent > section.indent and section.key not in _OWN_SECTIONS else [nested, pair]
