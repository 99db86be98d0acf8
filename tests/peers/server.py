"""What the socketserver-based peers share: serve in a daemon thread, stop cleanly, `with` support."""

from __future__ import annotations

import socketserver
import threading
from typing import Self


class BackgroundServer:
    _server: socketserver.BaseServer | None = None

    def start(self) -> Self:
        raise NotImplementedError

    def _serve(self, server: socketserver.BaseServer) -> None:
        self._server = server
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
