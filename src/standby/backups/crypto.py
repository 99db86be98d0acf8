"""Optional encryption of a snapshot's data files: AES-256-GCM, the key derived from the plan's
passphrase (`key: ${VAR}`) with scrypt and a random salt per file.

A sealed file is `SBK1` · salt (16 bytes) · nonce (12) · key check (8) · ciphertext · tag (16). It is
written and read as a stream (cryptography's GCM context takes data a piece at a time), so size does
not matter. The key check (a hash of the derived key) tells a wrong key at once; the tag, checked when
the stream ends, tells any changed byte. Readers that
must not act on unverified bytes (restore) write to a temporary file and keep it only once the stream
has ended cleanly. The manifest stays readable without the key: it holds counts and names, no leads.
"""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from standby.core.errors import StandbyError

MAGIC = b"SBK1"
SALT, NONCE, CHECK, TAG = 16, 12, 8, 16
HEADER = len(MAGIC) + SALT + NONCE + CHECK
CHUNK = 1 << 20
SUFFIX = ".enc"


class DecryptError(StandbyError):
    pass


def derive(passphrase: str, salt: bytes) -> bytes:
    return Scrypt(salt=salt, length=32, n=2**15, r=8, p=1).derive(passphrase.encode())


def _check(key: bytes) -> bytes:
    return hashlib.sha256(b"standby key check\0" + key).digest()[:CHECK]


def seal(source: Path, dest: Path, passphrase: str) -> None:
    salt, nonce = os.urandom(SALT), os.urandom(NONCE)
    key = derive(passphrase, salt)
    encryptor = Cipher(algorithms.AES(key), modes.GCM(nonce)).encryptor()
    with source.open("rb") as src, dest.open("wb") as out:
        out.write(MAGIC + salt + nonce + _check(key))
        while block := src.read(CHUNK):
            out.write(encryptor.update(block))
        out.write(encryptor.finalize())
        out.write(encryptor.tag)


class _Opened(io.RawIOBase):
    """The plaintext of a sealed stream; the tag is checked at its end (DecryptError if wrong)."""

    def __init__(self, stream: IO[bytes], passphrase: str, name: str) -> None:
        header = stream.read(HEADER)
        if len(header) < HEADER or not header.startswith(MAGIC):
            raise DecryptError(f"{name} is not a file Standby encrypted")
        salt = header[len(MAGIC) : len(MAGIC) + SALT]
        nonce = header[len(MAGIC) + SALT : len(MAGIC) + SALT + NONCE]
        key = derive(passphrase, salt)
        if _check(key) != header[-CHECK:]:
            raise DecryptError(f"{name} was encrypted with another key than the plan's `key`")
        self._stream, self._name = stream, name
        self._decryptor: Any = Cipher(algorithms.AES(key), modes.GCM(nonce)).decryptor()
        self._tail, self._pending, self._done = b"", b"", False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending and not self._done:
            block = self._stream.read(CHUNK)
            data = self._tail + block
            if not block:
                self._finish(data)
                break
            self._tail = data[-TAG:]
            self._pending = self._decryptor.update(data[:-TAG])
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size

    def _finish(self, tag: bytes) -> None:
        self._done = True
        if len(tag) != TAG:
            raise DecryptError(f"{self._name} is cut short: its authentication tag is missing")
        try:
            self._pending = self._decryptor.finalize_with_tag(tag)
        except InvalidTag:
            raise DecryptError(
                f"{self._name} cannot be decrypted: the key is not the one it was encrypted with, or the "
                "file was changed"
            ) from None


def opened(stream: IO[bytes], passphrase: str, name: str) -> IO[bytes]:
    """A readable binary stream of the plaintext of the sealed `stream`."""
    return io.BufferedReader(_Opened(stream, passphrase, name), CHUNK)
