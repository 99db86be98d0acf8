"""Registrar accounts: what the registrar itself says about auto-renew, transfer lock and expiry."""
