"""Where a domain's registration data comes from: RDAP when the bootstrap knows a server, else WHOIS."""

from __future__ import annotations

from standby.core.errors import ProbeError
from standby.probes.context import ProbeContext
from standby.probes.registration.bootstrap import bootstrap
from standby.probes.registration.rdap import rdap_lookup
from standby.probes.registration.record import RegistrationRecord
from standby.probes.registration.whois import whois_lookup


async def lookup_registration(name: str, ctx: ProbeContext) -> RegistrationRecord:
    """The registry's record of `name`; raises ProbeError saying why when no source could tell."""
    bases = (await bootstrap(ctx)).lookup(name)
    if not bases:
        return await whois_lookup(name, ctx)
    try:
        return await rdap_lookup(name, bases, ctx)
    except ProbeError as rdap_error:
        try:  # an RDAP outage should not blind us where WHOIS still answers
            return await whois_lookup(name, ctx)
        except ProbeError as whois_error:
            raise ProbeError(f"{rdap_error}; WHOIS fallback: {whois_error}") from whois_error
