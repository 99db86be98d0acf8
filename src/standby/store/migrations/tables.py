"""Every feature's tables in one metadata, for Alembic's env.py (and the test that compares the
migrations with the models): a feature with tables adds its `models` module here, one line."""

from __future__ import annotations

from standby.alerts import models as alerts_models
from standby.backups import models as backups_models
from standby.channels import drill as drill_models
from standby.channels import models as channels_models
from standby.engine import models as engine_models
from standby.incidents import models as incidents_models
from standby.leads import models as leads_models
from standby.recovery.dns import models as recovery_models
from standby.recovery.runbook import models as runbook_models
from standby.statuspage import models as statuspage_models
from standby.store.base import Base
from standby.web.auth import models as auth_models

metadata = Base.metadata

__all__ = [
    "alerts_models",
    "auth_models",
    "backups_models",
    "channels_models",
    "drill_models",
    "engine_models",
    "incidents_models",
    "leads_models",
    "metadata",
    "recovery_models",
    "runbook_models",
    "statuspage_models",
]
