"""Every unit on one PostgreSQL server, for a province that reads them all (`--all-units`).

Each unit is one schema holding a whole base (see pg.py). A province role with USAGE and SELECT
on the units' schemas opens the server once; `each_unit` points the connection at each unit in
turn, so every report runs its usual, unchanged SQL, and the caller names the unit on each row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from doithoai.errors import DoithoaiError


def open_server(target):
    """The server of `target` (a PostgreSQL URL; its `?unit=`, if any, is not needed)."""
    from doithoai import dialect

    if not dialect.is_url(str(target)):
        raise DoithoaiError(
            "Tổng hợp mọi đơn vị chỉ có khi cơ sở dữ liệu nằm trên máy chủ PostgreSQL (mỗi đơn vị một lược đồ); "
            f"{target} là một tệp, chỉ chứa một đơn vị.",
            "Chỉ địa chỉ máy chủ PostgreSQL cho cơ sở dữ liệu, hoặc bỏ tùy chọn tổng hợp mọi đơn vị.")
    from doithoai import pg

    conninfo, _ = dialect.split_url(str(target))
    return pg.connect(conninfo)


def unit_schemas(db) -> list[str]:
    """The schemas holding a doithoai base that this role may read, by name."""
    return [r[0] for r in db.execute(
        "SELECT n.nspname FROM pg_namespace n JOIN pg_class c ON c.relnamespace = n.oid "
        "WHERE c.relname = '_sqlite_migrations' AND c.relkind = 'r' "
        "AND has_schema_privilege(n.oid, 'USAGE') AND has_table_privilege(c.oid, 'SELECT') "
        "ORDER BY n.nspname").fetchall()]


def each_unit(db) -> Iterator[tuple[str, str]]:
    """(unit code, unit name) for every readable unit, the connection pointed at it meanwhile."""
    schemas = unit_schemas(db)
    if not schemas:
        raise DoithoaiError(f"Máy chủ {db.path} chưa có đơn vị nào mà tài khoản này đọc được.",
                            "Hỏi quản trị viên cấp quyền đọc (GRANT USAGE, SELECT) trên lược đồ của các đơn vị.")
    for schema in schemas:
        db.pgconn.raw.execute(f'SET search_path = "{schema}", public')
        db.calendar = None  # each unit keeps its own working-day calendar
        db._with_id = None
        db.sealed = True
        row = db.execute("SELECT value FROM settings WHERE key = 'unit.name'").fetchone()
        yield schema.replace("_", "-"), (row[0] if row else schema)


def overdue(db, as_of: dt.date, **filters) -> list[dict]:
    """Overdue petitions of every unit, each row naming its unit, oldest due date first."""
    from doithoai import reports

    rows: list[dict] = []
    for code, name in each_unit(db):
        rows += [{"unit": code, "unit_name": name, **r} for r in reports.overdue(db, as_of, **filters)]
    rows.sort(key=lambda r: (r["due_on"] or "", r["unit"], r["id"]))
    return rows


def totals(rows: list[dict]) -> list[dict]:
    """Overdue counts per unit and lead agency."""
    from doithoai import reports

    out: list[dict] = []
    for unit in sorted({r["unit"] for r in rows}):
        mine = [r for r in rows if r["unit"] == unit]
        out += [{"unit": unit, **t} for t in reports.totals_by_agency(mine)]
    return out


def summary(db, as_of: dt.date) -> list[dict]:
    """One line per unit: its totals, overdue, written answers and on-time share."""
    from doithoai import reports

    lines = []
    for code, name in each_unit(db):
        data = reports.summary(db, as_of)
        lines.append({"unit": code, "unit_name": name, "total": data["total"], "overdue": data["overdue"],
                      "written_answers": data["written_answers"], "answered_on_time": data["answered_on_time"],
                      "on_time_share": data["on_time_share"]})
    return lines
