"""Replay into each destination's fake: arrival order, each lead acknowledged once, per-record
outcomes kept, and every way a platform can fail (still down, throttled, quota, refusal)."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import timedelta
from typing import Any

import pytest

from standby.leads.intake import NewSubmission, write
from standby.leads.replay import store
from tests.leads.conftest import World


def capture(world: World, form_id: str, *people: dict[str, Any], page: str | None = None) -> list[str]:
    items = [
        NewSubmission(form_id, None, dict(p), world.clock.now(), page, None, "Mozilla/5.0", "203.0.113.24")
        for p in people
    ]
    with world.sessions.begin() as session:
        return [r.public_id for r in write(session, items)]


def person(n: int, **extra: Any) -> dict[str, Any]:
    return {"email": f"lead{n}@example.com", "firstName": f"Lead {n}", **extra}


async def test_every_lead_arrives_once_in_marketo_in_arrival_order(world: World) -> None:
    capture(world, "demo-request", *(person(n) for n in range(650)))
    capture(
        world,
        "demo-request",
        person(3, firstName="Third again"),
        {"email": "lead3@example.com", "company": "Later still"},
    )
    [result] = await world.replayer().run(world.plan, ["demo-request"])
    assert (result.state, result.counts["delivered"]) == ("done", 652)
    assert set(world.mkto.writes.values()) == {1} | {3}
    assert world.mkto.writes["lead3@example.com"] == 3  # three submissions, in the order they came
    [lead] = world.mkto.db.by_email("lead3@example.com")
    assert (lead.fields["firstName"], lead.fields["company"]) == ("Third again", "Later still")
    rows = world.rows()
    assert {r.state for r in rows} == {"delivered"} and all(r.remote_id for r in rows)
    assert world.mkto.answered["606"] == 0 and world.mkto.window.peak <= 100
    assert (await world.replayer().run(world.plan, ["demo-request"]))[0].counts == {}  # nothing twice


async def test_a_skipped_record_keeps_its_reason_and_is_not_retried(world: World) -> None:
    capture(world, "demo-request", person(1), person(2, firstName="x" * 10), person(3))
    world.mkto.refuse("lead2@example.com", "1003", "Invalid data")
    [result] = await world.replayer().run(world.plan, ["demo-request"])
    assert result.counts == {"delivered": 2, "skipped": 1}
    skipped = world.rows()[1]
    assert (skipped.state, skipped.reason, skipped.attempts) == ("skipped", "1003 Invalid data", 1)
    await world.replayer().run(world.plan, ["demo-request"])
    assert world.rows()[1].attempts == 1


async def test_submit_form_replays_each_lead_as_a_form_fill_with_its_visitor(world: World) -> None:
    capture(
        world,
        "webinar",
        person(1, unsubscribed=True),
        person(2),
        page="https://www.acme.example/webinar?utm_source=mail",
    )
    [result] = await world.replayer().run(world.plan, ["webinar"])
    assert result.counts == {"delivered": 2}
    # Two people's form fills may be in flight together (docs/plan-b.md): find lead 1's by its email.
    [fill] = [f for f in world.mkto.db.form_fills if f["email"] == "lead1@example.com"]
    assert (fill["form"], fill["program"]) == (2187, 4410)
    assert fill["visitor"] == {
        "pageURL": "https://www.acme.example/webinar?utm_source=mail",
        "queryString": "utm_source=mail",
        "leadClientIpAddress": "203.0.113.24",
        "userAgentString": "Mozilla/5.0",
    }


async def test_a_token_expiring_mid_replay_is_renewed_and_nothing_is_doubled(world: World) -> None:
    capture(world, "webinar", *(person(n) for n in range(12)))
    world.mkto.token_lifetime = 1.5  # seconds of the fake's clock: about 7 form fills at 5 calls a second
    [result] = await world.replayer().run(world.plan, ["webinar"])
    assert result.counts == {"delivered": 12}
    assert world.mkto.answered["602"] >= 1 and world.mkto.answered["identity"] >= 2
    assert set(world.mkto.writes.values()) == {1} and len(world.mkto.writes) == 12


async def test_a_606_storm_slows_the_replay_down_without_losing_or_doubling(world: World) -> None:
    capture(world, "demo-request", *(person(n) for n in range(900)))
    world.mkto.fail_next("606", 5)
    [result] = await world.replayer().run(world.plan, ["demo-request"])
    assert result.counts == {"delivered": 900} and world.mkto.answered["606"] == 5
    assert set(world.mkto.writes.values()) == {1}


async def test_still_down_keeps_everything_pending_and_backs_off(world: World) -> None:
    capture(world, "demo-request", person(1), person(2))
    world.mkto.down("503")
    [result] = await world.replayer().run(world.plan, ["demo-request"])
    assert result.state == "down" and "still down" in (result.error or "")
    assert result.retry_at is not None and result.retry_at > world.clock.now()
    assert {r.state for r in world.rows()} == {"pending"} and world.mkto.writes == {}
    world.data["forms"][0]["vendor"] = None  # no monitor to wait on: the backoff alone decides
    [due] = await world.replayer().run_due(world.plan, now=world.clock.now())
    assert due.state == "waiting"
    world.mkto.up()
    world.clock.set(result.retry_at + timedelta(seconds=1))
    [later] = await world.replayer().run(world.plan, ["demo-request"])
    assert later.counts == {"delivered": 2}


async def test_the_daily_quota_waits_for_its_reset(world: World) -> None:
    capture(world, "demo-request", person(1))
    world.mkto.daily_quota = 0
    [result] = await world.replayer().run(world.plan, ["demo-request"])
    assert result.state == "quota" and result.retry_at == world.mkto.quota_resets_at()
    assert world.rows()[0].state == "pending"


async def test_a_refusal_stops_the_form_until_the_destination_is_fixed(world: World) -> None:
    capture(world, "demo-request", person(1), person(2))
    world.data["forms"][0]["destination"]["marketo"]["client_secret"] = "wrong"
    [result] = await world.replayer().run(world.plan, ["demo-request"])
    assert result.state == "refused" and "client_secret" in (result.error or "")
    assert [r.state for r in world.rows()] == ["failed", "failed"]
    assert "Bad client credentials" in (world.rows()[0].reason or "")
    world.data["forms"][0]["vendor"] = None
    capture(world, "demo-request", person(3))
    [again] = await world.replayer().run_due(world.plan, now=world.clock.now())
    assert again.state == "blocked" and world.rows()[2].state == "pending"
    world.data["forms"][0]["destination"]["marketo"]["client_secret"] = world.mkto.client_secret
    [fixed] = await world.replayer().run(world.plan, ["demo-request"])
    assert fixed.counts == {"delivered": 3}  # the changed destination took back what the refusal set aside


async def test_retry_failed_requeues_failed_and_on_request_skipped(world: World) -> None:
    capture(world, "demo-request", person(1), person(2))
    world.mkto.refuse("lead1@example.com")
    await world.replayer().run(world.plan, ["demo-request"])
    with world.sessions.begin() as session:
        assert store.requeue(session, form_id="demo-request", skipped=False) == 0
    with world.sessions.begin() as session:
        assert store.requeue(session, form_id="demo-request", skipped=True) == 1
    world.mkto.db.refuse.clear()
    [result] = await world.replayer().run(world.plan, ["demo-request"])
    assert result.counts == {"delivered": 1}


async def test_a_replay_waits_for_the_vendor_monitor_to_be_healthy(world: World) -> None:
    from standby.engine.models import CheckState

    capture(world, "demo-request", person(1))
    assert await world.replayer().run_due(world.plan, now=world.clock.now()) == []  # never checked: unknown
    with world.sessions.begin() as session:
        state = CheckState(
            key="vendor:marketo|statuspage", monitor="vendor:marketo/vendor", asset="vendor:marketo", kind="vendor",
            check="statuspage", target="marketo", owner=None, status="critical", since=world.clock.now(),
            observed="critical", streak=0, summary="down", details={}, observed_at=world.clock.now(),
        )  # fmt: skip
        session.add(state)
    assert await world.replayer().run_due(world.plan, now=world.clock.now()) == []
    with world.sessions.begin() as session:
        session.get(CheckState, state.id).status = "ok"  # type: ignore[union-attr]
    [result] = await world.replayer().run_due(world.plan, now=world.clock.now())
    assert result.counts == {"delivered": 1}


async def test_two_workers_never_send_one_form_at_once(world: World) -> None:
    capture(world, "demo-request", *(person(n) for n in range(10)))
    now = world.clock.now()
    with world.sessions.begin() as session:
        assert (
            store.claim(session, "demo-request", worker="other", now=now, fingerprint="x", force=True) is None
        )
    [result] = await world.replayer().run(world.plan, ["demo-request"])
    assert result.state == "busy" and world.mkto.writes == {}
    world.clock.advance(store.LEASE + timedelta(seconds=1))  # the other worker died holding it
    [result] = await world.replayer().run(world.plan, ["demo-request"])
    assert result.counts == {"delivered": 10}


async def test_hubspot_upserts_by_email_and_submits_forms(world: World) -> None:
    capture(
        world,
        "contact",
        {"email": "c1@example.com", "firstname": "C1"},
        {"email": "bad@@example"},
        {"email": "c3@example.com"},
    )
    capture(world, "newsletter", {"email": "n1@example.com"})
    contact, newsletter = await world.replayer().run(world.plan, ["contact", "newsletter"])
    assert contact.counts == {"delivered": 2, "skipped": 1} and newsletter.counts == {"delivered": 1}
    assert world.rows("contact")[1].reason == "Email address bad@@example is invalid"
    [sent] = world.hubspot.submissions
    assert sent["submittedAt"] == str(int(world.rows("newsletter")[0].received_at.timestamp() * 1000))
    assert world.hubspot.writes == {"c1@example.com": 1, "c3@example.com": 1, "n1@example.com": 1}


async def test_the_webhook_gets_a_signed_body_and_the_idempotency_key(world: World) -> None:
    [public_id] = capture(world, "partner", {"email": "p@example.com", "tier": "Gold"})
    [result] = await world.replayer().run(world.plan, ["partner"])
    assert result.counts == {"delivered": 1}
    [request] = [r for r in world.hook.http.requests if r.method == "POST"]
    assert request.headers["Idempotency-Key"] == public_id
    expected = "sha256=" + hmac.new(b"hook-secret", request.body, hashlib.sha256).hexdigest()
    assert request.headers["X-Standby-Signature"] == expected
    assert json.loads(request.body)["fields"] == {"email": "p@example.com", "tier": "Gold"}


async def test_a_webhook_refusing_a_record_skips_it_and_a_5xx_is_still_down(world: World) -> None:
    capture(world, "partner", {"email": "p@example.com", "tier": "Gold"})
    world.hook.status = 503
    [down] = await world.replayer().run(world.plan, ["partner"])
    assert down.state == "down" and world.rows()[0].state == "pending"
    world.hook.status = 422
    world.clock.set(down.retry_at + timedelta(seconds=1))  # type: ignore[operator]
    [refused] = await world.replayer().run(world.plan, ["partner"])
    assert refused.counts == {"skipped": 1} and world.rows()[0].reason == "HTTP 422: failure"


def test_the_tick_job_replays_in_the_background_and_reports_what_it_did(world: World) -> None:
    from standby.leads.replay.job import ReplayJob

    capture(world, "partner", *({"email": f"p{n}@example.com", "tier": "Gold"} for n in range(5)))
    job = ReplayJob(clock=world.clock)
    started = job(world.sessions, plan=world.plan, now=world.clock.now(), worker="w1")
    assert started == 0  # a pass began in the background; the tick did not wait for it
    assert job.wait() == 5
    assert {r.state for r in world.rows()} == {"delivered"}
    assert job(world.sessions, plan=world.plan, now=world.clock.now(), worker="w1") == 0
    assert job.wait() == 0 and len([r for r in world.hook.http.requests if r.method == "POST"]) == 5


async def test_a_bug_while_sending_keeps_the_leads_and_logs_no_personal_data(
    world: World, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from standby.leads.replay import webhook

    capture(world, "partner", {"email": "secret.person@example.com", "tier": "Gold"})

    def broken(lead: Any) -> bytes:
        raise ValueError(f"cannot encode {lead.fields['email']}")

    monkeypatch.setattr(webhook, "body_of", broken)  # a bug of ours, in the middle of a send
    [result] = await world.replayer().run(world.plan, ["partner"])
    assert result.state == "down" and result.error == "Standby failed sending (ValueError)"
    assert world.rows()[0].state == "pending"
    assert "ValueError" in caplog.text and "secret.person" not in caplog.text
