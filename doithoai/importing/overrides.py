"""The government's yearly schedule of days off and make-up working days, from CSV/XLSX."""

from __future__ import annotations

from doithoai.deadlines import bump_calendar_rev, load_calendar
from doithoai.errors import DoithoaiError, fix
from doithoai.overrides import record
from doithoai.recompute import open_deadlines
from doithoai.text import clean, vn_date

OVERRIDE_HEADERS = {
    "ngay": "date", "date": "date", "loai": "kind", "kind": "kind", "ly do": "reason", "noi dung": "reason",
    "reason": "reason", "van ban": "source", "can cu": "source", "van ban can cu": "source", "source": "source",
}
_KINDS = {"nghi": "off", "ngay nghi": "off", "nghi bu": "off", "off": "off", "lam": "work", "lam bu": "work",
          "ngay lam viec": "work", "lam viec": "work", "work": "work"}


def import_overrides(db, path) -> list[dict]:
    """Load the government's yearly schedule of days off and make-up days from CSV/XLSX
    (columns Ngày, Loại, Lý do, Văn bản). All or nothing; returns the deadlines that moved."""
    from pathlib import Path

    from doithoai.importing.tables import find_header, read_table
    from doithoai.text import fold, parse_date

    path = Path(path)
    _, mapping, _headers, rows = find_header(read_table(path), OVERRIDE_HEADERS, ("date", "kind", "reason"), path,
                                            labels={"date": "Ngày", "kind": "Loại", "reason": "Lý do"})
    col = {f: i for i, f in mapping.items()}
    problems: list[str] = []
    adjusted = False  # a day the unit had adjusted before: the fix also says how to remove it
    items: list = []
    seen: dict = {}
    existing = {r[0] for r in db.execute("SELECT date FROM calendar_overrides")}
    cal = load_calendar(db)
    for number, values in rows:
        cell = {f: clean(values[i]) if i < len(values) and values[i] is not None else "" for f, i in col.items()}
        if not any(cell.values()):
            continue
        where = f"{path}:{number}"
        try:
            day = parse_date(values[col["date"]] if col["date"] < len(values) else "", "ngày")
        except DoithoaiError as e:
            problems.append(f"{where}: {e.message}")
            continue
        kind = _KINDS.get(fold(cell.get("kind", "")))
        if kind is None:
            problems.append(f"{where}: loại '{cell.get('kind', '')}' không rõ; ghi \"nghỉ\" hoặc \"làm bù\"")
            continue
        if not cell.get("reason"):
            problems.append(f"{where}: thiếu lý do")
            continue
        if day.isoformat() in existing:
            problems.append(f"{where}: ngày {vn_date(day)} đã được điều chỉnh trước đó")
            adjusted = True
            continue
        if day in seen:
            problems.append(f"{where}: ngày {vn_date(day)} lặp lại (đã có ở dòng {seen[day]})")
            continue
        if cal.is_working_day(day) == (kind == "work"):
            problems.append(f"{where}: ngày {vn_date(day)} vốn đã là {'ngày làm việc' if kind == 'work' else 'ngày nghỉ'}")
            continue
        seen[day] = number
        items.append((day, kind, cell["reason"], cell.get("source", "")))
    if problems:
        raise DoithoaiError("Lịch điều chỉnh có lỗi, chưa ghi gì:\n  " + "\n  ".join(problems),
                            "Sửa các dòng đã nêu rồi nhập lại.", fix=fix("calendar.remove_to_replace") if adjusted else None)
    if not items:
        raise DoithoaiError(f"{path}: không có dòng dữ liệu nào.", "Mỗi dòng: Ngày, Loại (nghỉ/làm bù), Lý do, Văn bản.")
    for day, kind, reason, source in items:
        record(db, day, kind, reason, source)
    bump_calendar_rev(db)
    return open_deadlines(db)
