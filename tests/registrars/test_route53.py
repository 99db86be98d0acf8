"""Route 53 Domains through boto3 against moto's server on loopback: ListDomains paged, the detail's
status list, a domain the account does not hold, an endpoint that is down."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from standby.core.clock import ManualClock
from standby.registrars.accounts import client
from standby.registrars.record import RegistrarError
from tests.peers.context import probe_context
from tests.peers.route53domains import KEYS, moto_server, register, reset
from tests.registrars.conftest import account

NOW = datetime.now(UTC)  # moto dates registrations from the real clock


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    with moto_server() as url:
        yield url


@pytest.fixture
def aws(endpoint: str) -> Iterator[str]:
    reset(endpoint)
    yield endpoint


def route53(endpoint: str) -> dict[str, str]:
    return {"id": "aws", "kind": "route53", "base_url": endpoint,
            "access_key_id": KEYS["aws_access_key_id"], "secret_access_key": KEYS["aws_secret_access_key"]}  # fmt: skip


async def test_it_lists_every_page_with_auto_renew_transfer_lock_and_expiry(aws: str, tmp_path: Path) -> None:
    for i in range(5):
        register(aws, f"brand{i}-standby.com")
    register(aws, "acme-standby.com", auto_renew=False)
    async with probe_context(NOW, tmp_path, clock=ManualClock(NOW)) as ctx:
        api = await client(account(**route53(aws)), ctx)
        api.page_size = 2  # type: ignore[attr-defined]
        found = {d.name: d for d in await api.list()}
    assert len(found) == 6
    acme = found["acme-standby.com"]
    assert acme.auto_renew is False and acme.transfer_lock is True
    assert acme.expires_at is not None
    assert timedelta(days=700) < acme.expires_at - NOW < timedelta(days=740)
    assert found["brand0-standby.com"].auto_renew is True


async def test_the_detail_carries_the_status_and_a_domain_elsewhere_is_none(aws: str, tmp_path: Path) -> None:
    register(aws, "acme-standby.com")
    async with probe_context(NOW, tmp_path, clock=ManualClock(NOW)) as ctx:
        api = await client(account(**route53(aws)), ctx)
        detail = await api.get("acme-standby.com")
        assert await api.get("elsewhere-standby.com") is None
    assert detail is not None and detail.auto_renew is True and detail.statuses
    assert detail.lapsing is None


async def test_an_endpoint_that_is_down_is_a_retryable_error(tmp_path: Path) -> None:
    with moto_server() as gone:
        pass
    async with probe_context(NOW, tmp_path, clock=ManualClock(NOW), timeout="1s") as ctx:
        api = await client(account(**route53(gone)), ctx)
        with pytest.raises(RegistrarError) as caught:
            await api.list()
    assert not caught.value.permanent and "could not be reached" in str(caught.value)
