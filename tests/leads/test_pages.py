"""The fallback page and the switch script as Standby serves them."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import httpx
import pytest

from tests.leads.conftest import World


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """SQLite only: these tests are about pages, not the database (capture and replay run on both)."""
    return f"sqlite:///{tmp_path / 'standby.db'}"


def test_the_fallback_page_is_self_contained_and_its_policy_allows_only_its_own_style(
    web: httpx.Client,
) -> None:
    reply = web.get("/p/demo-request")
    assert reply.status_code == 200
    html = reply.text
    style = re.search(r"<style>(.*)</style>", html, re.DOTALL)
    assert style is not None
    digest = base64.b64encode(hashlib.sha256(style.group(1).encode()).digest()).decode()
    policy = reply.headers["Content-Security-Policy"]
    assert f"style-src 'sha256-{digest}'" in policy and "default-src 'none'" in policy
    assert "form-action 'self'" in policy
    assert not re.search(r"(src|href)=\"https?://", html)  # no outside asset
    assert '<label for="f-email">Work email <span class="req">(required)</span></label>' in html
    assert re.search(r'<input type="hidden" name="_key" value="[\w-]{24}">', html)
    assert 'name="_hp" tabindex="-1"' in html
    assert web.get("/p/demo-request").text != html  # a fresh key for each showing
    assert web.get("/p/nope").status_code == 404


def test_the_switch_script_knows_its_form_and_where_to_post(web: httpx.Client, world: World) -> None:
    reply = web.get("/f/demo-request.js")
    assert reply.status_code == 200 and reply.headers["content-type"].startswith("text/javascript")
    assert reply.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert f'"capture": "{web.base_url}"'.replace('/"', '"') in reply.text
    assert '"timeout": 5000' in reply.text and '"name": "firstName"' in reply.text
    assert web.get("/f/nope.js").status_code == 404


def test_a_label_cannot_break_out_of_the_script(web: httpx.Client, world: World) -> None:
    world.data["forms"][0]["title"] = "</script><script>alert(1)</script>\u2028"
    text = web.get("/f/demo-request.js").text
    assert "alert(1)</script>" not in text and "<script>alert" not in text and "\u2028" not in text
    assert "\\u003c/script>\\u003cscript>alert(1)\\u003c/script>\\u2028" in text
