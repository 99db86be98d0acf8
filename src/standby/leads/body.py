"""Reading a capture request's body: bounded in size, then urlencoded, multipart (no files) or JSON."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

from fastapi import Request
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException

MAX_FIELDS = 200


class BadBody(Exception):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status


async def read(request: Request, limit: int) -> bytes:
    """The body, or BadBody(413) as soon as it passes `limit` bytes (a declared length is not trusted)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BadBody(413, f"a submission may have at most {limit} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BadBody(413, f"a submission may have at most {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


async def parse(request: Request, body: bytes) -> tuple[dict[str, Any], bool]:
    """(the values sent, whether they came as JSON). One value per name: the last one given wins."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/json":
        try:
            data = json.loads(body or b"null")
        except (ValueError, RecursionError):
            raise BadBody(400, "the body is not valid JSON") from None
        if not isinstance(data, dict):
            raise BadBody(400, "send a JSON object of field names to values")
        return _bounded(data), True
    if kind == "application/x-www-form-urlencoded":
        try:
            pairs = parse_qsl(
                body.decode("utf-8"), keep_blank_values=True, max_num_fields=MAX_FIELDS, errors="strict"
            )
        except (UnicodeDecodeError, ValueError):
            raise BadBody(400, "the form body is not valid UTF-8 urlencoded text") from None
        return dict(pairs), False
    if kind == "multipart/form-data":
        request._body = body  # the form parser reads the bounded body we already hold
        try:
            async with request.form(max_files=0, max_fields=MAX_FIELDS) as form:
                values = dict(form.multi_items())
        except (MultiPartException, UnicodeDecodeError, ValueError) as exc:
            raise BadBody(400, f"the multipart body cannot be read: {exc}") from None
        if any(isinstance(v, UploadFile) for v in values.values()):
            raise BadBody(400, "files are not accepted")
        return values, False
    raise BadBody(415, "send application/x-www-form-urlencoded, multipart/form-data or application/json")


def _bounded(data: dict[str, Any]) -> dict[str, Any]:
    if len(data) > MAX_FIELDS:
        raise BadBody(400, f"a submission may have at most {MAX_FIELDS} fields")
    return {str(k): v for k, v in data.items()}
