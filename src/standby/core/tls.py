"""Trust: the system store plus the plan's `settings.ca_bundle`, for every TLS and HTTPS check."""

from __future__ import annotations

import ssl
from pathlib import Path


def trust_context(ca_bundle: Path | None = None) -> ssl.SSLContext:
    """A verifying client context: system trust anchors, plus extra ones from `ca_bundle`."""
    context = ssl.create_default_context()
    if ca_bundle is not None:
        context.load_verify_locations(cafile=str(ca_bundle))
    return context


def inspect_context() -> ssl.SSLContext:
    """A non-verifying context, used only to read the certificate of a server that failed verification."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context
