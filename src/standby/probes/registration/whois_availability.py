"""Free, registered, throttled or unknown: decided first, from the whole WHOIS answer, with the line read.

In this order:

1. **Throttled** when a line says the server is refusing or limiting queries (a quota, a rate, a
   block). It wins over everything: a throttled reply must never read as "available" (weppos/whois
   issue #401: a .nl rate-limit text was taken for a free domain).
2. **Free** when a line says the name is not registered: "No match", "NOT FOUND", "Status: AVAILABLE",
   "is not registered", "no existe", "Nincs találat"... anywhere in the line, a `Status:` value
   included, but not as the value of some other field (`Registrant Email: not found`) and not in
   terms-of-use prose (a line of more than `_PROSE` characters). A free line loses only to hard
   evidence of the name's own record: a readable registration or expiry date, or a name server.
3. **Registered** when the name's own record carries evidence: a date, a registrar, a name server, a
   registrant, or a status that is not itself a "free" word. Never from the mere absence of a "not
   found" phrase. A status that says the name cannot be registered (`Status: Reserved`) outweighs
   weak evidence (a change date, a registrar) but not a registration or expiry date or a name server.
4. **Unknown** otherwise, with the line that says why when there is one: a name that cannot be
   registered ("Status: NOT ALLOWED", "Reserved by ICM Registry"), an error ("Invalid input", "only
   accepts .bo queries"); or none: an empty answer, a notice with nothing in it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from standby.probes.registration.record import Availability
from standby.probes.registration.whois_lines import Field

_PROSE = 140  # longer lines are paragraphs (terms of use), not verdicts

_THROTTLED = re.compile(
    "|".join(
        (
            r"access control limit (?:reached|exceeded)",  # DENIC
            r"whois limit exceeded",  # PIR
            r"query quota\b.*\bexceeded",  # Nominet
            r"exceeded (?:your|the) (?:query )?quota",  # MarkMonitor
            r"only \d+ requests? per (?:second|minute|hour)",  # SIDN
            r"connection limit exceeded",  # CZ.NIC
            r"request limit exceeded",  # NASK
            r"(?<!if )too many (?:requests|queries|connections|lookups)",  # AFNIC; not terms-of-use "if..."
            r"still in grace period, wait \d+ seconds",  # EURid
            r"grace period of \d+ seconds?",  # DNS Belgium
            r"maximum queries per (?:second|minute|hour|day) reached",  # DNS Belgium
            r"ip address blocked",  # DNS Belgium
            r"rate limit (?:exceeded|reached)",  # GoDaddy, registro.br
            r"maximum (?:query|request) rate reached",  # .lu
            r"maintain at least \d+.?seconds? (?:time )?before",  # HKIRC
            r"query_status: 440 request denied",  # .nz
            r"failed to abide by .{0,40}whois policy",  # Network Solutions
            r"maximum daily connection limit reached",  # OpenSRS / Tucows
            r"whois lookup refused for this ip",  # OpenSRS / Tucows
            r"lookup refused",
            r"quota exceeded",
            r"limit exceeded",
            r"exceeded the maximum allowable number",
            r"number of allowed queries exceeded",
            r"queried interval is too short",
            r"can temporarily not be answered",
            r"(?:service|server) (?:is )?temporarily unavailable",  # .it: "Service temporarily unavailable."
            r"(?:please )?(?:slow down and )?try again later",
            # come back after a stated wait: "Please go away for 13 Seconds" (ZACR), "retry in 5 minutes"
            r"^(?:please )?(?:wait|go away|come back|retry|try again)\b.{0,20}?\b\d+\s*(?:sec|min)",
            r"you have been (?:rate )?(?:limited|blocked|banned)",
            r"exceeded (?:the )?allowed (?:connection|query|request) rate",  # RIPN (.ru, .su, .рф)
        )
    ),
    re.I,
)

_FREE = re.compile(
    "|".join(
        (
            r"\bno match(?:es)?\b",
            r"\bnot match(?:ed)?\b",
            r"\bno matching (?:record|domain|entr)",
            r"\bnot found\b",
            r"\bobject_not_found\b",
            r"\bno (?:such domain|data found|entries found|records? (?:found|matching)|objects? found)\b",
            r"\bno (?:entries|records?|results?|objects?|data|information) (?:was |were )?found\b",
            r"\bno data was found\b",
            r"\bno (?:\w+ ){0,3}(?:found|matching|matches) (?:for|to)\b",  # "No information found for ..."
            r"\bno found\b",  # TWNIC
            r"\bdoes not have any data\b",  # IANA's .int
            r"\bdomain name not known\b",  # Freenom: "Invalid query or domain name not known"
            r"\breturned 0 objects\b",
            r"\bnothing found\b",
            r"\bno information available (?:about|on) (?:the )?domain",
            r"\bdo(?:es)? not have an entry\b",
            r"\bnot (?:been )?regist(?:e)?red\b",
            r"\bdoes not exist\b",
            r"\b(?:could|can) ?not find (?:the |that |this |any )?(?:requested |specified )?"
            r"(?:domain|object|record|name)\b",
            r"\bnot (?:available|present|listed) in (?:our|the) (?:whois )?(?:database|registry)\b",
            r"(?<!not )(?<!no longer )\b(?:is )?(?:still )?available for (?:registration|purchase)\b",
            r"\b(?:domain|[a-z0-9-]+\.[a-z0-9.-]+)\s+is (?:available|free)\b",
            r"\bno existe\b",
            r"\bno se encontr[oó]\b",
            r"\bno (?:se encuentra|est[aá]) registrad[oa]\b",
            # Other languages (registries answer in their own; these are the common wordings)
            r"\bnincs tal[aá]lat\b",  # hu
            r"\bnicht (?:gefunden|registriert|vergeben)\b",  # de
            r"\baucun(?:e)? (?:r[ée]sultat|correspondance|objet)\b|\bn'existe pas\b|\bnon trouv[ée]\b",  # fr
            r"\bn[ãa]o (?:encontrad[oa]|existe|registrad[oa])\b|\bnenhum (?:registro|resultado)\b",  # pt
            r"\bnon (?:trovato|esiste|registrato)\b",  # it
            r"\bniet (?:gevonden|geregistreerd)\b",  # nl
            r"\bno (?:encontrado|registrado)\b|\bno se encontraron\b",  # es
            r"\bbulunamad[ıi]\b",  # tr
            r"\bei l[öo]ytynyt\b|\bhittades inte\b",  # fi sv
            r"\bikke (?:fundet|registreret)\b|\bfinnes ikke\b",  # da no
            r"\bnie znaleziono\b|\bnenalezen[oa]?\b",  # pl cs
            r"не найден|нет данных|не зарегистрирован",  # ru
            r"没有找到|没有匹配|无匹配|找不到|該当するデータがありません",  # zh ja
            r"등록되어 있지 않습니다",  # ko
            r"\b220 available\b",
        )
    ),
    re.I,
)
# A verdict in capitals glued to the echoed query: `freeNOT FOUND` (.sn).
_GLUED = re.compile(r"(?<=[a-z0-9.])(?:NOT FOUND|NO MATCH)\b")
# A status value that is itself the verdict: "Status: AVAILABLE", "Domain Status: free", "Available".
_FREE_WORD = re.compile(
    r"^(?:available|free|not registered|no object found|unregistered|disponible|libre|vrij|frei|свободен)\b",
    re.I,
)
# Keys under which a free phrase is the verdict, not some other field's empty value.
_VERDICT_KEYS = re.compile(
    r"^(?:(?:domain |registration |query ?)?status|state|result|domain(?: name)?|error)$"
)
# Keys whose value is some other fact: a free phrase there (`Registrant Email: not found`) is no verdict.
_OTHER_FACT = re.compile(r"registra|owner|holder|contact|e ?mail|phone|fax|url|address|server|dnssec|date")

# The name cannot be registered (reserved, blocked, not allowed): neither free nor registered.
_NOT_REGISTRABLE = re.compile(
    r"^(?:not allowed|unassignable|reserved|blocked|not available|premium)\b"
    r"|\b(?:is )?reserved by\b|\bnot available or is reserved\b|^domain not available\b"
    r"|\bdomain you requested is prohibited\b",  # CNNIC
    re.I,
)
_INVALID = re.compile(
    r"\binvalid (?:input|query|request|domain|characters?)\b|\bis not valid\b|\bnot a valid\b"
    r"|\bsolo acepta\b|\baccepts only\b|\bonly accepts\b|\bsyntax error\b|\bmalformed\b"
    r"|\binvalid pattern\b",  # EURid: "-7: %Invalid pattern"
    re.I,
)
_COMMENT = re.compile(r"^[\s%#>*!-]+")


def decide(text: str, fields: Iterable[Field], evidence: Iterable[Field], *, strong: bool
           ) -> tuple[Availability, str | None]:  # fmt: skip
    """The answer's availability and the line that decided it.

    `fields` are all key/value pairs of the answer; `evidence` the pairs of the name's own record that
    show it is registered (a date, registrar, name server, registrant, registered status), and
    `strong` whether among them is a readable date or a name server.
    """
    lines = [_COMMENT.sub("", line).strip() for line in text.splitlines()]
    lines = [line for line in lines if line]
    if throttled := next((line for line in lines if _THROTTLED.search(line)), None):
        return Availability.THROTTLED, throttled
    shown = next(iter(evidence), None)
    free = _free_line(lines, list(fields))
    if free and not strong:
        return Availability.FREE, free
    verdicts = [(field.value, field.line) for field in fields if _VERDICT_KEYS.match(field.key)]
    refused = next((line for value, line in verdicts if _NOT_REGISTRABLE.search(value)), None)
    if shown is not None and (strong or refused is None):  # `strong` implies evidence
        return Availability.REGISTERED, shown.line
    if refused is not None:  # `Status: Reserved` outweighs a change date or a registrar
        return Availability.UNKNOWN, refused
    candidates = [*verdicts, *((line, line) for line in lines if len(line) <= _PROSE)]
    for pattern in (_NOT_REGISTRABLE, _INVALID):
        if said := next((line for text, line in candidates if pattern.search(text)), None):
            return Availability.UNKNOWN, said
    return Availability.UNKNOWN, None


def _free_line(lines: list[str], fields: list[Field]) -> str | None:
    other_values = {
        field.line for field in fields if not _VERDICT_KEYS.match(field.key) and _OTHER_FACT.search(field.key)
    }
    for line in lines:
        if len(line) > _PROSE or line in other_values:
            continue
        # A line that ends in a colon introduces what follows (EURid's terms: "made available to:")
        if _FREE.search(line) or (_FREE_WORD.match(line) and not line.endswith(":")) or _GLUED.search(line):
            return line
    for field in fields:
        if _VERDICT_KEYS.match(field.key) and _FREE_WORD.match(field.value):
            return field.line
    return None


def is_unregistered_status(value: str) -> bool:
    """A status value that says the name is not registered ("AVAILABLE", "No Object Found") or cannot
    be ("NOT ALLOWED", "UNASSIGNABLE", "RESERVED")."""
    return bool(_FREE_WORD.match(value) or _FREE.search(value) or _NOT_REGISTRABLE.search(value))
