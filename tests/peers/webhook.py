"""A webhook receiver for Apprise's `json://127.0.0.1:PORT/path`: records every JSON body posted."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from tests.peers.http import HttpPeer, Reply, Request


class WebhookPeer:
    """`with WebhookPeer() as hook: hook.apprise_url; hook.posted`; set `hook.status = 500` to fail."""

    def __init__(self, path: str = "/hook") -> None:
        self.path = path
        self.status = 200
        self.posted: list[dict[str, Any]] = []
        self.on_post: Callable[[], None] | None = None  # called as each post arrives, before it is answered
        self.http = HttpPeer()
        self.http.route(path, self._receive)

    def _receive(self, request: Request) -> Reply:
        if request.method == "POST" and self.status == 200:
            self.posted.append(json.loads(request.body))
            if self.on_post is not None:
                self.on_post()
        return Reply(self.status, "ok" if self.status == 200 else "failure")

    @property
    def apprise_url(self) -> str:
        return f"json://127.0.0.1:{self.http.port}{self.path}"

    def __enter__(self) -> WebhookPeer:
        self.http.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.stop()
