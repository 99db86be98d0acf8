"""A vendor's Atlassian Statuspage (API v2) on a local HttpPeer, whose state tests change as they go.

with StatuspagePeer("Marketo", components=["Marketo Engage", "Email"]) as page:
    page.set_component("Email", "major_outage")
    page.add_incident("Email delays", impact="major")
    vendor = Vendor(id="marketo", statuspage=page.url)
"""

from __future__ import annotations

from typing import Any

from tests.peers.http import HttpPeer, Reply, Request

DESCRIPTIONS = {
    "none": "All Systems Operational",
    "minor": "Partially Degraded Service",
    "major": "Partial System Outage",
    "critical": "Major System Outage",
    "maintenance": "Service Under Maintenance",
}


class StatuspagePeer:
    def __init__(self, name: str = "Vendor", components: list[str] | None = None) -> None:
        self.name = name
        self.indicator = "none"
        self.components: dict[str, str] = {c: "operational" for c in components or []}
        self.incidents: list[dict[str, Any]] = []
        self.scheduled_maintenances: list[dict[str, Any]] = []
        self.http = HttpPeer()
        self.http.route("/api/v2/summary.json", self._summary)
        self.http.route(
            "/api/v2/status.json", lambda _: Reply.json({"page": self.page, "status": self.status})
        )

    @property
    def url(self) -> str:
        """The base URL, as a plan's `statuspage:` gives it."""
        return self.http.url("/")

    @property
    def page(self) -> dict[str, Any]:
        return {"id": "y2j98763l56x", "name": self.name, "url": self.url, "time_zone": "Etc/UTC"}

    @property
    def status(self) -> dict[str, str]:
        return {"indicator": self.indicator, "description": DESCRIPTIONS.get(self.indicator, "")}

    def set_component(self, name: str, status: str) -> None:
        self.components[name] = status

    def add_incident(self, name: str, *, status: str = "investigating", impact: str = "minor") -> None:
        self.incidents.append(
            {"id": f"inc{len(self.incidents)}", "name": name, "status": status, "impact": impact}
        )

    def summary(self) -> dict[str, Any]:
        components = [
            {
                "id": f"c{i}",
                "name": name,
                "status": status,
                "position": i,
                "group": False,
                "only_show_if_degraded": False,
            }
            for i, (name, status) in enumerate(self.components.items(), 1)
        ]
        return {
            "page": self.page,
            "components": components,
            "incidents": self.incidents,
            "scheduled_maintenances": self.scheduled_maintenances,
            "status": self.status,
        }

    def _summary(self, request: Request) -> Reply:
        return Reply.json(self.summary())

    def __enter__(self) -> StatuspagePeer:
        self.http.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.stop()
