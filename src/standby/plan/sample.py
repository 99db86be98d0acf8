"""The starter plan `standby init` writes: every section, commented, and valid as it stands."""

from __future__ import annotations

STARTER_PLAN = """\
# Standby plan: the crisis plan, written down before the crisis.
# Keep it in git. Check it with `standby validate standby.yaml`; run it with `standby check standby.yaml`.
# Durations are written like 90s, 15m, 6h, 30d. ${VAR} is replaced from the environment (for secrets).
version: 1
organization: Example Corp
timezone: UTC                      # how times are shown to people; everything is stored in UTC

settings:                          # all optional; the defaults are the real internet
  timeout: 10s                     # per network operation
  # resolvers: ["1.1.1.1", "9.9.9.9"]          # resolvers for every lookup (default: the system's)
  # ca_bundle: certs/internal-ca.pem           # extra trust anchors for TLS and HTTPS checks
  # email: {smtp: "smtp://relay.example.com:587", from: "standby@example.com",
  #         username: "${SMTP_USER}", password: "${SMTP_PASSWORD}"}

# Who owns what. reports_to is the chain of responsibility: whoever must make sure it happens,
# and the person who checks that it did.
people:
  - id: owner
    name: Domain Owner
    email: owner@example.com
    reports_to: manager
  - id: manager
    name: Their Manager
    email: manager@example.com

# Registered domains: expiry, registrar status (auto-renew trap, holds) and delegation (parking NS).
domains:
  - name: example.com
    owner: owner
    warn_within: 30d
    critical_within: 7d
    # expected_nameservers: [a.iana-servers.net, b.iana-servers.net]
    # registrar: godaddy-main        # the account below; omit to match it to the account that lists it

# Registrar accounts Standby asks whether auto-renew is on and whether the renewal happened
# (route53, cloudflare, godaddy, gandi, porkbun; docs/registrars.md). Secrets come from the environment.
# registrars:
#   - id: godaddy-main
#     kind: godaddy
#     api_key: ${GODADDY_KEY}
#     api_secret: ${GODADDY_SECRET}

# TLS certificates on hosts that are not already covered by an https endpoint below.
certificates:
  - host: www.example.com
    owner: owner

# DNS records that must resolve, optionally to an exact set of values.
dns:
  - name: example.com
    type: A
    owner: owner

# Web endpoints: landing pages, forms. Parked or expired-domain pages are caught even on HTTP 200.
endpoints:
  - id: homepage
    url: https://www.example.com/
    owner: owner
    expect:
      status: [200]
      max_latency: 5s

# SaaS vendors: their Statuspage (api/v2/summary.json) and your own probes of their API.
vendors:
  - id: github
    name: GitHub
    owner: owner
    statuspage: https://www.githubstatus.com
    components: ["Git Operations"]
"""
