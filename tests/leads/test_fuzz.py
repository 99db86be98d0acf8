"""Fuzzing the public capture endpoint over a real uvicorn, on SQLite and PostgreSQL: whatever a
client sends — any body, content type, key, field names and values, NULs, broken UTF-8, deep JSON —
the answer is never a 5xx, and what is stored is exactly what was acknowledged."""

from __future__ import annotations

import json
from typing import Any

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.leads.conftest import World

FORMS = ["demo-request", "webinar", "partner", "nope", "%00", "demo-request.js", ".."]
TYPES = [
    "application/json",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=xyz",
    "multipart/form-data",
    "text/plain",
    "application/json; charset=latin-1",
    "",
]
NAMES = st.sampled_from(
    ["email", "firstName", "company", "unsubscribed", "tier", "_key", "_hp", "_page"]
) | st.text(max_size=12)
VALUES: st.SearchStrategy[Any] = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True)
    | st.text(max_size=40)
    | st.sampled_from(["ana@example.org", "a\x00b", "=cmd|' /C calc'!A0", "Gold", "on", "x" * 600]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)
BODIES = st.one_of(
    st.dictionaries(NAMES, VALUES, max_size=8).map(lambda d: json.dumps(d).encode()),
    st.dictionaries(NAMES, st.text(max_size=30), max_size=8).map(
        lambda d: "&".join(f"{k}={v}" for k, v in d.items()).encode("utf-8", "surrogatepass")
    ),
    st.binary(max_size=300),
    st.just(b"[" * 5000 + b"]" * 5000),
    st.just(b'--xyz\r\nContent-Disposition: form-data; name="email"\r\n\r\nana@example.org\r\n--xyz--\r\n'),
)


@settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    form=st.sampled_from(FORMS),
    kind=st.sampled_from(TYPES),
    body=BODIES,
    key=st.none() | st.text(max_size=140),
    origin=st.none() | st.sampled_from(["null", "https://www.acme.example", "https://evil.example", "\x7f"]),
)
def test_the_capture_endpoint_never_answers_5xx(
    web: httpx.Client, world: World, form: str, kind: str, body: bytes, key: str | None, origin: str | None
) -> None:
    world.data["fallback"] = {"rate_limit": {"posts": 1_000_000, "per": "1s"}}
    headers = {"Content-Type": kind} if kind else {}
    # what a client can send at all: h11 refuses a header value with whitespace around it
    if key is not None and key.isascii() and key.isprintable() and key == key.strip():
        headers["Idempotency-Key"] = key
    if origin is not None and origin.isprintable():
        headers["Origin"] = origin
    before = len(world.rows())
    reply = web.post(f"/f/{form}", content=body, headers=headers)
    assert reply.status_code < 500, (reply.status_code, reply.text)
    stored = len(world.rows()) - before
    if reply.status_code in (202, 303) and not _honeypot(body) and not _repeated(reply):
        assert stored == 1
    elif reply.status_code >= 400:
        assert stored == 0


def _honeypot(body: bytes) -> bool:
    return b"_hp" in body


def _repeated(reply: httpx.Response) -> bool:
    return reply.status_code == 202 and reply.request.headers.get("Idempotency-Key") is not None
