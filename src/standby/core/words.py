"""How Standby counts things in sentences: `1 update`, `2 updates`, `1 day`; never `1 updates` or
`1 warning(s)`."""

from __future__ import annotations

_IRREGULAR = {"person": "people", "is": "are", "was": "were", "has": "have"}


def plural(count: int, word: str, many: str | None = None) -> str:
    """`1 update`, `3 updates`, `2 people`; `many` spells the plural when it is not regular."""
    if count == 1:
        return f"{count} {word}"
    return f"{count} {many or _IRREGULAR.get(word) or _regular(word)}"


def _regular(word: str) -> str:
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"
