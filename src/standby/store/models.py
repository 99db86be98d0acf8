"""Every feature's tables in one metadata, for Alembic: import each feature's `models` module here."""

from __future__ import annotations

from standby.channels import models as channels_models
from standby.store.base import Base

metadata = Base.metadata

__all__ = ["channels_models", "metadata"]
