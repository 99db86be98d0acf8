"""Drills: a rehearsed failure, run through the real machinery, ending in a report (docs/drills.md)."""
