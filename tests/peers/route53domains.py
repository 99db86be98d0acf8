"""Amazon Route 53 Domains on loopback: moto's server, and domains registered in it through boto3."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import boto3
from moto.server import ThreadedMotoServer

CONTACT = {
    "FirstName": "Dana", "LastName": "Reyes", "ContactType": "PERSON", "OrganizationName": "Acme Corp",
    "AddressLine1": "1 Main St", "City": "Springfield", "State": "CA", "CountryCode": "US",
    "ZipCode": "90210", "PhoneNumber": "+1.5555550100", "Email": "dana@acme.test",
}  # fmt: skip
KEYS = {"aws_access_key_id": "AKIATESTSTANDBY", "aws_secret_access_key": "test-secret"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def moto_server() -> Iterator[str]:
    """The endpoint URL of a moto server on 127.0.0.1, stopped afterwards."""
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


def domains_client(endpoint: str) -> Any:
    return boto3.client("route53domains", region_name="us-east-1", endpoint_url=endpoint, **KEYS)


def register(endpoint: str, name: str, *, auto_renew: bool = True, years: int = 2) -> None:
    """Register `name` in moto (which dates it `years` from the real now; moto wants 2 or more)."""
    domains_client(endpoint).register_domain(
        DomainName=name, DurationInYears=years, AutoRenew=auto_renew,
        AdminContact=CONTACT, RegistrantContact=CONTACT, TechContact=CONTACT,
    )  # fmt: skip


def reset(endpoint: str) -> None:
    """Forget every domain (moto's reset API), so each test starts from an empty account."""
    import urllib.request

    urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST"), timeout=5)
