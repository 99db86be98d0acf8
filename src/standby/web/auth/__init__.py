"""Sign-in for the web app and the API: users and roles, server-side sessions, CSRF, API and
calendar tokens, login throttling, and the deny-by-default middleware that resolves every caller."""
