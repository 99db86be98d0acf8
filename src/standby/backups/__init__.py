"""Backups of the most important lists: scheduled, verified snapshots of static lists and leads from
Marketo or HubSpot, written to storage that survives the platform, diffable and restorable as a CSV
another platform can import (docs/backups.md).

files.py (gzip CSV, hashed as written), crypto.py (optional encryption), storage.py (the target,
through fsspec), manifest.py (what a snapshot holds), sources/ (reading each platform), leads.py
(full or incremental, merged into a complete file), run.py (one snapshot), retention.py, verify.py,
diff.py, restore.py, cli.py; for `standby serve`: models.py (runs and their leases), due.py (the tick
job), monitor.py (freshness as a monitored check), routes.py (the web page).
"""
