"""Agencies (cơ quan, đơn vị) that answer petitions. Data, never code: levels differ by unit."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any, cast

from doithoai import lookup
from doithoai.db import log_event
from doithoai.errors import DoithoaiError, InvalidTransition, NotFound, fix
from doithoai.records import Agency
from doithoai.text import clean, fold

COLUMNS = ("code", "name", "kind", "email", "head", "aliases")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

# Starter lists, editable afterwards. Since 1/7/2025 there are two local levels.
PRESETS = {
    "xa": [
        ("UBND", "Ủy ban nhân dân xã", "chính quyền", ""),
        ("VP", "Văn phòng HĐND và UBND xã", "chính quyền", "vp hdnd-ubnd"),
        ("KT", "Phòng Kinh tế", "chuyên môn", "kinh te,tn&mt,tnmt,nn&ptnt,kt-ht"),
        ("VHXH", "Phòng Văn hóa - Xã hội", "chuyên môn", "ld-tb&xh,ldtbxh,van hoa xa hoi,gd&dt,y te"),
        ("HCC", "Trung tâm Phục vụ hành chính công xã", "chuyên môn", "mot cua,cchc,hanh chinh cong"),
        ("CA", "Công an xã", "lực lượng vũ trang", "cong an"),
        ("QS", "Ban Chỉ huy quân sự xã", "lực lượng vũ trang", "quan su"),
        ("MTTQ", "Ủy ban MTTQ Việt Nam xã", "mặt trận, đoàn thể", "mat tran,mttq"),
        ("TYT", "Trạm Y tế xã", "sự nghiệp", "tram y te"),
        ("DL", "Điện lực khu vực", "doanh nghiệp", "dien luc,evn"),
    ],
    "tinh": [
        ("VPUBND", "Văn phòng UBND tỉnh", "chính quyền", "vp ubnd"),
        ("SNNMT", "Sở Nông nghiệp và Môi trường", "sở, ngành", "tn&mt,tnmt,nn&ptnt,nnptnt,tai nguyen"),
        ("STC", "Sở Tài chính", "sở, ngành", "tai chinh,ke hoach dau tu,kh&dt"),
        ("SXD", "Sở Xây dựng", "sở, ngành", "xay dung,gtvt,giao thong"),
        ("SNV", "Sở Nội vụ", "sở, ngành", "noi vu,ld-tb&xh,ldtbxh"),
        ("SYT", "Sở Y tế", "sở, ngành", "y te"),
        ("SGDDT", "Sở Giáo dục và Đào tạo", "sở, ngành", "gd&dt,gddt"),
        ("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch", "sở, ngành", "vhttdl"),
        ("SCT", "Sở Công Thương", "sở, ngành", "cong thuong"),
        ("STP", "Sở Tư pháp", "sở, ngành", "tu phap"),
        ("TTT", "Thanh tra tỉnh", "sở, ngành", "thanh tra"),
        ("CAT", "Công an tỉnh", "lực lượng vũ trang", "cong an"),
        ("MTTQ", "Ủy ban MTTQ Việt Nam tỉnh", "mặt trận, đoàn thể", "mat tran,mttq"),
        ("PC", "Công ty Điện lực tỉnh", "doanh nghiệp", "dien luc,evn"),
    ],
}


def _check_code(code: str) -> str:
    code = clean(code).upper()
    if not code or " " in code or len(code) > 30:
        raise DoithoaiError(
            f"Mã cơ quan '{code}' không hợp lệ.",
            "Mã là một từ ngắn không có dấu cách, ví dụ TNMT hoặc UBND-XA.",
        )
    return code


def _check_email(email: str) -> str:
    email = clean(email)
    if email and not _EMAIL.match(email):
        raise DoithoaiError(f"Địa chỉ thư điện tử '{email}' không hợp lệ.", "Ví dụ: vanphong@laichau.gov.vn.")
    return email


def list_all(db, include_inactive: bool = True) -> list[Agency]:
    where = "" if include_inactive else "WHERE active = 1"
    return cast(list[Agency], list(db.query(f"SELECT * FROM agencies {where} ORDER BY code")))


def get(db, code: str) -> Agency:
    row = db.execute("SELECT id FROM agencies WHERE code = ?", [clean(code).upper()]).fetchone()
    if not row:
        return resolve(db, code, active_only=False)
    return cast(Agency, db.row("SELECT * FROM agencies WHERE id = ?", [row[0]]))


_ABBREVIATIONS = (("ubnd", "uy ban nhan dan"), ("hdnd", "hoi dong nhan dan"), ("mttq", "mat tran to quoc"),
                  ("vp", "van phong"), ("tt", "trung tam"))


def _agency_forms(text: str) -> list[str]:
    """Written forms of an agency a clerk reads as one: "TN&MT", "TN-MT", "TN và MT" → "tnmt";
    "LĐ-TB&XH" → "ldtbxh"; "Phòng TN&MT" → also without "phòng"."""
    key = fold(text)
    forms = [key]
    for short, long in _ABBREVIATIONS:  # "UBND xã" is how "Ủy ban nhân dân xã" is written
        if re.search(rf"\b{short}\b", key):
            forms.append(re.sub(rf"\b{short}\b", long, key))
        if long in key:
            forms.append(key.replace(long, short))
    squeezed = re.sub(r"\s*(&|-|/|\bva\b)\s*", "", key).replace(".", "").replace(" ", "")
    forms.append(squeezed)
    for generic in ("phong ", "so ", "co quan ", "don vi ", "ban "):
        if key.startswith(generic):
            rest = key[len(generic):]
            forms += [rest, re.sub(r"\s*(&|-|/|\bva\b)\s*", "", rest).replace(".", "").replace(" ", "")]
    return list(dict.fromkeys(f for f in forms if f))


def match_agency(rows: list[Agency], text: str) -> tuple[Agency | None, list[Agency]]:
    """An exact code always wins (TNMT, tnmt), then an exact name or alias; then the written
    forms ("TN&MT", "LĐ-TB&XH"); "UBND xã" resolves to the one agency that is a commune's
    people's committee. Ambiguous text gives the candidates, never a silent pick."""
    forms = _agency_forms(text)
    by_code = [r for r in rows if fold(r["code"]).replace(" ", "") in forms]
    if len(by_code) == 1:
        return by_code[0], []
    if len(by_code) > 1:
        return None, by_code
    for form in forms:
        exact = [r for r in rows if form == r["name_fold"]
                 or form in {fold(a) for a in (r.get("aliases") or "").split(",") if a.strip()}
                 or form in {re.sub(r"[^a-z0-9]", "", fold(a)) for a in (r.get("aliases") or "").split(",") if a.strip()}]
        if len(exact) == 1:
            return exact[0], []
        if exact:
            return None, exact
    return lookup.find(rows, text)


def resolve(db, query: str, active_only: bool = True) -> Agency:
    """The agency a person means: an exact code always wins, then names, aliases and the
    written forms a clerk reads as one ("TN&MT", "LĐ-TB&XH", "UBND xã"); ambiguity is refused."""
    rows = list_all(db, include_inactive=not active_only)
    match, candidates = match_agency(rows, query)
    if match:
        return match
    if candidates:
        raise DoithoaiError(
            f"'{query}' khớp với nhiều cơ quan: {', '.join(r['code'] + ' ' + r['name'] for r in candidates)}.",
            "Dùng mã cơ quan để chỉ rõ.",
        )
    raise NotFound(
        f"Không có cơ quan '{query}'" + (" đang hoạt động." if active_only else "."),
        fix=fix("agency.list_or_add"),
    )


def add(db, code: str, name: str, kind: str = "", email: str = "", head: str = "", aliases: str = "") -> dict:
    code, name = _check_code(code), clean(name, "Tên cơ quan")
    if not name:
        raise DoithoaiError("Tên cơ quan không được để trống.", fix=fix("agency.add_name", code=code))
    if db.execute("SELECT 1 FROM agencies WHERE code = ?", [code]).fetchone():
        raise DoithoaiError(
            f"Mã cơ quan '{code}' đã có.",
            fix=fix("agency.edit", code=code),
        )
    row: dict[str, Any] = {"code": code, "name": name, "name_fold": fold(name), "kind": clean(kind, "Loại cơ quan"),
           "email": _check_email(email), "head": clean(head, "Thủ trưởng cơ quan"),
           "aliases": fold(clean(aliases, "Tên gọi khác"))}
    row["id"] = db.insert("agencies", row)
    log_event(db, "agency.add", "agencies", row["id"], None, {k: row[k] for k in COLUMNS})
    return row


def edit(db, code: str, **changes) -> dict:
    current: Mapping[str, Any] = get(db, code)  # read by column name below
    updates = {}
    for key, value in changes.items():
        if value is None:
            continue
        if key == "name":
            value = clean(value, "Tên cơ quan")
            if not value:
                raise DoithoaiError("Tên cơ quan không được để trống.", fix=fix("agency.keep_name"))
            updates["name_fold"] = fold(value)
        elif key in ("email", "head_email"):  # head_email: added by migration m008 (mail reminders)
            value = _check_email(value)
        elif key == "aliases":
            value = fold(clean(value, "Tên gọi khác"))
        else:
            value = clean(value, f"Trường {key} của cơ quan")
        updates[key] = value
    if not updates:
        raise DoithoaiError("Không có gì để sửa.", fix=fix("agency.edit_what"))
    sets = ", ".join(f"{k} = ?" for k in updates)
    db.execute(f"UPDATE agencies SET {sets} WHERE id = ?", [*updates.values(), current["id"]])
    log_event(db, "agency.edit", "agencies", current["id"],
              {k: current[k] for k in updates if k != "name_fold"}, {k: v for k, v in updates.items() if k != "name_fold"})
    return {**current, **updates}


def set_active(db, code: str, active: bool, *, today: dt.date, reassign_to: str | None = None) -> dict:
    """Activate or deactivate. An agency that still holds open petitions is deactivated only
    with `reassign_to`: its active assignments pass to that agency (same role, same due date)."""
    from doithoai import recompute, statuses

    current = get(db, code)
    if bool(current["active"]) == active:
        state = "đang hoạt động" if active else "đã ngừng"
        raise DoithoaiError(f"Cơ quan {current['code']} {state} rồi.", "Không cần làm gì thêm.")
    held = [] if active else [r[0] for r in db.execute(
        f"SELECT DISTINCT p.id FROM assignments x JOIN petitions p ON p.id = x.petition_id "
        f"WHERE x.agency_id = ? AND x.active = 1 AND {statuses.open_sql('p')} ORDER BY p.id", [current["id"]])]
    moved = []
    if held and not reassign_to:
        listed = ", ".join(map(str, held[:30])) + (" …" if len(held) > 30 else "")
        raise InvalidTransition(
            f"Cơ quan {current['code']} còn {len(held)} kiến nghị đang xử lý (số {listed}).",
            fix=fix("agency.deactivate_reassign", code=current["code"]))
    if held and reassign_to:  # (held without reassign_to was refused above)
        target = resolve(db, reassign_to)
        if target["id"] == current["id"]:
            raise DoithoaiError("Cơ quan nhận lại trùng với cơ quan ngừng hoạt động.", "Chọn một cơ quan khác.")
        on = today.isoformat()
        for pid in held:
            for x in db.query("SELECT * FROM assignments WHERE petition_id = ? AND agency_id = ? AND active = 1",
                              [pid, current["id"]]):
                db.execute("UPDATE assignments SET active = 0 WHERE id = ?", [x["id"]])
                already = db.execute("SELECT id, role FROM assignments WHERE petition_id = ? AND agency_id = ? AND active = 1",
                                     [pid, target["id"]]).fetchone()
                if already and not (x["role"] == "lead" and already[1] == "support"):
                    continue  # the target already takes part with this role or leads
                if already:  # it supported and now leads
                    db.execute("UPDATE assignments SET active = 0 WHERE id = ?", [already[0]])
                db.insert("assignments", {
                    "petition_id": pid, "agency_id": target["id"], "role": x["role"], "due_on": x["due_on"],
                    "due_rule": x["due_rule"] + f" (nhận lại từ {current['code']})", "manual_due": x["manual_due"],
                    "calendar_rev": x["calendar_rev"], "assigned_on": on})
            moved.append(pid)
        recompute.refresh_petition_due(db, f"id IN ({','.join('?' * len(moved))})", moved)
    db.execute("UPDATE agencies SET active = ? WHERE id = ?", [int(active), current["id"]])
    extra = {"reassigned_to": target["code"], "petitions": moved} if moved else {}
    log_event(db, "agency.activate" if active else "agency.deactivate", "agencies", current["id"],
              {"active": current["active"]}, {"active": int(active), **extra})
    return {**current, "active": int(active), "reassigned": moved}


def preset(db, level: str) -> tuple[int, int]:
    """Add a starter list; existing codes are left as they are. Returns (added, kept)."""
    if level not in PRESETS:
        raise DoithoaiError(f"Không có bộ mẫu '{level}'.", "Chọn xa hoặc tinh.")
    added = kept = 0
    for code, name, kind, aliases in PRESETS[level]:
        if db.execute("SELECT 1 FROM agencies WHERE code = ?", [code]).fetchone():
            kept += 1
        else:
            add(db, code, name, kind=kind, aliases=aliases)
            added += 1
    return added, kept


HEADER_SYNONYMS = {
    "ma": "code", "ma co quan": "code", "ma don vi": "code", "code": "code",
    "ten": "name", "ten co quan": "name", "co quan": "name", "ten co quan, don vi": "name",
    "co quan, don vi": "name", "ten don vi": "name", "name": "name",
    "loai": "kind", "loai co quan": "kind", "kind": "kind",
    "email": "email", "thu dien tu": "email", "dia chi thu dien tu": "email",
    "thu truong": "head", "nguoi dung dau": "head", "head": "head",
    "ten goi khac": "aliases", "viet tat": "aliases", "aliases": "aliases",
}


def import_file(db, path) -> dict:
    """Add or update agencies from a CSV/XLSX list, keyed on the code. All or nothing."""
    from pathlib import Path

    from doithoai.importing.tables import find_header, read_table

    path = Path(path)
    header_row, mapping, _, rows = find_header(read_table(path), HEADER_SYNONYMS, ("code", "name"), path,
                                               labels={"code": "Mã", "name": "Tên cơ quan"})
    column_of = {v: k for k, v in mapping.items()}
    problems, records = [], []
    for number, values in rows:
        record = {f: clean(values[i]) if i < len(values) and values[i] is not None else "" for i, f in mapping.items()}
        if not any(record.values()):
            continue
        for f in ("code", "name"):
            if not record.get(f):
                problems.append(f"{path}:{number}:{column_of[f] + 1}: thiếu {'mã' if f == 'code' else 'tên'} cơ quan")
        try:
            if record.get("code"):
                record["code"] = _check_code(record["code"])
            record["email"] = _check_email(record.get("email", ""))
        except DoithoaiError as e:
            problems.append(f"{path}:{number}: {e.message}")
        records.append(record)
    if problems:
        raise DoithoaiError("Danh sách cơ quan có lỗi, chưa ghi gì:\n  " + "\n  ".join(problems),
                            "Sửa các ô đã nêu rồi nhập lại.")
    if not records:
        raise DoithoaiError(f"{path}: không có dòng dữ liệu nào dưới dòng tiêu đề (dòng {header_row}).",
                            "Điền danh sách cơ quan dưới dòng tiêu đề.")
    added = updated = unchanged = 0
    for record in records:
        existing = db.execute("SELECT id FROM agencies WHERE code = ?", [record["code"]]).fetchone()
        if existing is None:
            add(db, **record)
            added += 1
        else:
            current: Mapping[str, Any] = get(db, record["code"])  # read by column name below
            changes = {k: v for k, v in record.items() if k != "code" and v and (fold(v) if k == "aliases" else v) != current[k]}
            if changes:
                edit(db, record["code"], **changes)
                updated += 1
            else:
                unchanged += 1
    return {"added": added, "updated": updated, "unchanged": unchanged}
