"""Many rows through one statement at the driver's pace: the recording's hot statements.

SQLAlchemy binds every parameter of every row in Python, through layers made for any statement and
type (`construct_params`, then each type's processors: an aware datetime made naive UTC, then
formatted for SQLite; a dict dumped as JSON). Recording a batch of runs writes three rows a run (the
monitor's next slot, its check state, its finding) with about twenty-five parameters, seven of them
instants: a profile of 20,000 recorded runs had SQLAlchemy's binding at over half of the recording's
CPU and SQLite's own executemany at a tenth. `executemany` compiles the statement once per dialect
with SQLAlchemy (so the SQL is SQLAlchemy's, quoting and casts included) and binds the two types that
cost — `UTCDateTime` and `JSON` — itself, the way SQLAlchemy would; any other type goes through
SQLAlchemy's own processor for it, if it has one.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Dialect, Executable
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.types import JSON

from standby.store.base import UTCDateTime, in_utc

Bind = Callable[[Any], Any]


@dataclass(frozen=True)
class _Compiled:
    sql: str
    # each parameter in the SQL's order (positional paramstyles) or by its name (named ones): its name,
    # how it is bound, and — for values fixed in the statement itself (`.values(lease_owner=None)`) —
    # that value, already bound
    params: tuple[tuple[str, Bind | None, bool, Any], ...]
    positional: bool


_CACHE: dict[tuple[Executable, str, tuple[str, ...]], _Compiled] = {}


def executemany(connection: Connection, statement: Executable, rows: Sequence[Mapping[str, Any]]) -> None:
    """Execute `statement` (a module-level one: it is compiled once) for each row: its parameters by
    name, every row with the same ones."""
    if not rows:
        return
    key = (statement, connection.dialect.name, tuple(rows[0]))
    ready = _CACHE.get(key)
    if ready is None:
        ready = _CACHE[key] = _compile(statement, connection.dialect, key[2])
    bound = [[value if fixed else row[name] if bind is None else bind(row[name])
              for name, bind, fixed, value in ready.params] for row in rows]  # fmt: skip
    if ready.positional:
        connection.exec_driver_sql(ready.sql, [tuple(values) for values in bound])
    else:
        names = [name for name, *_ in ready.params]
        connection.exec_driver_sql(ready.sql, [dict(zip(names, values, strict=True)) for values in bound])


def _compile(statement: Executable, dialect: Dialect, keys: tuple[str, ...]) -> _Compiled:
    compiled = statement.compile(dialect=dialect, column_keys=list(keys), for_executemany=True)  # type: ignore[attr-defined]
    assert isinstance(compiled, SQLCompiler)
    by_name = {name: bind for bind, name in compiled.bind_names.items()}
    order = compiled.positiontup if compiled.positiontup is not None else list(by_name)
    params = []
    for name in order:
        bind = _bind(by_name[name].type, dialect)
        if name in keys:
            params.append((name, bind, False, None))
        else:
            value = by_name[name].value
            params.append((name, None, True, value if bind is None or value is None else bind(value)))
    return _Compiled(compiled.string, tuple(params), compiled.positiontup is not None)


def _bind(kind: Any, dialect: Dialect) -> Bind | None:
    if isinstance(kind, UTCDateTime):
        return _instant_sqlite if dialect.name == "sqlite" else _instant
    if isinstance(kind, JSON):
        dumps: Callable[[Any], str] = getattr(dialect, "_json_serializer", None) or json.dumps
        return lambda value: None if value is None else dumps(value)
    processor: Bind | None = kind._cached_bind_processor(dialect)
    return processor


def _instant(value: datetime | None) -> datetime | None:
    return None if value is None else in_utc(value)


def _instant_sqlite(value: datetime | None) -> str | None:
    """As SQLAlchemy's SQLite DATETIME stores it (text that sorts as time does): naive UTC, always
    with six digits of microseconds."""
    if value is None:
        return None
    return in_utc(value).replace(tzinfo=None).isoformat(" ", "microseconds")
