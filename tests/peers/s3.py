"""A real S3-compatible server (moto in server mode) on 127.0.0.1, for tests of what Standby writes to
object storage (the status page's publishing, backups' targets).

    with s3_server() as endpoint:
        client(endpoint).create_bucket(Bucket="backups")
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import boto3
from moto.server import ThreadedMotoServer

from tests.peers.smtp import free_port


@contextmanager
def s3_server() -> Iterator[str]:
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
