"""Delivery: the outbox (every message a row before it is sent) and the channels that send it."""
