"""Publishing: to a directory and to a real S3-compatible server (moto) on loopback; failures are results."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from standby.plan.status_page import PublishTarget, shown_url
from standby.statuspage.publish import publish, publish_all
from standby.statuspage.render import render
from tests.peers.s3 import client as s3_client
from tests.peers.s3 import s3_server
from tests.peers.smtp import free_port
from tests.statuspage.pages import sample_page

FILES = render(sample_page())
SECRET = "s3cr3t-Value-42"
DATA_FIRST = [
    "api/v2/components.json",
    "api/v2/incidents.json",
    "api/v2/incidents/unresolved.json",
    "api/v2/status.json",
    "api/v2/summary.json",
    "history.atom",
    "index.html",
]


@pytest.fixture(scope="module")
def s3() -> Iterator[str]:
    with s3_server() as endpoint:
        yield endpoint


def _target(endpoint: str, url: str) -> PublishTarget:
    options = {
        "endpoint_url": endpoint,
        "key": "test-key",
        "secret": SECRET,
        "client_kwargs": {"region_name": "us-east-1"},
        # One try per request inside botocore: the publisher's own retries are what is under test.
        "config_kwargs": {"retries": {"max_attempts": 1}, "connect_timeout": 1},
    }
    return PublishTarget(url=url, options=options)


def test_it_writes_every_file_to_a_directory_data_first(tmp_path: Path) -> None:
    result = publish(FILES, PublishTarget(url=str(tmp_path / "site")))
    assert result.ok and result.written == tuple(DATA_FIRST)
    for path, data in FILES.items():
        assert (tmp_path / "site" / path).read_bytes() == data
    assert not list((tmp_path / "site").rglob("*.partial"))


def test_unchanged_files_are_not_written_again(tmp_path: Path) -> None:
    target = PublishTarget(url=f"file://{tmp_path}")
    first = publish(FILES, target)
    (tmp_path / "index.html").write_text("edited by hand")
    again = publish(FILES, target, previous_digests=first.digests)
    assert again.written == () and again.unchanged == tuple(DATA_FIRST)
    assert (tmp_path / "index.html").read_text() == "edited by hand"
    changed = dict(FILES, **{"api/v2/status.json": b"{}"})
    third = publish(changed, target, previous_digests=again.digests)
    assert third.written == ("api/v2/status.json",)
    assert (tmp_path / "api/v2/status.json").read_bytes() == b"{}"


def test_a_permanent_local_failure_is_reported_not_raised_or_retried(tmp_path: Path) -> None:
    (tmp_path / "api").write_text("a file where a directory should be")
    waits: list[float] = []
    result = publish(FILES, PublishTarget(url=str(tmp_path)), sleep=waits.append)
    assert not result.ok and waits == []
    path, why = result.failed[0]
    assert path == "api/v2/components.json" and str(tmp_path) in why
    assert [p for p, _ in result.failed] == DATA_FIRST
    assert result.failed[1][1] == "api/v2/incidents.json: not tried after the failure above"
    assert "api/v2/components.json" not in result.digests


def test_it_publishes_to_s3_with_content_types(s3: str) -> None:
    client = s3_client(s3)
    client.create_bucket(Bucket="status")
    result = publish(FILES, _target(s3, "s3://status/acme"))
    assert result.ok and result.written == tuple(DATA_FIRST)
    assert result.target == "s3://status/acme"
    types = {path: client.head_object(Bucket="status", Key=f"acme/{path}")["ContentType"] for path in FILES}
    assert types["index.html"] == "text/html; charset=utf-8"
    assert types["api/v2/summary.json"] == "application/json; charset=utf-8"
    assert types["history.atom"] == "application/atom+xml; charset=utf-8"
    head = client.head_object(Bucket="status", Key="acme/index.html")
    assert head["CacheControl"] == "max-age=60"
    body = client.get_object(Bucket="status", Key="acme/api/v2/summary.json")["Body"].read()
    assert body == FILES["api/v2/summary.json"]


def test_unchanged_files_are_not_uploaded_to_s3_again(s3: str) -> None:
    client = s3_client(s3)
    client.create_bucket(Bucket="again")
    target = _target(s3, "s3://again")
    first = publish(FILES, target)
    client.delete_object(Bucket="again", Key="index.html")  # an upload would bring it back
    second = publish(FILES, target, previous_digests=first.digests)
    assert second.ok and second.written == ()
    keys = {o["Key"] for o in client.list_objects_v2(Bucket="again")["Contents"]}
    assert "index.html" not in keys and "api/v2/summary.json" in keys


def test_a_server_that_is_down_gives_a_failed_result_without_the_secret() -> None:
    waits: list[float] = []
    target = _target(f"http://127.0.0.1:{free_port()}", "s3://status/acme")
    result = publish(FILES, target, attempts=2, sleep=waits.append)
    assert not result.ok and result.written == ()
    assert len(waits) == 1  # one retry of the first file, then the rest are not tried
    path, why = result.failed[0]
    assert path == "api/v2/components.json"
    assert why.startswith("api/v2/components.json to s3://status/acme: Could not connect to the endpoint URL")
    assert all(SECRET not in reason for _, reason in result.failed)


def test_a_password_in_the_url_is_never_shown() -> None:
    url = "sftp://deploy:hunter2-pw@127.0.0.1:1/srv/status"
    assert shown_url(url) == "sftp://deploy:***@127.0.0.1:1/srv/status"
    result = publish(FILES, PublishTarget(url=url, options={"password": "other-secret"}))
    assert not result.ok
    assert all("hunter2" not in why and "other-secret" not in why for _, why in result.failed)
    assert result.failed[0][1].startswith("cannot open sftp://deploy:***@127.0.0.1:1/srv/status: ")


def test_each_target_is_published_on_its_own(tmp_path: Path) -> None:
    (tmp_path / "broken").write_text("a file, not a directory")
    good = PublishTarget(url=str(tmp_path / "good"))
    broken = PublishTarget(url=str(tmp_path / "broken"))
    first = publish_all(FILES, [broken, good])
    assert not first[broken.url].ok and first[good.url].written == tuple(DATA_FIRST)
    again = publish_all(FILES, [broken, good], previous=first)
    assert again[good.url].written == () and not again[broken.url].ok
