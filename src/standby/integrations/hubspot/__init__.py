"""HubSpot: one client (client.py) for every Standby feature that talks to HubSpot.

client.py (a private-app token, pacing from the rate headers, 429 handling), contacts.py (batch
upsert by email, paging contacts), forms.py (the Forms submission API) and lists.py (lists and
memberships, for backups).
"""
