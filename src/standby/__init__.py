"""Standby: see the lapse coming, know who owns it, tell everyone fast and honestly."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("standby")
except PackageNotFoundError:  # running from a source tree without an install
    __version__ = "0.0.0"
