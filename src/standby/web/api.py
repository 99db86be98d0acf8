"""What every JSON endpoint shares, whichever feature serves it: the problem-details model of its
errors (RFC 9457; web/app.py answers them) and the type of an id in a path."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path
from pydantic import BaseModel

MAX_ID = 2**31 - 1  # the id columns are 32-bit on PostgreSQL
Id = Annotated[int, Path(ge=1, le=MAX_ID)]


class Problem(BaseModel):
    """RFC 9457 problem details: every error."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
