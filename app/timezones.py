"""The time zones people pick from: the canonical IANA names only.

The IANA database lists every zone it keeps in zone1970.tab and zone.tab, one a line with
its country (the UTC zone aside); the other names it knows are links kept for old data:
US/Eastern, Asia/Calcutta, Etc/GMT+5, "Cuba". Pickers offer the listed zones and UTC; a
name stored before, alias or not, is still accepted and shown as it is.

Plain Python: no Flask.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from pathlib import Path
from zoneinfo import TZPATH, available_timezones

TABLES = ("zone1970.tab", "zone.tab")


def zones_in_table(lines: Iterable[str]) -> set[str]:
    """The zone names of a zone.tab or zone1970.tab: the third column of each line."""
    names = set()
    for line in lines:
        columns = line.split("\t")
        if not line.startswith("#") and len(columns) >= 3:
            names.add(columns[2].strip())
    return names


def _table_lines(name: str) -> list[str]:
    """A table's lines from the tzdata package, else from the system's zone folders."""
    try:
        return (resources.files("tzdata.zoneinfo") / name).read_text(encoding="utf-8").splitlines()
    except (ModuleNotFoundError, FileNotFoundError):
        pass
    for folder in TZPATH:
        path = Path(folder) / name
        if path.is_file():
            return path.read_text(encoding="utf-8").splitlines()
    return []


@lru_cache(maxsize=1)
def canonical_zones() -> tuple[str, ...]:
    """The zones to offer, sorted: the IANA tables' zones this Python knows, and UTC."""
    listed = set().union(*(zones_in_table(_table_lines(name)) for name in TABLES))
    known = available_timezones()
    return tuple(sorted((listed & known) | {"UTC"}))


def zone_choices(current: str | None = None) -> list[str]:
    """The zones a picker offers, with the person's stored zone kept when it is an alias."""
    zones = list(canonical_zones())
    if current and current not in zones:
        zones.insert(0, current)
    return zones
