"""Link tokens: unguessable, stored only as a hash, single-purpose, expiring, single use."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from standby.alerts import tokens
from standby.alerts.models import ActionToken
from tests.alerts.conftest import T0, World


def issued(world: World) -> str:
    world.check("critical")
    with world.sessions.begin() as session:
        return tokens.issue(
            session, purpose="ack", person="dana", now=T0, alert_id=1, expires_at=T0 + tokens.ACK_LIFETIME
        )


def test_only_the_tokens_hash_is_stored(world: World) -> None:
    token = issued(world)
    assert len(token) >= 43
    with world.sessions() as session:
        digests = session.scalars(select(ActionToken.digest)).all()
    assert tokens.digest(token) in digests
    assert token not in digests


def test_a_token_works_for_its_own_purpose_until_it_expires_or_is_used(world: World) -> None:
    token = issued(world)
    with world.sessions.begin() as session:
        with pytest.raises(tokens.TokenError) as wrong:
            tokens.find(session, token, purpose="confirm", now=T0)
        assert wrong.value.reason == "unknown"
        with pytest.raises(tokens.TokenError) as late:
            tokens.find(session, token, purpose="ack", now=T0 + timedelta(days=7))
        assert late.value.reason == "expired"
        row = tokens.find(session, token, purpose="ack", now=T0 + timedelta(days=6))
        assert (row.person, row.alert_id) == ("dana", 1)
        tokens.use(row, now=T0)
    with world.sessions() as session, pytest.raises(tokens.TokenError) as used:
        tokens.find(session, token, purpose="ack", now=T0)
    assert used.value.reason == "used"
    assert str(used.value) == "This link was already used, on 2025-06-02 at 13:00 UTC."


def test_a_confirmation_link_lives_until_the_expiry_or_a_week_when_that_is_past() -> None:
    assert tokens.confirm_expiry(T0 + timedelta(days=90), T0) == T0 + timedelta(days=90)
    assert tokens.confirm_expiry(T0 - timedelta(days=1), T0) == T0 + timedelta(days=7)
