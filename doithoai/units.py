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


def dashboard(db, as_of: dt.date, path, public: bool = False) -> dict:
    """One self-contained page for the province: a table of the units first, then each unit's
    own dashboard (the page `report dashboard` draws for it), one printed page each."""
    import html

    from doithoai import dashboard as board
    from doithoai.fileio import write_atomic
    from doithoai.text import vn_date

    pages, lines = [], []
    for code, name in each_unit(db):
        data = board.build(db, as_of, public)
        page = board.render(data)
        pages.append(page[page.index('<div class="page">'):page.rindex("</body>")])
        s = data["summary"]
        lines.append({"unit": code, "unit_name": name, "total": s["total"], "open": data["open"], "overdue": s["overdue"],
                      "on_time_share": s["on_time_share"]})

    def cell(value, numeric=False):
        return f'<td class="{"n" if numeric else "txt"}">{html.escape(str(value))}</td>'

    def share(value) -> str:
        return "—" if value is None else f"{value * 100:.0f}%"

    rows = "".join(
        f'<tr data-unit="{html.escape(r["unit"])}">{cell(r["unit_name"])}<td class="nw">{html.escape(r["unit"])}</td>{cell(r["total"], True)}'
        f'{cell(r["open"], True)}{cell(r["overdue"], True)}{cell(share(r["on_time_share"]), True)}</tr>' for r in lines)
    total, overdue = sum(r["total"] for r in lines), sum(r["overdue"] for r in lines)
    overview = (f'<div class="page"><header><div><h1>Theo dõi giải quyết kiến nghị — các đơn vị</h1></div>'
                f'<div class="asof">Tính đến ngày <b>{vn_date(as_of)}</b>'
                f'{"<br><span class=public>Bản công khai</span>" if public else ""}</div></header>'
                f'<section><h2>{len(lines)} đơn vị <small>{total} kiến nghị, {overdue} quá hạn chưa trả lời</small></h2>'
                f'<table><tr><th>Đơn vị</th><th>Mã</th><th class="n">Tổng số</th><th class="n">Đang giải quyết</th>'
                f'<th class="n">Quá hạn</th><th class="n">Đúng hạn</th></tr>{rows}</table></section></div>')
    document = (f'<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8">'
                f'<meta name="viewport" content="width=device-width, initial-scale=1">'
                f'<title>Theo dõi giải quyết kiến nghị — các đơn vị — {vn_date(as_of)}</title>'
                f'<style>{board.CSS}\n.page{{break-after:page}}</style></head><body>{overview}{"".join(pages)}</body></html>\n')
    write_atomic(path, document.encode("utf-8"), mode=0o600)
    return {"as_of": as_of.isoformat(), "units": lines}
