"""`host[:port]` as written in the plan, including `[v6]:port`."""

from __future__ import annotations


def split_host_port(text: str, default_port: int) -> tuple[str, int]:
    """Split `host`, `host:port`, `v6`, `[v6]` or `[v6]:port`; raise ValueError on a bad port."""
    text = text.strip()
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else ""
    elif text.count(":") == 1:
        host, port = text.split(":")
    else:  # a bare name, IPv4 address or unbracketed IPv6 address
        host, port = text, ""
    if not host:
        raise ValueError(f"{text!r} has no host")
    if not port:
        return host, default_port
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"{text!r} has a bad port; write host:port with a port from 1 to 65535")
    return host, int(port)
