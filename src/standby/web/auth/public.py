"""Routes anyone may call without signing in. Everything else is refused to an anonymous caller.

A feature declares its public routes when its routes module is imported: `declare("/ack/")`. A
declared prefix covers that path segment and everything under it ("/ack/" covers /ack and
/ack/TOKEN, never /acknowledged). `cross_origin=True` also lets other sites' pages post there (a
fallback form on a customer's landing page): the route checks the origin itself.
"""

from __future__ import annotations

_declared: set[str] = set()
_cross_origin: set[str] = set()


def declare(prefix: str, *, cross_origin: bool = False) -> None:
    if not prefix.startswith("/"):
        raise ValueError(f"public prefix {prefix!r} must start with '/'")
    _declared.add(prefix.rstrip("/") or "/")
    if cross_origin:
        _cross_origin.add(prefix.rstrip("/") or "/")


def declared() -> frozenset[str]:
    return frozenset(_declared)


def is_public(path: str) -> bool:
    return _under(path, _declared)


def takes_cross_origin(path: str) -> bool:
    """True for a public route that accepts posts from other sites' pages and judges the origin itself."""
    return _under(path, _cross_origin)


def _under(path: str, prefixes: set[str]) -> bool:
    return any(path == p or path.startswith(p.rstrip("/") + "/") for p in prefixes)
