"""The database schema's history (Alembic scripts in versions/, run by store/migrate.py) and the one
place that collects every feature's tables (tables.py). Though shipped under store/ where Alembic
finds it, this package belongs to the wiring: it imports every feature (docs/architecture.md)."""
