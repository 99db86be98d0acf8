"""The HTTP API under /api/v1: assets, findings, alerts, people. JSON in, JSON out, errors as problem
details; authenticated by API tokens (or a browser session, with its CSRF token for writes)."""
