"""Outside platforms Standby reads from and writes to, one client per platform (marketo/, hubspot/).

Plan B replays captured leads through them; backups read lists and leads through the same clients.
Each client keeps inside its platform's published limits (pacing.py) and turns every failure into
one of the errors in errors.py, so callers decide "wait", "stop and show it" or "skip this record"
without knowing the platform.
"""
