"""Which pairs of a WHOIS answer show that the name is registered (whois_availability.py weighs them).

Known labels first (whois_fields.py); then labels recognised by their words, for layouts the tables
do not know: a date of the record's life (`Domain Activation`, `paid-until`), or a person or
organisation holding it (`holder-name`). The answer's own timestamps (`query_datetime`, `Last update
of WHOIS database`) and empty or placeholder values (`N/A`, `REDACTED`) show nothing.
"""

from __future__ import annotations

import re

from standby.probes.registration import whois_fields as f
from standby.probes.registration.whois_availability import is_unregistered_status
from standby.probes.registration.whois_dates import Order, read_date
from standby.probes.registration.whois_lines import Field
from standby.probes.registration.whois_nameservers import is_nameserver_key, nameserver_records

# Placeholders, and a label standing where its value would be (the Isle of Man's `Name` on its own line
# above the name: the label is no holder).
NO_NAME = re.compile(
    r"^(?:n/?a|none|null|not (?:available|disclosed|applicable|assigned)|-+|\.+|redacted.*|name|address)$",
    re.I,
)
# `有効` ("valid"): JPRS's Japanese expiry label `[有効期限]`.
EXPIRY_WORDS = re.compile(r"^(?!.*\bregistrar\b).*(?:expir|paid ?(?:till|until)|valid ?(?:till|until)|有効)")
# A label the tables lack that still names the creation (`Domain creation date`), never a contact's.
CREATION_WORDS = re.compile(
    r"^(?!.*\b(?:registrar|expir|updat|modif|chang|contact|admin|tech|holder|registrant))"
    r".*(?:creat|registration date)"
)
_DATE_WORDS = re.compile(r"creat|regist|expir|renew|updat|chang|modif|paid|valid|until|till|activ|date")
_NOT_RECORD_DATE = re.compile(
    r"query|whois|database|response|request|last update of|timestamp|generated|current"
)
_HOLDER_WORDS = re.compile(
    r"owner|registrant|holder|admin|tech|billing|contact|organi[sz]ation|e ?mail|person"
)
_NOT_HOLDER = re.compile(r"registrar|abuse|whois|referral|server|url|dnssec")


def is_date_key(key: str) -> bool:
    """A known label of the registration's own dates (expiry, creation)."""
    return key in f.EXPIRES or key in f.CREATED or key in f.REGISTRAR_EXPIRES


def evidence(fields: list[Field], domain: str, order: Order | None) -> list[Field]:
    """The pairs that show the name is registered, the most trusted first: the expiry, other dates,
    name servers, then a registrar or registrant, or a status that is not itself "available"."""
    out = [field for field in fields if _shows_registration(field, domain, order)]
    out.sort(key=lambda field: (field.key not in f.EXPIRES, not is_date_key(field.key),
                                not is_nameserver_key(field.key)))  # fmt: skip
    return out


def _shows_registration(field: Field, domain: str, order: Order | None) -> bool:
    value = field.value.strip()
    if not value or NO_NAME.match(value):
        return False
    if is_date_key(field.key) or field.key in f.CHANGED:
        return bool(read_date(value, order))
    if is_nameserver_key(field.key):
        return bool(nameserver_records([value], domain))
    if field.key in f.STATUS:
        return not is_unregistered_status(value)
    if field.key in f.REGISTRAR or field.key.endswith(f.REGISTRANT):
        return True
    if _DATE_WORDS.search(field.key):  # a date of the record's life, not of the answer
        return not _NOT_RECORD_DATE.search(field.key) and bool(read_date(value, order))
    return bool(_HOLDER_WORDS.search(field.key)) and not _NOT_HOLDER.search(field.key)
