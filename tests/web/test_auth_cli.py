"""`standby user ...` and `standby token ...` as an operator runs them: clear messages, exit 1 on a
mistake, never a traceback; a token is printed once and works at once."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from standby.cli import main
from tests.web.signin import PASSWORD, Site


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cli.db'}"


@pytest.fixture
def password_file(tmp_path: Path) -> Path:
    path = tmp_path / "password"
    path.write_text(PASSWORD + "\n")
    return path


def test_user_add_list_and_remove(db: str, password_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "user",
        "add",
        "Dana@Acme.example",
        "--role",
        "admin",
        "--password-file",
        str(password_file),
        "--db",
        db,
    )
    assert (code, out) == (0, "Added dana@acme.example (admin); they can sign in now.\n")
    run(capsys, "user", "add", "lee@acme.example", "--password-file", str(password_file), "--db", db)
    code, out, _ = run(capsys, "user", "list", "--db", db)
    assert out == (
        "dana@acme.example  admin  last sign-in never\nlee@acme.example  viewer  last sign-in never\n"
    )
    assert run(capsys, "user", "remove", "DANA@acme.example", "--db", db)[:2] == (
        0,
        "Removed dana@acme.example; their sessions are over.\n",
    )
    assert "dana" not in run(capsys, "user", "list", "--db", db)[1]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--role", "owner"], "Invalid value for '--role'"),
        (["--password-file", "/nonexistent/pw"], "error: cannot read --password-file /nonexistent/pw"),
    ],
)
def test_user_add_refuses_an_unknown_role_or_a_missing_password_file(
    db: str, argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "user", "add", "dana@acme.example", *argv, "--db", db)
    assert code == 1 and message in err


def test_user_add_refuses_a_duplicate_and_weak_passwords(
    db: str, password_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "user", "add", "dana@acme.example", "--password-file", str(password_file), "--db", db)
    code, _, err = run(
        capsys, "user", "add", "DANA@acme.example", "--password-file", str(password_file), "--db", db
    )
    assert (code, err) == (
        1,
        "error: dana@acme.example already has an account; `standby user remove dana@acme.example` first to replace it\n",
    )
    for weak, why in (
        ("", "the password is empty"),
        ("tooshort", "too short: use at least 12 characters"),
        ("aaaaaaaaaaaaaaaa", "repeats too few different characters"),
        ("lee@acme.example!", "must not contain the email address"),
    ):
        (tmp_path / "weak").write_text(weak)
        code, _, err = run(
            capsys, "user", "add", "lee@acme.example", "--password-file", str(tmp_path / "weak"), "--db", db
        )
        assert code == 1 and why in err, err


def test_user_add_without_a_terminal_needs_a_password_file(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(
        capsys, "user", "add", "dana@acme.example", "--db", db
    )  # pytest's stdin is no terminal
    assert (code, err) == (
        1,
        "error: no terminal to ask for the password: give it with --password-file FILE\n",
    )


def test_user_add_prompts_twice_on_a_terminal(
    db: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    asked: list[dict[str, Any]] = []

    def prompt(text: str, **options: Any) -> str:
        asked.append({"text": text, **options})
        return PASSWORD

    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("typer.prompt", prompt)
    assert run(capsys, "user", "add", "dana@acme.example", "--db", db)[0] == 0
    assert asked == [{"text": "Password", "hide_input": True, "confirmation_prompt": True}]


def test_a_user_added_on_the_command_line_signs_in(
    site: Site, password_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = str(site.sessions.kw["bind"].url)
    assert (
        run(capsys, "user", "add", "dana@acme.example", "--password-file", str(password_file), "--db", url)[0]
        == 0
    )
    assert site.sign_in("dana@acme.example").get("/api/v1/people").status_code == 200


def test_token_create_prints_the_token_once_and_it_works_until_revoked(
    site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    url = str(site.sessions.kw["bind"].url)
    code, out, _ = run(capsys, "token", "create", "--name", "prometheus", "--db", url)
    assert code == 0 and "Created API token (viewer) 'prometheus'. It is shown only this once" in out
    secret = re.search(r"^    (\S+)$", out, re.MULTILINE)
    assert secret is not None
    client = site.client(secret.group(1))
    assert client.get("/metrics").status_code == 200
    code, out, _ = run(capsys, "token", "list", "--db", url)
    assert out.startswith("prometheus  api viewer  created 20") and secret.group(1) not in out
    assert "last used 2025-06-02 13:00 UTC" in out  # the web app's clock
    assert run(capsys, "token", "revoke", "prometheus", "--db", url)[1] == "Revoked token 'prometheus'.\n"
    assert client.get("/metrics").status_code == 401


def test_token_commands_refuse_duplicates_unknown_names_and_admin_calendar_tokens(
    db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "token", "create", "--name", "ci", "--role", "admin", "--db", db)[0] == 0
    assert run(capsys, "token", "create", "--name", "ci", "--db", db)[2] == (
        "error: a token named 'ci' exists; revoke it first or choose another name\n"
    )
    assert run(capsys, "token", "revoke", "cd", "--db", db)[2] == (
        "error: there is no token named 'cd'; `standby token list` shows them\n"
    )
    code, _, err = run(
        capsys, "token", "create", "--name", "cal", "--calendar", "--role", "admin", "--db", db
    )
    assert code == 1 and "a calendar token only reads" in err
    code, _, err = run(capsys, "token", "create", "--name", "has space", "--db", db)
    assert code == 1 and "token name 'has space'" in err


def test_a_calendar_token_prints_its_subscription_url(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "token", "create", "--name", "dana-calendar", "--calendar", "--db", db)
    assert code == 0 and re.search(r"Subscribe to https://YOUR-STANDBY/calendar\.ics\?token=\S{43}\n", out)
    assert "dana-calendar  calendar" in run(capsys, "token", "list", "--db", db)[1]
