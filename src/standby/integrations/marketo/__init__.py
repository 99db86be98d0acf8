"""Marketo Engage REST: one client (client.py) for every Standby feature that talks to Marketo.

auth.py (OAuth client credentials, one token reused until it expires), codes.py (what each error
code means for the caller), client.py (pacing, retries, the envelope, paging), leads.py (sync leads,
submit form) and lists.py (static lists and their members, for backups).
"""
