"""From a plan's backup to what a run needs: the store at its target, the source on its platform
(with the network the plan's settings describe), and the local work folder."""

from __future__ import annotations

from pathlib import Path

import platformdirs

from standby.backups.sources.base import Source
from standby.backups.sources.hubspot import HubSpotSource
from standby.backups.sources.marketo import MarketoSource
from standby.backups.storage import Store
from standby.core.clock import Clock
from standby.core.errors import StandbyError
from standby.core.net import Network
from standby.plan.backups import Backup
from standby.plan.issues import suggest
from standby.plan.model import Plan
from standby.probes.context import net_config


def find(plan: Plan, ident: str) -> Backup:
    found = next((b for b in plan.backups if b.id == ident), None)
    if found is None:
        known = [b.id for b in plan.backups]
        hint = suggest(ident, known) or (
            f"; the plan has {', '.join(known)}" if known else "; the plan has none"
        )
        raise StandbyError(f"no backup {ident!r} in the plan{hint}")
    return found


def store_of(backup: Backup) -> Store:
    return Store(backup.target, backup.id)


def source_of(backup: Backup, network: Network, clock: Clock) -> Source:
    if backup.source.marketo is not None:
        return MarketoSource(
            backup.source.marketo, network=network, clock=clock, daily_bytes=backup.bulk_daily_mb * 1_000_000
        )
    assert backup.source.hubspot is not None
    return HubSpotSource(backup.source.hubspot, network=network, clock=clock)


def network_of(plan: Plan) -> Network:
    return Network(net_config(plan.settings))


def work_root(plan: Plan) -> Path:
    """Where runs keep their scratch files (downloads, the merge table): kept when a run is cut off,
    removed when it completes."""
    base = plan.settings.cache_dir or Path(platformdirs.user_cache_dir("standby"))
    return base / "backups"
