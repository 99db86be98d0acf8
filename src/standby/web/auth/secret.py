"""Secrets handed to clients (session cookies, API tokens): random, and stored only as a hash."""

from __future__ import annotations

import hashlib
import secrets


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """What the store keeps: a leaked database holds no usable session or token. (A fast hash is
    right here: unlike passwords, these secrets have 256 bits of entropy to guess.)"""
    return hashlib.sha256(secret.encode()).hexdigest()


def plausible(secret: str) -> bool:
    """Whether `secret` could be one of ours; anything else is not even looked up."""
    return 20 <= len(secret) <= 100
