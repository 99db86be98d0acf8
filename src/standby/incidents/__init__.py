"""Incidents: structured updates with next-update promises, audiences and their templates, the
external guard, and what the public status page shows of them."""
