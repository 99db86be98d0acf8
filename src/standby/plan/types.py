"""Field types shared by the plan models: durations, host[:port], owners."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

from standby.core.hostport import split_host_port
from standby.core.timetext import PATTERN, format_duration, parse_duration


def _duration(value: Any) -> Any:
    if isinstance(value, str):
        return parse_duration(value)
    if isinstance(value, bool) or not isinstance(value, timedelta):
        raise ValueError("write a duration as a string with a unit, like 90s, 15m, 6h or 30d")
    return value


Duration = Annotated[
    timedelta,
    BeforeValidator(_duration),
    PlainSerializer(format_duration, return_type=str),
    WithJsonSchema({"type": "string", "pattern": PATTERN, "examples": ["90s", "15m", "6h", "30d"]}),
]


def _host_port(value: Any) -> Any:
    if isinstance(value, str):
        split_host_port(value, 53)  # raises ValueError with a clear message
    return value


HostPort = Annotated[str, BeforeValidator(_host_port)]


def _lower_name(value: Any) -> Any:
    return value.strip().rstrip(".").lower() if isinstance(value, str) else value


HostName = Annotated[str, BeforeValidator(_lower_name)]
