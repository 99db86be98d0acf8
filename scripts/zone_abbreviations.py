"""Build src/standby/probes/registration/data/zone_abbreviations.json from the IANA tz database.

WHOIS servers write times with zone abbreviations (`10:02 WAT`, `00:00:00 EEST`, `14:48:02 CLST`).
An abbreviation is read only when the tz database gives it one UTC offset wherever and whenever it
is used. Some name different offsets in different years but never two at once (MSK was UTC+4 from
2011 to 2014): those are kept with their periods. The rest (CST: US central, China and Cuba; IST:
India, Ireland and Israel; EST: eastern US and, before tzdb 2014f, eastern Australia) are ambiguous
and listed so that the parser can say why it ignored them. Sampling starts in 1985, the year of the
first domain registration, so offsets that an abbreviation had only before then do not count.

Sources, all public domain: the `tzdata` Python package (the current release) and two older tzdb
releases compiled with the system's `zic`. A zone's newest release decides what it was called when;
an older release counts only where the newest writes a bare number: 2017a replaced abbreviations
such as CLST (Chile summer time) or BRT (Brasilia time) with numeric ones (-03) that WHOIS servers
kept writing. (So Australia's pre-2014f `EST` does not count: tzdb itself now says AEST.)

    uv run python scripts/zone_abbreviations.py --tz-repo /path/to/eggert/tz.git
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tempfile
import zoneinfo
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

import tzdata

OLD_RELEASES = ("2014e", "2016j")  # before 2014f (AEST) and before 2017a (numeric abbreviations)
DATA_FILES = ("africa", "antarctica", "asia", "australasia", "europe", "northamerica", "southamerica")
FIRST, LAST = datetime(1985, 1, 1, 12, tzinfo=UTC), datetime(2037, 12, 31, tzinfo=UTC)
STEP = timedelta(days=7)
OUT = Path(__file__).parents[1] / "src/standby/probes/registration/data/zone_abbreviations.json"

Uses = dict[str, dict[datetime, tuple[str | None, int]]]  # zone → sample instant → (abbreviation, minutes)
Seen = dict[str, dict[datetime, set[int]]]  # abbreviation → sample instant → offsets (minutes)


def sample(zone: zoneinfo.ZoneInfo) -> dict[datetime, tuple[str | None, int]]:
    """The zone's abbreviation (None when tzdb writes only a number, `-03`) and offset, weekly."""
    out = {}
    when = FIRST
    while when <= LAST:
        local = when.astimezone(zone)
        name, offset = local.tzname() or "", local.utcoffset()
        if offset is not None:
            alpha = name.isalpha() and name != "LMT"
            out[when] = (name.upper() if alpha else None, int(offset.total_seconds() // 60))
        when += STEP
    return out


def current_release(uses: Uses) -> str:
    zoneinfo.reset_tzpath(to=[])  # the tzdata package, not the machine's copy
    for key in sorted(zoneinfo.available_timezones()):
        uses[key] = sample(zoneinfo.ZoneInfo(key))
    return f"tzdata {tzdata.IANA_VERSION}"


def old_release(repo: Path, tag: str, uses: Uses) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "src"
        source.mkdir()
        for name in DATA_FILES:
            command = ["git", "--git-dir", str(repo), "show", f"{tag}:{name}"]
            blob = subprocess.run(command, check=True, capture_output=True).stdout  # noqa: S603
            (source / name).write_bytes(blob)
        compiled = Path(tmp) / "zones"
        command = ["zic", "-d", str(compiled), *(str(source / n) for n in DATA_FILES)]
        subprocess.run(command, check=True)  # noqa: S603
        for path in sorted(p for p in compiled.rglob("*") if p.is_file()):
            with path.open("rb") as handle:
                uses[str(path.relative_to(compiled))] = sample(zoneinfo.ZoneInfo.from_file(handle))
    return f"tzdb {tag}"


def merge(releases: list[Uses]) -> Seen:
    """Newest first: a zone's newest release decides, except where it writes only a number and an
    older release still had a name for that time (Chile's -03 was CLST)."""
    seen: Seen = defaultdict(lambda: defaultdict(set))
    for zone in set().union(*releases):
        for when in {w for release in releases for w in release.get(zone, {})}:
            for release in releases:
                name, offset = release.get(zone, {}).get(when, (None, 0))
                if name:
                    seen[name][when].add(offset)
                    break
    return seen


def periods(by_time: dict[datetime, set[int]]) -> list[list[object]]:
    """[[first seen, last seen, offset], ...] in time order."""
    out: list[list[object]] = []
    for when in sorted(by_time):
        (offset,) = by_time[when]
        if out and out[-1][2] == offset:
            out[-1][1] = when.date().isoformat()
        else:
            out.append([when.date().isoformat(), when.date().isoformat(), offset])
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tz-repo", type=Path, required=True, help="a git clone of github.com/eggert/tz")
    args = parser.parse_args()
    releases: list[Uses] = [{} for _ in range(len(OLD_RELEASES) + 1)]
    sources = [current_release(releases[0])]
    for tag, uses in zip(OLD_RELEASES[::-1], releases[1:], strict=True):
        sources.append(old_release(args.tz_repo, tag, uses))
    seen = merge(releases)
    fixed: dict[str, int] = {}
    by_period: dict[str, list[list[object]]] = {}
    ambiguous: dict[str, list[int]] = {}
    for name, by_time in sorted(seen.items()):
        offsets = sorted(set().union(*by_time.values()))
        if any(len(at_once) > 1 for at_once in by_time.values()):
            ambiguous[name] = offsets
        elif len(offsets) == 1:
            fixed[name] = offsets[0]
        else:
            by_period[name] = periods(by_time)
    table = {
        "_about": (
            "Time-zone abbreviations and their UTC offsets in minutes, generated by "
            "scripts/zone_abbreviations.py from the IANA tz database (public domain), sampled weekly "
            f"from {FIRST.date()} to {LAST.date()} over every zone of: {', '.join(sources)}. "
            "`fixed`: one offset everywhere and always; `periods`: one offset at any time, changing "
            "over the years ([first seen, last seen, offset]); `ambiguous`: several offsets at once."
        ),
        "sources": sources,
        "fixed": fixed,
        "periods": by_period,
        "ambiguous": ambiguous,
    }
    OUT.write_text(json.dumps(table, indent=1) + "\n", encoding="utf-8")
    print(f"{len(fixed)} fixed, {len(by_period)} by period, {len(ambiguous)} ambiguous -> {OUT}")


if __name__ == "__main__":
    main()
