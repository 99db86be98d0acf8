"""The words for customers while resolvers catch up: what DNS caching is, in plain language, and the
time by which everyone will have the fix. Posted on the status page by the tracker (as Standby's own
neutral update) and shown beside the tracker for the team to reuse."""

from __future__ import annotations

from datetime import datetime

from standby.core.timetext import at


def know(name: str, latest: datetime | None, tz: str) -> str:
    """What we know, for the status page: the fix is in, the wait is the internet's memory."""
    when = (
        f"Every network that follows the rules will have it by {at(latest, tz)} at the latest, and most "
        "already do."
        if latest is not None
        else "Most networks already have it; the rest follow as their copies run out."
    )
    return (
        f"The problem with {name} is fixed at the source. The internet's address books (DNS) keep a copy "
        "of where each name points and look again only when that copy runs out, so some networks still "
        f"send visitors to the old place for a while. {when}"
    )


def dont_know(latest: datetime | None, tz: str) -> str:
    by = f" by {at(latest, tz)} at the latest" if latest is not None else ""
    return (
        "Which networks still hold the old copy: if the page still looks wrong for you, it will correct "
        f"itself{by}, with nothing to do on your side; reloading, or trying another network such as a "
        "phone's, may show it sooner."
    )


def public(name: str, latest: datetime | None, tz: str) -> str:
    """Both, as the status page's text: only public names and a time, nothing written for insiders."""
    return f"{know(name, latest, tz)}\n\nWhat we don't know yet: {dont_know(latest, tz)}"
