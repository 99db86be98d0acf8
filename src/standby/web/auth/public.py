"""Routes anyone may call without signing in. Everything else is refused to an anonymous caller.

A feature declares its public routes when its routes module is imported: `declare("/ack/")`. A
declared prefix covers that path segment and everything under it ("/ack/" covers /ack and
/ack/TOKEN, never /acknowledged).
"""

from __future__ import annotations

_declared: set[str] = set()


def declare(prefix: str) -> None:
    if not prefix.startswith("/"):
        raise ValueError(f"public prefix {prefix!r} must start with '/'")
    _declared.add(prefix.rstrip("/") or "/")


def declared() -> frozenset[str]:
    return frozenset(_declared)


def is_public(path: str) -> bool:
    return any(path == p or path.startswith(p.rstrip("/") + "/") for p in _declared)
