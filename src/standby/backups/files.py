"""A snapshot's data files: gzip-compressed CSV (a header row, then one row per lead), written as the
rows arrive and hashed as they are written, so a million leads take no more memory than one page.

Rows are mappings of column → value; a value the platform left empty is an empty cell. Reading gives
the rows back as dicts, from any binary stream (a local file, a file at the target, a decrypting one).
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

Row = Mapping[str, Any]
CHUNK = 1 << 20


@dataclass(frozen=True)
class Written:
    path: Path
    rows: int
    bytes: int
    sha256: str  # of the file's bytes, as stored


class _Hashing(io.RawIOBase):
    """A binary sink that hashes and counts what passes through to `out`."""

    def __init__(self, out: IO[bytes]) -> None:
        self.out, self.digest, self.size = out, hashlib.sha256(), 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        self.digest.update(chunk)
        self.size += len(chunk)
        self.out.write(chunk)
        return len(chunk)


class HashingReader(io.RawIOBase):
    """Reads through `inner`, hashing and counting what passes (to check a file as it is used)."""

    def __init__(self, inner: IO[bytes]) -> None:
        self.inner, self.digest, self.size = inner, hashlib.sha256(), 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.inner.read(len(buffer))
        self.digest.update(data)
        self.size += len(data)
        buffer[: len(data)] = data
        return len(data)

    def drain(self) -> str:
        """Read the rest; the SHA-256 of everything."""
        while self.read(CHUNK):
            pass
        return self.digest.hexdigest()


class CsvSink:
    """`with CsvSink(path, columns) as sink: sink.write(rows)`; `sink.result` once closed."""

    def __init__(self, path: Path, columns: Sequence[str]) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path, self.columns, self.rows = path, list(columns), 0
        self._file = path.open("wb")
        self._hashing = _Hashing(self._file)
        # mtime=0: the same rows always make the same bytes (and the same SHA-256)
        self._gzip = gzip.GzipFile(fileobj=self._hashing, mode="wb", mtime=0)
        self._text = io.TextIOWrapper(self._gzip, encoding="utf-8", newline="")
        self._csv = csv.writer(self._text, lineterminator="\n")
        self._csv.writerow(self.columns)
        self.result: Written | None = None

    def write(self, rows: Iterable[Row]) -> int:
        count = 0
        for row in rows:
            self._csv.writerow([cell(row.get(c)) for c in self.columns])
            count += 1
        self.rows += count
        return count

    def close(self) -> Written:
        if self.result is None:
            self._text.close()  # closes the gzip stream, which writes its trailer
            self._file.close()
            self.result = Written(self.path, self.rows, self._hashing.size, self._hashing.digest.hexdigest())
        return self.result

    def __enter__(self) -> CsvSink:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def read_rows(stream: IO[bytes]) -> Iterator[dict[str, str]]:
    """The rows of a gzip CSV from a binary stream, as column → value."""
    with gzip.GzipFile(fileobj=stream, mode="rb") as unzipped:
        text = io.TextIOWrapper(unzipped, encoding="utf-8", newline="")
        yield from csv.DictReader(text)


def sha256_of(stream: IO[bytes]) -> tuple[str, int]:
    """SHA-256 and size of everything left in `stream`."""
    digest, size = hashlib.sha256(), 0
    while block := stream.read(CHUNK):
        digest.update(block)
        size += len(block)
    return digest.hexdigest(), size
