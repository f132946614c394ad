"""Keeping the file safe: online backup, checks, restore."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
from pathlib import Path

from doithoai.db import connect, event_chain
from doithoai.errors import DoithoaiError


def backup(db, target: Path) -> dict:
    """SQLite's online backup: a consistent copy even while a clerk or cron is writing."""
    target = Path(target)
    if target.exists():
        raise DoithoaiError(f"{target} đã có; không ghi đè bản sao lưu.", "Chọn tên tệp khác, ví dụ kèm ngày tháng.")
    if not target.parent.is_dir():
        raise DoithoaiError(f"Thư mục {target.parent} không tồn tại.", "Tạo thư mục trước.")
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # personal data: owner only
        os.close(fd)
        dest = sqlite3.connect(tmp)
        try:
            db.conn.backup(dest)
            dest.execute("PRAGMA journal_mode = DELETE")  # a single self-contained file
        finally:
            dest.close()
        os.replace(tmp, target)
    except (OSError, sqlite3.Error) as e:
        tmp.unlink(missing_ok=True)
        raise DoithoaiError(f"Không sao lưu được vào {target}: {e}.", "Kiểm tra dung lượng và quyền ghi của thư mục.") from None
    return {"target": str(target), "bytes": target.stat().st_size}


def check(db) -> list[str]:
    """Everything that is wrong with the file, as sentences; empty when all is well."""
    from doithoai.migrations import NAMES

    problems = []
    result = [r[0] for r in db.execute("PRAGMA integrity_check").fetchall()]
    if result != ["ok"]:
        problems.append("Kiểm tra toàn vẹn (integrity_check) báo lỗi: " + "; ".join(result[:5]))
    fk = db.execute("PRAGMA foreign_key_check").fetchall()
    if fk:
        problems.append(f"{len(fk)} dòng tham chiếu tới dữ liệu không tồn tại (foreign_key_check), "
                        f"ví dụ bảng {fk[0][0]} dòng {fk[0][1]}.")
    applied = {r[0] for r in db.execute("SELECT name FROM _sqlite_migrations WHERE migration_set = 'doithoai'")}
    pending = [name for name in NAMES if name not in applied]
    if pending:
        problems.append(f"Lược đồ chưa cập nhật: thiếu {', '.join(pending)}.")
    unknown = sorted(applied - set(NAMES))
    if unknown:
        problems.append(f"Tệp được tạo bởi phiên bản doithoai mới hơn ({', '.join(unknown)}); hãy nâng cấp doithoai.")
    triggers = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    if not {"events_no_update", "events_no_delete"} <= triggers:
        problems.append("Nhật ký thay đổi không còn được bảo vệ (thiếu trigger chỉ-ghi-thêm).")
    previous, expected_id = "", None
    for row in db.execute("SELECT id, at, user, action, entity, entity_id, before, after, chain FROM events ORDER BY id"):
        if expected_id is not None and row[0] != expected_id:
            problems.append(f"Nhật ký thay đổi bị đứt: thiếu sự kiện số {expected_id} (sau đó là số {row[0]}).")
            break
        previous = event_chain(previous, row[1:8])
        if row[8] != previous:
            problems.append(f"Nhật ký thay đổi bị sửa: sự kiện số {row[0]} không khớp chuỗi băm.")
            break
        expected_id = row[0] + 1
    return problems


def restore(source: Path, target: Path, force: bool = False) -> dict:
    """Put a backup in place of the live file; the replaced file is kept aside, never deleted.
    The backup itself is only read: a copy is checked (and migrated) before it goes live."""
    source, target = Path(source), Path(target)
    if not source.is_file():
        raise DoithoaiError(f"Không có tệp sao lưu {source}.", "Kiểm tra đường dẫn.")
    if target.exists() and not force:
        raise DoithoaiError(f"{target} đang có dữ liệu; không ghi đè.",
                            "Thêm --force để thay (tệp cũ được giữ lại bên cạnh, có đuôi .truoc-khoi-phuc-…).")
    if not target.parent.is_dir():
        raise DoithoaiError(f"Thư mục {target.parent} không tồn tại.", "Tạo thư mục trước.")
    tmp = target.with_name(f".{target.name}.khoi-phuc.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.close(fd)
    try:
        shutil.copyfile(source, tmp)
        try:
            probe = connect(tmp, create=False)
            problems = check(probe)
            probe.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            probe.execute("PRAGMA journal_mode = DELETE")
            probe.conn.close()
        except DoithoaiError as e:
            raise DoithoaiError(f"{source} không phải bản sao lưu dùng được: {e.message}", e.hint) from None
        if problems:
            raise DoithoaiError(f"Bản sao lưu {source} có lỗi: " + " ".join(problems), "Chọn bản sao lưu khác.")
        aside = None
        if target.exists():
            stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
            aside = target.with_name(f"{target.name}.truoc-khoi-phuc-{stamp}")
            live = sqlite3.connect(target)  # fold the WAL into the file before moving it
            try:
                live.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                live.close()
            os.replace(target, aside)
            for suffix in ("-wal", "-shm"):
                side = Path(str(target) + suffix)
                if side.exists():
                    os.replace(side, Path(str(aside) + suffix))
        os.replace(tmp, target)
    finally:
        for leftover in (tmp, Path(str(tmp) + "-wal"), Path(str(tmp) + "-shm")):
            leftover.unlink(missing_ok=True)
    return {"target": str(target), "aside": str(aside) if aside else None}
