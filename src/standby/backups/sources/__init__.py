"""Reading one platform for a backup: the same questions asked of Marketo (marketo.py) and HubSpot
(hubspot.py) — the standard fields, the lists, a list's members, every lead, what changed and what
was deleted since a time — each answered in pages of rows (column → value), through the one client
per platform in standby/integrations/."""
