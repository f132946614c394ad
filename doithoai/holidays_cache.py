"""holidays.VN for the years a calendar needs, from a cache file per installed release.

Importing `holidays` and computing a year costs ~70 ms; reading the cache ~1 ms, so ordinary
commands never import the package. The cache holds only the package's own data, never the
unit's overrides, so it cannot go stale within a release.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from doithoai.errors import DoithoaiError


def holidays_version() -> str | None:
    """The installed holidays release, read from its dist-info folder name (no import)."""
    import importlib.util

    spec = importlib.util.find_spec("holidays")
    if spec is None or not spec.origin:
        return None
    for info in Path(spec.origin).parent.parent.glob("holidays-*.dist-info"):
        return info.name[len("holidays-"):-len(".dist-info")]
    return None


def _cache_file(version: str) -> Path:
    import os
    import tempfile

    base = os.environ.get("XDG_CACHE_HOME") or (str(Path.home() / ".cache") if os.environ.get("HOME") else tempfile.gettempdir())
    return Path(base) / "doithoai" / f"holidays-vn-{version}.json"


def cached_vn_holidays(first_year: int, last_year: int) -> tuple[dict[dt.date, str], set[dt.date]]:
    """(holiday names, make-up working days) of holidays.VN for these years, from the cache
    file of the installed release when it has them."""
    import json

    from doithoai.workdays import vn_holidays

    version = holidays_version()
    if version is None:
        return vn_holidays(first_year, last_year)
    path = _cache_file(version)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    years = [str(y) for y in range(first_year, last_year + 1)]
    if not all(y in data for y in years):
        names, makeup = vn_holidays(first_year, last_year)
        for y in years:
            data[y] = {"holidays": {d.isoformat(): n for d, n in names.items() if d.year == int(y)},
                       "makeup": sorted(d.isoformat() for d in makeup if d.year == int(y))}
        try:  # best effort: a read-only home only costs speed
            from doithoai.fileio import write_atomic

            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, json.dumps(data, ensure_ascii=False).encode("utf-8"))
        except (OSError, DoithoaiError):
            pass
    names = {dt.date.fromisoformat(d): n for y in years for d, n in data[y]["holidays"].items()}
    makeup = {dt.date.fromisoformat(d) for y in years for d in data[y]["makeup"]}
    return names, makeup
