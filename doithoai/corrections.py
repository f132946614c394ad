"""Corrections that keep the trail: edit a petition or a petitioner, withdraw and restore,
merge and unmerge duplicates, list and undo import batches.

Every correction runs in the caller's transaction and leaves one event with before/after.
Personal data (names, addresses, phones) never enters the event log: a change to it is logged
by field name only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from doithoai import intake, recompute, sessions, statuses
from doithoai.db import log_event, now_utc, os_user
from doithoai.errors import DoithoaiError, InvalidTransition, NotFound, fix
from doithoai.petition_actions import record_action, session_open
from doithoai.petitions import check_text, get
from doithoai.text import clean, fold, normalise_phone, vn_date
from doithoai.vocabulary import parse_source, parse_urgency

PERSONAL = ("name", "address", "phone")


def _person_value(key: str, value: str) -> str:
    """A petitioner's name, address or phone, checked as intake checks them."""
    if key == "phone":
        return normalise_phone(value)
    label = {"name": "Họ tên người kiến nghị", "address": "Địa chỉ"}[key]
    return check_text(value, label, required=key == "name", limit=intake.LIMITS[key])


def issued_documents(db, petition_ids: list[int], session_id: int | None = None, cites: Sequence[str] = ()) -> list[dict]:
    """Issued documents (not replaced) about these petitions or their session; with `cites`,
    only those whose issued text contains one of these old values (a document kept before the
    register stored its bytes is listed, as it cannot be read)."""
    if not petition_ids and session_id is None:
        return []
    marks = ",".join("?" * len(petition_ids)) or "NULL"
    columns = {r[1] for r in db.execute("PRAGMA table_info(documents)")}
    rows = list(db.query(
        f"SELECT id, kind, number_text, doc_date, path{', content' if 'content' in columns else ''} FROM documents "
        f"WHERE (petition_id IN ({marks})" + (" OR session_id = ?" if session_id is not None else "") + ")"
        + (" AND status = 'issued'" if "status" in columns else "") + " ORDER BY id",
        [*petition_ids, *([session_id] if session_id is not None else [])]))
    wanted = [fold(c) for c in cites if clean(c)]
    out = []
    for r in rows:
        content = r.pop("content", None)
        if wanted and content is not None:
            text = fold(_docx_text(bytes(content)))
            if not any(w in text for w in wanted):
                continue
        out.append(r)
    return out


def _docx_text(data: bytes) -> str:
    import html
    import io
    import re
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            xml = z.read("word/document.xml").decode("utf-8", errors="replace")
    except (zipfile.BadZipFile, KeyError):
        return ""
    xml = re.sub(r"</w:p>", " ", xml)
    return html.unescape(re.sub(r"<[^>]+>", "", xml))


# -- petition edit ---------------------------------------------------------------------------

def edit(db, today: dt.date, pid: int, **changes) -> dict:
    """Change what was recorded at intake. Returns {id, changed: {field: (old, new)}, documents}."""
    p = get(db, pid)
    session_open(db, p)
    changes = {k: v for k, v in changes.items() if v is not None}
    if not changes:
        raise DoithoaiError("Không có gì thay đổi.", "Nêu ít nhất một trường cần sửa.")
    person = db.row("SELECT name, address, phone FROM petitioners WHERE id = ?", [p["petitioner_id"]])
    updates: dict[str, object] = {}
    if "content" in changes:
        updates["content"] = check_text(changes["content"], "Nội dung kiến nghị")
        updates["content_fold"] = fold(updates["content"])
    if "field" in changes:
        vocab = intake.Vocabulary(db, sessions.get(db, p["session_id"]))
        try:
            updates["field_id"] = vocab.field_id(clean(changes["field"]))
        except ValueError as e:
            raise DoithoaiError(f"Lĩnh vực: {e}.", "Ghi tên, mã hoặc tên gọi khác của lĩnh vực.") from None
    if "urgency" in changes:
        updates["urgency"] = parse_urgency(changes["urgency"])
    if "source" in changes:
        updates["source"] = parse_source(changes["source"])
    if "form_no" in changes:
        updates["form_no"] = check_text(changes["form_no"], "Số phiếu", required=False, limit=intake.LIMITS["form_no"])
    if "registered_on" in changes:
        day = changes["registered_on"]
        if day > today:
            raise DoithoaiError(f"Ngày đăng ký {vn_date(day)} ở tương lai.", "Kiểm tra lại ngày.")
        answered = db.execute("SELECT MIN(doc_date) FROM actions WHERE petition_id = ? AND kind = 'answer_written'",
                              [p["id"]]).fetchone()[0]
        if answered and day.isoformat() > answered:
            raise DoithoaiError(f"Ngày đăng ký {vn_date(day)} sau ngày văn bản trả lời {vn_date(answered)}.",
                                "Một kiến nghị không thể được trả lời trước khi tiếp nhận; kiểm tra lại ngày.")
        updates["registered_on"] = day.isoformat()
    if "speak_order" in changes:
        order = changes["speak_order"]
        if order is not None and order <= 0:
            raise DoithoaiError(f"Thứ tự phát biểu phải là số dương, nhận được {order}.", "Ví dụ 3; 0 không hợp lệ.")
        taken = db.execute("SELECT id FROM petitions WHERE session_id = ? AND speak_order = ? AND id <> ?",
                           [p["session_id"], order, p["id"]]).fetchone()
        if taken:
            raise DoithoaiError(f"Thứ tự phát biểu {order} đã dành cho kiến nghị số {taken[0]}.",
                                f"Đổi thứ tự của kiến nghị số {taken[0]} trước, hoặc chọn thứ tự khác.")
        updates["speak_order"], updates["speak"] = order, 1
    if "session" in changes:
        target = sessions.get(db, changes["session"])
        if target["status"] in ("closed", "cancelled"):
            raise InvalidTransition(f"Cuộc đối thoại {target['code']} không nhận thêm kiến nghị.", "Chọn cuộc đối thoại khác.")
        if db.execute("SELECT 1 FROM assignments WHERE petition_id = ?", [p["id"]]).fetchone():
            raise InvalidTransition(f"Kiến nghị số {p['id']} đã được giao xử lý; không chuyển sang cuộc đối thoại khác được.",
                                    "Chỉ chuyển kiến nghị chưa giao (ví dụ nhập nhầm cuộc đối thoại).")
        if target["id"] != p["session_id"]:
            updates["session_id"] = target["id"]
            if p["speak_order"] is not None:
                top = db.execute("SELECT MAX(speak_order) FROM petitions WHERE session_id = ?", [target["id"]]).fetchone()[0]
                updates["speak_order"] = (top or 0) + 1
    new_person = {}
    for key in PERSONAL:
        if key in changes:
            value = _person_value(key, changes[key])
            if value != person[key]:
                new_person[key] = value
    row: Mapping[str, Any] = p  # read by column name
    changed = {k: (row[k], v) for k, v in updates.items() if row[k] != v and k != "content_fold"}
    if not changed and not new_person:
        raise DoithoaiError("Các giá trị mới giống hệt giá trị đang lưu; không có gì thay đổi.", "Kiểm tra lại giá trị cần sửa.")
    if changed:
        sets = ", ".join(f"{k} = ?" for k in updates)
        db.execute(f"UPDATE petitions SET {sets} WHERE id = ?", [*updates.values(), p["id"]])
        if "session_id" in updates:
            recompute.refresh_petition_due(db, "id = ?", [p["id"]])
    shared = 0
    if new_person:
        shared = _edit_person(db, p["petitioner_id"], new_person)
    log_event(db, "petition.edit", "petitions", p["id"], {k: v[0] for k, v in changed.items()},
              {**{k: v[1] for k, v in changed.items()}, **({"petitioner_fields": sorted(new_person)} if new_person else {})})
    old_values = [str(changed[k][0]) for k in ("content",) if k in changed] + [person[k] for k in new_person]
    if "field_id" in changed and changed["field_id"][0]:
        old_values.append(db.execute("SELECT name FROM fields WHERE id = ?", [changed["field_id"][0]]).fetchone()[0])
    docs = issued_documents(db, [p["id"]], p["session_id"], cites=old_values) if old_values else []
    return {"id": p["id"], "changed": {k: v for k, v in changed.items()},
            "petitioner_changed": sorted(new_person), "other_petitions_of_petitioner": shared, "documents": docs}


def _edit_person(db, petitioner_id: int, new: dict) -> int:
    """Update a petitioner; refuse when the new identity is someone else's. Returns how many
    other petitions share this petitioner (they see the correction too)."""
    current = db.row("SELECT * FROM petitioners WHERE id = ?", [petitioner_id])
    merged = {**current, **new}
    name_fold = fold(merged["name"])
    clash = db.execute(
        "SELECT id FROM petitioners WHERE id <> ? AND name_fold = ? AND phone = ? AND (? <> '' OR address = ?)",
        [petitioner_id, name_fold, merged["phone"], merged["phone"], merged["address"]]).fetchone()
    if clash:
        raise DoithoaiError(f"Đã có người kiến nghị số {clash[0]} cùng họ tên và số điện thoại/địa chỉ này.",
                            fix=fix("petitioner.merge", keep=clash[0], other=petitioner_id))
    db.execute("UPDATE petitioners SET name = ?, name_fold = ?, address = ?, phone = ? WHERE id = ?",
               [merged["name"], name_fold, merged["address"], merged["phone"], petitioner_id])
    return db.execute(f"SELECT COUNT(*) - 1 FROM petitions p WHERE p.petitioner_id = ? AND {statuses.counted_sql('p')}",
                      [petitioner_id]).fetchone()[0]


def edit_petitioner(db, petitioner_id: int, **changes) -> dict:
    current = _petitioner(db, petitioner_id)
    new = {}
    for key, value in changes.items():
        if value is None:
            continue
        value = _person_value(key, value)
        if value != current[key]:
            new[key] = value
    if not new:
        raise DoithoaiError("Không có gì thay đổi.", "Nêu họ tên, địa chỉ hoặc số điện thoại mới.")
    closed = db.execute("SELECT COUNT(*) FROM petitions p JOIN sessions s ON s.id = p.session_id "
                        "WHERE p.petitioner_id = ? AND s.status = 'closed'", [petitioner_id]).fetchone()[0]
    if closed:
        raise InvalidTransition(f"Người kiến nghị số {petitioner_id} có {closed} kiến nghị trong hồ sơ đã kết thúc, lưu trữ.",
                                "Hồ sơ đã đóng là bản lưu chính thức; không sửa được.")
    petitions_count = _edit_person(db, petitioner_id, new) + 1
    log_event(db, "petitioner.edit", "petitioners", petitioner_id, None, {"fields": sorted(new)})
    ids = [r[0] for r in db.execute("SELECT id FROM petitions WHERE petitioner_id = ?", [petitioner_id])]
    return {"id": petitioner_id, "changed": sorted(new), "petitions": petitions_count, "documents": issued_documents(db, ids)}


def _petitioner(db, petitioner_id: int) -> dict:
    rows = db.query("SELECT * FROM petitioners WHERE id = ?", [petitioner_id])
    if not rows:
        raise NotFound(f"Không có người kiến nghị số {petitioner_id}.",
                       fix=fix("petition.show_petitioner"))
    return rows[0]


def merge_petitioners(db, keep: int, other: int) -> dict:
    """One person recorded twice: the other's petitions move to the kept record."""
    if keep == other:
        raise DoithoaiError("Hai số người kiến nghị giống nhau.", "Nêu hai người khác nhau: GIỮ và GỘP.")
    a, b = _petitioner(db, keep), _petitioner(db, other)
    moved = [r[0] for r in db.execute("SELECT id FROM petitions WHERE petitioner_id = ?", [b["id"]])]
    db.execute("UPDATE petitions SET petitioner_id = ? WHERE petitioner_id = ?", [a["id"], b["id"]])
    db.execute("DELETE FROM petitioners WHERE id = ?", [b["id"]])
    log_event(db, "petitioner.merge", "petitioners", a["id"], {"other": b["id"]}, {"petitions_moved": moved})
    return {"id": a["id"], "merged": b["id"], "petitions_moved": moved}


# -- withdraw / restore ------------------------------------------------------------------------

def withdraw(db, today: dt.date, pid: int, *, reason: str, mistake: bool = False) -> dict:
    """Rút đơn, or entered by mistake: kept in history, out of every count, report and document."""
    p = get(db, pid)
    session_open(db, p)
    if p["status"] in statuses.SET_ASIDE:
        raise InvalidTransition(f"Kiến nghị số {p['id']} đã ở trạng thái '{statuses.LABELS[p['status']]}'.",
                                "Không cần rút lại.")
    reason = check_text(reason, "Lý do rút")
    why = ("Nhập nhầm: " if mistake else "Rút đơn: ") + reason
    statuses.check_move(p["id"], p["status"], "withdrawn")
    record_action(db, p["id"], "withdraw", today, summary=why)
    db.execute("UPDATE petitions SET status = 'withdrawn', status_before = ?, set_aside_reason = ? WHERE id = ?",
               [p["status"], why, p["id"]])
    log_event(db, "petition.withdraw", "petitions", p["id"], {"status": p["status"]},
              {"status": "withdrawn", "reason": why})
    return {"id": p["id"], "status": "withdrawn", "reason": why}


def restore(db, today: dt.date, pid: int, *, reason: str) -> dict:
    """Undo a withdrawal: the petition takes back the status it had."""
    p = get(db, pid)
    session_open(db, p)
    if p["status"] != "withdrawn":
        raise InvalidTransition(f"Kiến nghị số {p['id']} không ở trạng thái đã rút.",
                                "Chỉ khôi phục kiến nghị đã rút hoặc nhập nhầm.")
    if p["stable_key"].startswith("undone:"):
        raise InvalidTransition(f"Kiến nghị số {p['id']} thuộc một lô nhập đã hủy.",
                                "Nhập lại tệp (đã sửa) vào đúng cuộc đối thoại thay vì khôi phục từng kiến nghị.")
    reason = check_text(reason, "Lý do khôi phục")
    back = p["status_before"] or "new"
    statuses.check_move(p["id"], p["status"], back)
    record_action(db, p["id"], "restore", today, summary=reason)
    db.execute("UPDATE petitions SET status = ?, status_before = NULL, set_aside_reason = '' WHERE id = ?", [back, p["id"]])
    log_event(db, "petition.restore", "petitions", p["id"], {"status": "withdrawn"}, {"status": back, "reason": reason})
    return {"id": p["id"], "status": back}


# -- duplicates --------------------------------------------------------------------------------

def duplicates(db, session: str | None = None) -> list[dict]:
    """Open duplicate flags: the newer petition, the earlier one it looks like."""
    where, params = "", []
    if session:
        where, params = " AND (p.session_id = ? OR o.session_id = ?)", [sessions.get(db, session)["id"]] * 2
    return list(db.query(
        f"""SELECT f.petition_id AS id, ps.code AS session, pr.name AS petitioner, p.content, p.status,
                   f.other_id AS earlier_id, os.code AS earlier_session, o.content AS earlier_content, o.status AS earlier_status
            FROM duplicate_flags f
            JOIN petitions p ON p.id = f.petition_id JOIN sessions ps ON ps.id = p.session_id
            JOIN petitioners pr ON pr.id = p.petitioner_id
            JOIN petitions o ON o.id = f.other_id JOIN sessions os ON os.id = o.session_id
            WHERE f.state = 'open' AND {statuses.counted_sql('p')} AND {statuses.counted_sql('o')}{where}
            ORDER BY f.petition_id, f.other_id""", params))


def merge(db, today: dt.date, keep: int, other: int) -> dict:
    """OTHER is the same petition as KEEP: closed as a duplicate pointing to KEEP, kept in history."""
    if keep == other:
        raise DoithoaiError("Hai số kiến nghị giống nhau.", "Nêu kiến nghị giữ lại và kiến nghị trùng: GIỮ TRÙNG.")
    a, b = get(db, keep), get(db, other)
    for x in (a, b):
        session_open(db, x)
        if x["status"] in statuses.SET_ASIDE:
            raise InvalidTransition(f"Kiến nghị số {x['id']} đang ở trạng thái '{statuses.LABELS[x['status']]}'.",
                                    "Chỉ gộp hai kiến nghị đang được tính.")
    if b["status"] not in statuses.OPEN:
        raise InvalidTransition(
            f"Kiến nghị số {b['id']} đã có kết quả ('{statuses.LABELS[b['status']]}'); không gộp vào kiến nghị khác được.",
            f"Gộp theo chiều ngược lại: giữ số {b['id']}, gộp số {a['id']}.")
    statuses.check_move(b["id"], b["status"], "duplicate")
    record_action(db, b["id"], "merge", today, summary=f"Trùng với kiến nghị số {a['id']}")
    db.execute("UPDATE petitions SET status = 'duplicate', status_before = ?, duplicate_of = ?, "
               "set_aside_reason = ? WHERE id = ?", [b["status"], a["id"], f"Trùng với kiến nghị số {a['id']}", b["id"]])
    db.execute("UPDATE duplicate_flags SET state = 'merged', decided_at = ? WHERE "
               "(petition_id = ? AND other_id = ?) OR (petition_id = ? AND other_id = ?)",
               [now_utc(), a["id"], b["id"], b["id"], a["id"]])
    log_event(db, "petition.merge", "petitions", b["id"], {"status": b["status"], "duplicate_of": None},
              {"status": "duplicate", "duplicate_of": a["id"]})
    return {"id": b["id"], "status": "duplicate", "duplicate_of": a["id"]}


def unmerge(db, today: dt.date, pid: int) -> dict:
    p = get(db, pid)
    session_open(db, p)
    if p["status"] != "duplicate":
        raise InvalidTransition(f"Kiến nghị số {p['id']} chưa được gộp vào kiến nghị nào.", "Không cần tách.")
    back = p["status_before"] or "new"
    statuses.check_move(p["id"], p["status"], back)
    record_action(db, p["id"], "unmerge", today, summary=f"Tách khỏi kiến nghị số {p['duplicate_of']}")
    db.execute("UPDATE petitions SET status = ?, status_before = NULL, duplicate_of = NULL, set_aside_reason = '' "
               "WHERE id = ?", [back, p["id"]])
    db.execute("UPDATE duplicate_flags SET state = 'unflagged', decided_at = ? WHERE state = 'merged' AND "
               "((petition_id = ? AND other_id = ?) OR (petition_id = ? AND other_id = ?))",
               [now_utc(), p["id"], p["duplicate_of"], p["duplicate_of"], p["id"]])
    log_event(db, "petition.unmerge", "petitions", p["id"], {"status": "duplicate", "duplicate_of": p["duplicate_of"]},
              {"status": back, "duplicate_of": None})
    return {"id": p["id"], "status": back, "was_duplicate_of": p["duplicate_of"]}


def unflag(db, pid: int, other: int | None = None) -> dict:
    """Not a duplicate: clear the open flags of a petition (or only the one with OTHER)."""
    p = get(db, pid)
    where, params = "state = 'open' AND (petition_id = ? OR other_id = ?)", [p["id"], p["id"]]
    if other is not None:
        where += " AND (petition_id = ? OR other_id = ?)"
        params += [other, other]
    pairs = [list(r) for r in db.execute(f"SELECT petition_id, other_id FROM duplicate_flags WHERE {where}", params)]
    if not pairs:
        raise DoithoaiError(f"Kiến nghị số {p['id']} không có đánh dấu nghi trùng nào đang mở.",
                            fix=fix("petition.duplicates"))
    db.execute(f"UPDATE duplicate_flags SET state = 'unflagged', decided_at = ? WHERE {where}", [now_utc(), *params])
    log_event(db, "petition.unflag", "petitions", p["id"], {"flags": pairs}, {"flags": []})
    return {"id": p["id"], "cleared": pairs}


# -- import batches ---------------------------------------------------------------------------

def batches(db, session: str | None = None) -> list[dict]:
    where, params = ("WHERE b.session_id = ?", [sessions.get(db, session)["id"]]) if session else ("", [])
    rows = list(db.query(
        f"""SELECT b.id, b.created_at, b.file, b.sheet, s.code AS session, b.rows_read, b.rows_new, b.rows_present,
                   b.rows_duplicate, b.rows_rejected, b.user, b.undone_at, b.undone_by, b.undo_reason,
                   (SELECT COUNT(*) FROM petitions p WHERE p.batch_id = b.id AND {statuses.counted_sql('p')}) AS petitions
            FROM import_batches b JOIN sessions s ON s.id = b.session_id {where} ORDER BY b.id""", params))
    for r in rows:
        r["state"] = "undone" if r["undone_at"] else "imported"
    return rows


def _acted_on(db, ids: list[int]) -> dict[int, list[str]]:
    """What happened to each petition beyond intake (assignment, action, document, reminder,
    a petition merged into it)."""
    out: dict[int, list[str]] = {}
    if not ids:
        return out
    for chunk in (ids[i:i + 900] for i in range(0, len(ids), 900)):
        marks = ",".join("?" * len(chunk))
        for label, sql in (
            ("đã giao", f"SELECT DISTINCT petition_id FROM assignments WHERE petition_id IN ({marks})"),
            ("đã có xử lý", f"SELECT DISTINCT petition_id FROM actions WHERE petition_id IN ({marks})"),
            ("có văn bản riêng", f"SELECT DISTINCT petition_id FROM documents WHERE petition_id IN ({marks})"),
            ("đã nhắc", f"SELECT DISTINCT petition_id FROM reminders WHERE petition_id IN ({marks})"),
            ("có kiến nghị khác gộp vào", f"SELECT DISTINCT duplicate_of FROM petitions WHERE duplicate_of IN ({marks})"),
            ("có kết luận", f"SELECT id FROM petitions WHERE id IN ({marks}) AND conclusion <> ''"),
        ):
            for (pid,) in db.execute(sql, chunk):
                out.setdefault(pid, []).append(label)
    return out


def undo_import(db, batch_id: int, *, reason: str = "") -> dict:
    """Take a batch's petitions out when none has been acted on beyond intake; the batch stays in
    `import list` as undone and its file can be imported again.

    The petitions are set aside as withdrawn (reason: the undone batch), not deleted: their
    numbers are never given to another petition, so the event log stays unambiguous. Their
    identity keys and speaking numbers are released."""
    rows = db.query("SELECT b.*, s.code, s.status AS session_status FROM import_batches b "
                    "JOIN sessions s ON s.id = b.session_id WHERE b.id = ?", [batch_id])
    if not rows:
        raise NotFound(f"Không có lô nhập số {batch_id}.", fix=fix("import.list"))
    b = rows[0]
    if b["undone_at"]:
        raise InvalidTransition(f"Lô nhập số {batch_id} ({b['file']}) đã được hủy lúc {b['undone_at']}.",
                                fix=fix("import.list_undone"))
    if b["session_status"] == "closed":
        raise InvalidTransition(f"Cuộc đối thoại {b['code']} đã kết thúc và lưu hồ sơ; không hủy lô nhập được.",
                                "Hồ sơ đã đóng là bản lưu chính thức.")
    ids = [r[0] for r in db.execute("SELECT id FROM petitions WHERE batch_id = ? ORDER BY id", [batch_id])]
    acted = _acted_on(db, ids)
    if acted:
        listed = "; ".join(f"số {pid}: {', '.join(why)}" for pid, why in sorted(acted.items())[:30])
        more = f"; … và {len(acted) - 30} kiến nghị khác" if len(acted) > 30 else ""
        raise InvalidTransition(
            f"Không hủy được lô nhập số {batch_id} ({b['file']}): {len(acted)} kiến nghị đã được xử lý sau khi tiếp nhận "
            f"({listed}{more}).",
            fix=fix("petition.withdraw_or_edit_acted"))
    docs = issued_documents(db, [], b["session_id"])
    why = f"Hủy lô nhập số {batch_id}" + (f": {clean(reason)}" if clean(reason) else "")
    if ids:
        for chunk in (ids[i:i + 900] for i in range(0, len(ids), 900)):
            marks = ",".join("?" * len(chunk))
            db.execute(f"UPDATE duplicate_flags SET state = 'unflagged', decided_at = ? WHERE state = 'open' AND "
                       f"(petition_id IN ({marks}) OR other_id IN ({marks}))", [now_utc(), *chunk, *chunk])
            db.execute(f"UPDATE petitions SET status = 'withdrawn', status_before = status, set_aside_reason = ?, "
                       f"speak_order = NULL, stable_key = 'undone:' || ? || ':' || stable_key WHERE id IN ({marks})",
                       [why, batch_id, *chunk])
    # the batch row stays (import list shows it as undone); its identity is released so the
    # same file can come again, into this session or the right one
    db.execute("UPDATE import_batches SET undone_at = ?, undone_by = ?, undo_reason = ?, "
               "sha256 = sha256 || '|undone:' || id WHERE id = ?", [now_utc(), os_user(), clean(reason), batch_id])
    log_event(db, "import.undo", "import_batches", batch_id, {"petitions": ids, "session": b["code"], "file": b["file"]},
              {"petitions": [], "withdrawn": ids, "reason": clean(reason)})
    return {"id": batch_id, "file": b["file"], "session": b["code"], "removed": len(ids), "documents": docs}
