"""`standby user add|list|remove` and `standby token create|list|revoke`.

The store is imported inside the commands (see store/cli.py). Both migrate the database first, so a
user can be added before `standby serve` ever ran.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from standby.core.errors import StandbyError
from standby.store.cli import DbOption

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

user_app = typer.Typer(help="People who sign in to the web app.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens (API, /metrics) and calendar tokens.", no_args_is_help=True)


class Role(StrEnum):
    admin = "admin"
    viewer = "viewer"


RoleOption = Annotated[Role, typer.Option("--role", help="admin acts (acknowledge, confirm); viewer reads.")]


@contextmanager
def _transaction(db: str | None) -> Iterator[Session]:
    from standby.store.open import transaction

    with transaction(db, upgrade=True) as session:
        yield session


def _now() -> datetime:
    from standby.core.clock import SystemClock

    return SystemClock().now()


def _when(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC" if moment else "never"


def _password(password_file: Path | None) -> str:
    if password_file is not None:
        try:
            return password_file.read_text(encoding="utf-8").removesuffix("\n").removesuffix("\r")
        except (OSError, UnicodeDecodeError) as exc:
            raise StandbyError(f"cannot read --password-file {password_file}: {exc}") from None
    if not sys.stdin.isatty():
        raise StandbyError("no terminal to ask for the password: give it with --password-file FILE")
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


@user_app.command("add")
def add_user(
    email: Annotated[str, typer.Argument(help="The address the person signs in with.")],
    role: RoleOption = Role.viewer,
    password_file: Annotated[
        Path | None, typer.Option("--password-file", help="Read the password from this file (else prompted).")
    ] = None,
    db: DbOption = None,
) -> None:
    """Add a user; the password is prompted twice (or read from --password-file)."""
    from standby.web.auth import users

    password = _password(password_file)
    with _transaction(db) as session:
        user = users.add(session, email=email, role=role.value, password=password, now=_now())
    print(f"Added {user.email} ({user.role}); they can sign in now.")


@user_app.command("list")
def list_users(db: DbOption = None) -> None:
    """List users, their role and last sign-in."""
    from standby.web.auth import users

    with _transaction(db) as session:
        found = users.all_users(session)
        if not found:
            print("No users yet: `standby user add EMAIL --role admin` adds one.")
        for user in found:
            print(f"{user.email}  {user.role}  last sign-in {_when(user.last_login_at)}")


@user_app.command("remove")
def remove_user(email: Annotated[str, typer.Argument(help="The user's email.")], db: DbOption = None) -> None:
    """Remove a user and end their sessions."""
    from standby.web.auth import users

    with _transaction(db) as session:
        users.remove(session, email)
    print(f"Removed {users.normalize(email)}; their sessions are over.")


@token_app.command("create")
def create_token(
    name: Annotated[str, typer.Option("--name", help="What it is for: ci, prometheus, dana-calendar...")],
    role: RoleOption = Role.viewer,
    calendar: Annotated[
        bool, typer.Option("--calendar", help="A read-only token for /calendar.ics?token=... instead.")
    ] = False,
    db: DbOption = None,
) -> None:
    """Create a token and print it: this is the only time it is shown."""
    from standby.web.auth import apitokens

    with _transaction(db) as session:
        secret = apitokens.create(
            session, name=name, role=role.value, scope="calendar" if calendar else "api", now=_now()
        )
    kind = "calendar token" if calendar else f"API token ({role.value})"
    print(f"Created {kind} {name!r}. It is shown only this once: copy it now.\n\n    {secret}\n")
    if calendar:
        print(f"Subscribe to https://YOUR-STANDBY/calendar.ics?token={secret}")
    else:
        print(f'Use it as: curl -H "Authorization: Bearer {secret}" https://YOUR-STANDBY/api/v1/assets')


@token_app.command("list")
def list_tokens(db: DbOption = None) -> None:
    """List tokens (never their secrets)."""
    from standby.web.auth import apitokens

    with _transaction(db) as session:
        found = apitokens.all_tokens(session)
        if not found:
            print("No tokens yet: `standby token create --name NAME` makes one.")
        for token in found:
            kind = "calendar" if token.scope == "calendar" else f"api {token.role}"
            used = _when(token.last_used_at)
            print(f"{token.name}  {kind}  created {_when(token.created_at)}, last used {used}")


@token_app.command("revoke")
def revoke_token(name: Annotated[str, typer.Argument(help="The token's name.")], db: DbOption = None) -> None:
    """Revoke a token: it stops working at once."""
    from standby.web.auth import apitokens

    with _transaction(db) as session:
        apitokens.revoke(session, name)
    print(f"Revoked token {name!r}.")


def register(app: typer.Typer) -> None:
    app.add_typer(user_app, name="user")
    app.add_typer(token_app, name="token")
