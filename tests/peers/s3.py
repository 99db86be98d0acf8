"""An S3-compatible server on 127.0.0.1 (moto's), and a client for it, for publishing tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import boto3
from moto.server import ThreadedMotoServer

from tests.peers.smtp import free_port

OPTIONS = {"key": "k", "secret": "s", "client_kwargs": {"region_name": "us-east-1"}}


@contextmanager
def moto_s3() -> Iterator[str]:
    """The server's endpoint URL while the block runs."""
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def client(endpoint: str) -> Any:
    return boto3.client(
        "s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s"
    )


def options(endpoint: str) -> dict[str, Any]:
    """fsspec storage options for a publish target on this server."""
    return {"endpoint_url": endpoint, **OPTIONS}
