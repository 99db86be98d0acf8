"""Plan B for forms: a public capture endpoint that never loses an acknowledged submission, fallback
pages and a switch script that replace a dead embedded form, and a replay into Marketo, HubSpot or a
webhook once the platform is healthy — each lead delivered once. See docs/plan-b.md."""
