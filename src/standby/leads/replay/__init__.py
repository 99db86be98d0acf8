"""Replaying captured submissions into their destination, in arrival order, each acknowledged once.

destinations.py (what a destination is, and building one per form, sharing one client per platform
account), marketo.py, hubspot.py, webhook.py (the three kinds), store.py (claiming a form, reading
what is pending, recording each record's outcome), runner.py (the pass: batches in flight, stopping
on "still down", a quota or a refusal).
"""
