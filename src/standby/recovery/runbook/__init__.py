"""The crisis runbook: the whole plan as one self-contained HTML file (docs/recovery.md)."""
