"""What Marketo's response-level error codes mean for a caller (docs: REST API error codes).

Response-level errors come with HTTP 200 and `success: false`; record-level ones (1xxx in
`result[].reasons`) are per-record refusals and are handled where records are read.
"""

from __future__ import annotations

from enum import Enum


class Kind(Enum):
    AUTH = "auth"  # renew the access token and retry the same call
    THROTTLED = "throttled"  # too many calls (606) or at once (615): back off and retry
    QUOTA = "quota"  # the daily quota is used up: pause until it resets
    DOWN = "down"  # the platform is unwell: retry a little, then it is "still down"
    REFUSED = "refused"  # permanent: our request or the plan is wrong


_KINDS = {
    "601": Kind.AUTH,
    "602": Kind.AUTH,
    "606": Kind.THROTTLED,
    "615": Kind.THROTTLED,
    "607": Kind.QUOTA,
    "500": Kind.DOWN,
    "502": Kind.DOWN,
    "604": Kind.DOWN,
    "608": Kind.DOWN,
    "611": Kind.DOWN,
    "614": Kind.DOWN,
    "713": Kind.DOWN,
    "719": Kind.DOWN,
}
HINTS = {
    "603": "the API user lacks a permission, or Marketo's IP allowlist refuses this address",
    "610": "the URL is wrong; check base_url (https://MUNCHKIN-ID.mktorest.com)",
    "1013": "the object is not in this Marketo instance; check the form_id or program_id",
    "1009": "the partition does not exist; check partition",
    "1011": "the lookup field is not searchable in Marketo; check lookup_field",
}


def kind_of(code: str) -> Kind:
    return _KINDS.get(code, Kind.REFUSED)
