"""Keeping the file safe: online backup, checks (incremental and full), restore."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
from pathlib import Path
from typing import Any

from doithoai import integrity
from doithoai.base import check_state_path, open_base
from doithoai.db import event_chain, now_utc
from doithoai.errors import DoithoaiError, fix

BACKUP_STEP_PAGES = 2048  # 8 MiB at 4 KiB pages: each step holds the read lock for milliseconds


# ------------------------------------------------------------------------------ backup

def backup(db, target: Path) -> dict:
    """SQLite's online backup API, in steps: a consistent copy while a clerk or cron writes.
    Beside the copy, `<copy>.json` (owner-only) records the anchor of the event chain."""
    from doithoai.fileio import create_private, sha256_file, write_atomic

    if db.engine == "postgresql":  # a unit on a server: backed up as a SQLite file
        from doithoai.transfer import backup_server

        return backup_server(db, target)
    target = Path(target)
    if target.exists():
        raise DoithoaiError(f"{target} đã có; không ghi đè bản sao lưu.", "Chọn tên tệp khác, ví dụ kèm ngày tháng.")
    if not target.parent.is_dir():
        raise DoithoaiError(f"Thư mục {target.parent} không tồn tại.", "Tạo thư mục trước.")
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        tmp.unlink(missing_ok=True)
        create_private(tmp)  # personal data: owner only; SQLite then writes the copy into it
        dest = sqlite3.connect(tmp)
        try:
            # One read snapshot held across the steps: in WAL mode writers go on committing, and
            # the copy is not restarted by every commit of another process (without the snapshot a
            # writer committing every few seconds starves the backup for ever).
            db.conn.execute("BEGIN")
            try:
                db.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
                db.conn.backup(dest, pages=BACKUP_STEP_PAGES, sleep=0.001)
            finally:
                db.conn.execute("ROLLBACK")
            dest.execute("PRAGMA journal_mode = DELETE")  # a single self-contained file
            anchor = integrity.head(dest)
            result = dest.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            dest.close()
        if result != "ok":
            raise sqlite3.DatabaseError(f"bản sao không qua quick_check: {result}")
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except (OSError, sqlite3.Error) as e:
        tmp.unlink(missing_ok=True)
        raise DoithoaiError(f"Không sao lưu được vào {target}: {e}.", "Kiểm tra dung lượng và quyền ghi của thư mục.") from None
    manifest = {"backup": target.name, "source": str(db.path), "created_at": now_utc(),
                "bytes": target.stat().st_size, "sha256": sha256_file(target),
                "anchor": integrity.anchor_text(anchor), **anchor}
    write_atomic(manifest_path(target), json.dumps(manifest, ensure_ascii=False, indent=2).encode("utf-8"),
                 what="manifest của bản sao lưu")
    integrity.append_anchor(db.path, anchor, "backup", file=str(target))
    return {"target": str(target), "bytes": manifest["bytes"], "anchor": manifest["anchor"]}


def manifest_path(backup_file: Path) -> Path:
    return Path(str(backup_file) + ".json")


# ------------------------------------------------------------------------------- check

def quick_check(db) -> list[str]:
    if db.dialect.QUICK_CHECK is None:
        return []
    try:
        result = [r[0] for r in db.execute(db.dialect.QUICK_CHECK).fetchall()]
    except sqlite3.DatabaseError as e:
        result = [str(e)]
    return [] if result == ["ok"] else ["Kiểm tra nhanh (quick_check) báo tệp hỏng: " + "; ".join(result[:5])]


def _schema(db) -> list[str]:
    from doithoai.migrations import NAMES

    problems = []
    applied = {r[0] for r in db.execute("SELECT name FROM _sqlite_migrations WHERE migration_set = 'doithoai'")}
    pending = [name for name in NAMES if name not in applied]
    if pending:
        problems.append(f"Lược đồ chưa cập nhật: thiếu {', '.join(pending)}.")
    unknown = sorted(applied - set(NAMES))
    if unknown:
        problems.append(f"Tệp được tạo bởi phiên bản doithoai mới hơn ({', '.join(unknown)}); hãy nâng cấp doithoai.")
    triggers = {r[0] for r in db.execute(db.dialect.TRIGGERS)}
    if not {"events_no_update", "events_no_delete"} <= triggers:
        problems.append("Nhật ký thay đổi không còn được bảo vệ (thiếu trigger chỉ-ghi-thêm): "
                        "ai đó đã xóa trigger để sửa hoặc xóa sự kiện.")
    watch = db.dialect.touched_triggers(integrity.TRACKED)
    if "m006_row_seals" in applied and not watch <= triggers:
        problems.append("Thiếu trigger ghi dấu thay đổi (" + ", ".join(sorted(watch - triggers)) +
                        "): ai đó đã xóa trigger để sửa dữ liệu mà không để lại dấu vết.")
    return problems


def _chain(db, start_id: int, start_chain: str) -> tuple[list[str], dict]:
    """Recompute the chain for the events after `start_id`. Returns problems and the head."""
    problems = []
    previous, expected_id = start_chain, start_id + 1
    last = {"event_id": start_id, "chain": start_chain}
    if start_id:
        row = db.execute("SELECT chain FROM events WHERE id = ?", [start_id]).fetchone()
        if row is None or row[0] != start_chain:
            problems.append(f"Nhật ký thay đổi bị sửa trước mốc đã kiểm: sự kiện số {start_id} "
                            + ("không còn." if row is None else "có mã băm khác mốc đã ghi."))
            return problems, last
    for row in db.execute("SELECT id, at, user, action, entity, entity_id, before, after, chain FROM events "
                          "WHERE id > ? ORDER BY id", [start_id]):
        if row[0] != expected_id:
            problems.append(f"Nhật ký thay đổi bị đứt: thiếu sự kiện số {expected_id} (sau đó là số {row[0]}).")
            break
        previous = event_chain(previous, row[1:8])
        if row[8] != previous:
            problems.append(f"Nhật ký thay đổi bị sửa: sự kiện số {row[0]} không khớp chuỗi băm.")
            break
        expected_id = row[0] + 1
        last = {"event_id": row[0], "chain": row[8]}
    return problems, last


def _register_anchors(db) -> list[dict]:
    """The chain head each issued document carries (in its .docx properties and the register)."""
    return [dict(integrity.parse_anchor(anchor), source=f"văn bản {number or kind} ngày {day}")
            for kind, number, day, anchor in db.execute(
                "SELECT kind, number_text, doc_date, anchor FROM documents WHERE anchor != '' ORDER BY id")]


def _anchors(db, anchors: list[dict], others: list[dict]) -> list[str]:
    """Every anchor recorded outside the base (the anchors file, plus `others`: a typed
    --anchor and the issued documents' anchors) must still be in the chain, unchanged."""
    problems = []
    head = integrity.head(db)
    checks = list(anchors) + others
    bad = []
    for a in checks:
        row = db.execute("SELECT chain FROM events WHERE id = ?", [a["event_id"]]).fetchone()
        if row is None:
            bad.append(f"mốc #{a['event_id']} ({a.get('source', '?')}, {a.get('at', '')}) không còn trong nhật ký "
                       f"— nhật ký chỉ còn tới sự kiện số {head['event_id']}: các sự kiện cuối đã bị xóa")
        elif row[0] != a["chain"]:
            bad.append(f"mốc #{a['event_id']} ({a.get('source', '?')}, {a.get('at', '')}) có mã băm khác — "
                       "nhật ký đã bị viết lại (kể cả khi chuỗi băm được tính lại)")
    if bad:
        problems.append("Nhật ký không khớp mốc lưu ngoài cơ sở dữ liệu: " + "; ".join(bad[:5])
                        + (f"; … và {len(bad) - 5} mốc khác" if len(bad) > 5 else "") + ".")
    newest = max((a["event_id"] for a in anchors), default=None)
    if newest is not None and head["event_id"] > newest:
        foreign = db.execute("SELECT count(*) FROM events WHERE id > ?", [newest]).fetchone()[0]
        problems.append(f"{foreign} sự kiện sau mốc mới nhất (#{newest}) không được doithoai neo: "
                        "có thể đã được ghi thêm từ ngoài công cụ.")
    return problems


def _touched(db) -> list[str]:
    problems = []
    rows: dict[str, set[int]] = {}
    for tbl, row_id in db.execute("SELECT tbl, row_id FROM row_touched"):
        rows.setdefault(tbl, set()).add(row_id)
    for tbl, ids in sorted(rows.items()):
        listed = sorted(ids)
        problems.append(f"Bảng {tbl} ({integrity.TABLE_LABELS.get(tbl, tbl)}): dòng bị thêm/sửa/xóa ngoài doithoai: "
                        + ", ".join(map(str, listed[:20])) + (f" … ({len(listed)} dòng)" if len(listed) > 20 else "") + ".")
    return problems


def _seal_events(db, after_id: int) -> tuple[list[str], set[int]]:
    """Each seal event's sha256 must match its row_seals entries; entries without a seal event are forged."""
    problems, events = [], {}
    for eid, after in db.execute("SELECT id, after FROM events WHERE action = ? AND id > ?",
                                 [integrity.SEAL_ACTION, after_id]):
        try:
            events[eid] = json.loads(after)["sha256"]
        except (ValueError, KeyError, TypeError):
            problems.append(f"Sự kiện niêm phong số {eid} không đọc được.")
    # streamed in the order seal_hash() uses, one hash per event: flat memory at any size
    import hashlib

    hashes: dict[int, str] = {}
    counts: dict[int, int] = {}
    if after_id == 0:
        # Every seal: the table read once in its own order (tbl, row_id, event_id), which gives
        # each event's entries in the (tbl, row_id) order its hash was made in. One hash object
        # per seal event, as `events` already holds one entry per seal event. (By event_id, each
        # entry would be a lookup from the event index into the table: millions at a province.)
        hashers: dict[int, Any] = {}
        for tbl, row_id, eid, dg in db.execute("SELECT tbl, row_id, event_id, digest FROM row_seals "
                                               "ORDER BY tbl, row_id, event_id"):
            h = hashers.get(eid)
            if h is None:
                h = hashers[eid] = hashlib.sha256()
                counts[eid] = 0
            h.update(f"{tbl}\x1f{row_id}\x1f{dg or ''}\x1e".encode())
            counts[eid] += 1
        hashes = {eid: h.hexdigest() for eid, h in hashers.items()}
    else:
        current, h = None, hashlib.sha256()
        for eid, tbl, row_id, dg in db.execute("SELECT event_id, tbl, row_id, digest FROM row_seals WHERE event_id > ? "
                                               "ORDER BY event_id, tbl, row_id", [after_id]):
            if eid != current:
                if current is not None:
                    hashes[current] = h.hexdigest()
                current, h = eid, hashlib.sha256()
            h.update(f"{tbl}\x1f{row_id}\x1f{dg or ''}\x1e".encode())
            counts[eid] = counts.get(eid, 0) + 1
        if current is not None:
            hashes[current] = h.hexdigest()
    for eid in sorted(set(hashes) - set(events)):
        problems.append(f"Niêm phong giả: {counts[eid]} dòng trong row_seals gắn với sự kiện {eid} "
                        "không phải sự kiện niêm phong.")
    empty = hashlib.sha256().hexdigest()
    for eid, expected in events.items():
        if hashes.get(eid, empty) != expected:
            problems.append(f"Niêm phong của sự kiện {eid} đã bị sửa (row_seals không khớp mã băm trong nhật ký).")
    return problems, set(events)


def _rows(db, only_events: set[int] | None = None) -> list[str]:
    """Replay: the latest sealed digest of each row against the row itself.
    only_events: compare just the rows sealed by these events (the incremental check)."""
    problems = []
    for tbl, cols in integrity.TRACKED.items():
        if only_events is None:
            changed, added, deleted = _merge_join(db, tbl, cols)
        else:
            if not only_events:
                continue
            marks = ",".join("?" * len(only_events))
            ids = [r[0] for r in db.execute(
                f"SELECT DISTINCT row_id FROM row_seals WHERE tbl = ? AND event_id IN ({marks})", [tbl, *only_events])]
            implied = {}
            for i in range(0, len(ids), integrity.CHUNK):
                part = ids[i:i + integrity.CHUNK]
                implied.update(db.execute(
                    f"SELECT row_id, digest FROM (SELECT row_id, digest, max(event_id) FROM row_seals "
                    f"WHERE tbl = ? AND row_id IN ({','.join('?' * len(part))}) GROUP BY row_id)", [tbl, *part]).fetchall())
            actual = integrity.current_digests(db, tbl, ids)
            changed = sorted(i for i, d in implied.items() if d is not None and i in actual and actual[i] != d)
            deleted = sorted(i for i, d in implied.items() if d is not None and i not in actual)
            added = sorted(i for i in actual if implied.get(i) is None)
        label = f"Bảng {tbl} ({integrity.TABLE_LABELS[tbl]})"
        for what, ids_ in (("bị sửa ngoài doithoai", changed), ("bị thêm ngoài doithoai", added),
                           ("bị xóa ngoài doithoai", deleted)):
            if ids_:
                problems.append(f"{label}: dòng {what}: " + ", ".join(map(str, ids_[:20]))
                                + (f" … ({len(ids_)} dòng)" if len(ids_) > 20 else "") + ".")
    return problems


def _merge_join(db, tbl: str, cols) -> tuple[list[int], list[int], list[int]]:
    """The implied state (latest seal per row) against the rows, both in id order: flat memory
    however large the table."""
    implied = iter(db.conn.execute(db.dialect.LATEST_SEALS, [tbl]))
    actual = iter(db.conn.execute(f"SELECT id, {', '.join(cols)} FROM {tbl} ORDER BY id"))
    changed, added, deleted = [], [], []
    seal: Any = next(implied, None)  # a sqlite3 row tuple, or None at the end
    row: Any = next(actual, None)
    while seal is not None or row is not None:
        if row is None or (seal is not None and seal[0] < row[0]):
            if seal[1] is not None:
                deleted.append(seal[0])
            seal = next(implied, None)
        elif seal is None or row[0] < seal[0]:
            added.append(row[0])
            row = next(actual, None)
        else:
            if seal[1] is None:
                added.append(row[0])
            elif integrity.digest(row[1:]) != seal[1]:
                changed.append(row[0])
            seal, row = next(implied, None), next(actual, None)
    return changed, added, deleted


def check(db, *, full: bool = False, anchor: str | None = None, today: dt.date | None = None) -> dict:
    """Everything wrong with the file, as sentences (`problems`, empty when all is well), and
    the anchor to keep. Default: quick_check, the schema, every anchor, and the events and
    rows sealed since the last verified anchor. full=True: integrity_check, foreign keys,
    the whole chain and a replay of every seal against every row."""
    problems: list[str] = []
    extra = integrity.parse_anchor(anchor) if anchor else None
    if full:
        result = [r[0] for r in db.execute(db.dialect.INTEGRITY_CHECK).fetchall()] if db.dialect.INTEGRITY_CHECK else ["ok"]
        if result != ["ok"]:
            problems.append("Kiểm tra toàn vẹn (integrity_check) báo lỗi: " + "; ".join(result[:5]))
        fk = db.execute(db.dialect.FOREIGN_KEY_CHECK).fetchall() if db.dialect.FOREIGN_KEY_CHECK else []
        if fk:
            problems.append(f"{len(fk)} dòng tham chiếu tới dữ liệu không tồn tại (foreign_key_check), "
                            f"ví dụ bảng {fk[0][0]} dòng {fk[0][1]}.")
    elif today is not None:
        found, reused_at = quick_check_daily(db, today)
        problems += found
    else:
        problems += quick_check(db)
    reused_at = locals().get("reused_at")
    if problems:  # a damaged file: the rest would only read garbage
        return {"problems": problems, "anchor": None, "full": full}
    problems += _schema(db)
    anchors = integrity.read_anchors(db.path)
    verified = None if full else next((a for a in reversed(anchors) if a.get("source") == "check"), None)
    start_id, start_chain = (verified["event_id"], verified["chain"]) if verified else (0, "")
    chain_problems, last = _chain(db, start_id, start_chain)
    problems += chain_problems
    problems += _anchors(db, anchors, ([dict(extra, source="mốc đối chiếu")] if extra else []) + _register_anchors(db))
    sealed = getattr(db, "sealed", False)
    if sealed:
        problems += _touched(db)
        seal_problems, seal_events = _seal_events(db, start_id)
        problems += seal_problems
        problems += _rows(db, None if full or start_id == 0 else seal_events)
    head = integrity.head(db)
    if not problems and not chain_problems:
        integrity.rewrite_anchors(db.path, [{"at": now_utc(), "source": "check", "full": full, **last}])
    return {"problems": problems, "anchor": integrity.anchor_text(head) if head["event_id"] else None,
            "full": full, "events": head["event_id"], "from_event": start_id, "quick_check_at": reused_at}


def quick_check_daily(db, today: dt.date) -> tuple[list[str], str | None]:
    """PRAGMA quick_check at most once per day per file (it reads every page: seconds at a
    million petitions), recorded beside the file (`<base>.check`). Returns the problems and,
    when today's passing check was reused, the time it ran."""
    from doithoai.fileio import write_atomic

    state = check_state_path(db.path)
    if state is None:
        return quick_check(db), None
    try:
        recorded = json.loads(state.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        recorded = {}
    # The verdict belongs to this very file: one moved or copied in (with or without its
    # .check) is another file, and is read again. (A copy written over the same file in place
    # keeps its identity; SQLite still refuses any damaged page it reads.)
    try:
        st = os.stat(db.path)
        identity = [st.st_dev, st.st_ino]
    except OSError:
        identity = None
    if recorded.get("on") == today.isoformat() and recorded.get("ok") and recorded.get("file") == identity:
        return [], recorded.get("at")
    problems = quick_check(db)
    record = {"on": today.isoformat(), "at": now_utc(), "ok": not problems, "detail": "; ".join(problems)[:500],
              "file": identity}
    try:
        write_atomic(state, json.dumps(record, ensure_ascii=False).encode("utf-8"))
    except DoithoaiError:
        pass
    if problems:
        db.damaged = record["detail"]
    return problems, None


def verify_daily(db, today: dt.date) -> None:
    """For cron-facing commands: refuse a damaged file (quick_check_daily); it then stays
    refused for writes until it is restored."""
    problems, _ = quick_check_daily(db, today)
    if problems:
        raise damaged_error(db.path, problems[0])


def damaged_error(path, detail: str) -> DoithoaiError:
    return DoithoaiError(
        f"Tệp cơ sở dữ liệu {path} bị hỏng ({detail}); không đọc tiếp để tránh đưa ra kết quả sai.",
        fix=fix("db.restore_then_rerun"))


# ----------------------------------------------------------------------------- restore

def restore(source: Path, target: Path, force: bool = False) -> dict:
    """Put a backup in place of the live file; the replaced file is kept aside, never deleted.
    The backup itself is only read: a copy is checked (and migrated) before it goes live.
    A damaged live file does not stop --force: it is moved aside as `*.damaged-<time>`."""
    if isinstance(target, str) and target.startswith(("postgresql://", "postgres://")):
        from doithoai.transfer import restore_server

        return restore_server(Path(source), target, force)
    source, target = Path(source), Path(target)
    if not source.is_file():
        raise DoithoaiError(f"Không có tệp sao lưu {source}.", "Kiểm tra đường dẫn.")
    if target.exists() and not force:
        raise DoithoaiError(f"{target} đang có dữ liệu; không ghi đè.",
                            fix=fix("db.restore_force"))
    if not target.parent.is_dir():
        raise DoithoaiError(f"Thư mục {target.parent} không tồn tại.", "Tạo thư mục trước.")
    tmp = target.with_name(f".{target.name}.khoi-phuc.tmp")
    for leftover in (tmp, Path(str(tmp) + "-wal"), Path(str(tmp) + "-shm"), Path(str(tmp) + ".anchors"),
                     Path(str(tmp) + ".check")):
        leftover.unlink(missing_ok=True)
    try:
        from doithoai.fileio import create_private

        create_private(tmp)  # copyfile keeps the mode of this owner-only file
        try:
            shutil.copyfile(source, tmp)
        except OSError as e:
            raise DoithoaiError(f"Không chép được {source}: {e.strerror}.", "Kiểm tra dung lượng ổ đĩa và quyền đọc.") from None
        expected = _backup_anchor(source)
        try:
            probe = open_base(tmp, create=False)
            found = check(probe, full=True, anchor=expected)
            anchor = integrity.head(probe)
            probe.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            probe.execute("PRAGMA journal_mode = DELETE")
            probe.conn.close()
        except DoithoaiError as e:
            raise DoithoaiError(f"{source} không phải bản sao lưu dùng được: {e.message}", e.hint, fix=e.fix) from None
        except sqlite3.DatabaseError as e:
            raise DoithoaiError(f"{source} không phải bản sao lưu dùng được: {e}.", "Chọn bản sao lưu khác.") from None
        if found["problems"]:
            raise DoithoaiError(f"Bản sao lưu {source} có lỗi: " + " ".join(found["problems"]), "Chọn bản sao lưu khác.")
        aside = None
        if target.exists():
            stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
            healthy = _checkpoint(target)
            aside = target.with_name(f"{target.name}.{'truoc-khoi-phuc' if healthy else 'damaged'}-{stamp}")
            os.replace(target, aside)
            for suffix in ("-wal", "-shm"):
                side = Path(str(target) + suffix)
                if side.exists():
                    os.replace(side, Path(str(aside) + suffix))
        os.replace(tmp, target)
        state = check_state_path(target)
        if state is not None:
            state.unlink(missing_ok=True)
        integrity.append_anchor(target, anchor, "restore", file=str(source))
    finally:
        for leftover in (tmp, Path(str(tmp) + "-wal"), Path(str(tmp) + "-shm"), Path(str(tmp) + ".anchors"),
                         Path(str(tmp) + ".check")):
            leftover.unlink(missing_ok=True)
    return {"target": str(target), "aside": str(aside) if aside else None, "damaged": bool(aside) and not healthy}


def _checkpoint(target: Path) -> bool:
    """Fold the WAL into the live file before moving it; False when the file is too damaged to."""
    try:
        live = sqlite3.connect(target)
        try:
            live.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            ok = live.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        finally:
            live.close()
        return ok
    except sqlite3.DatabaseError:
        return False


def _backup_anchor(source: Path) -> str | None:
    try:
        data = json.loads(manifest_path(source).read_text(encoding="utf-8"))
        return data.get("anchor")
    except (OSError, ValueError, AttributeError):
        return None
