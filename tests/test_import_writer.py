"""The set-based writer stores exactly what the row-by-row writer stored (issue 15): the same
rows, petitioners, duplicate flags, seals, search hits and tallies for one generated file.
tests/fixtures/import_snapshot.json (sha256 of each part) was written by the row-by-row writer (commit 7c2b176);
regenerate it only for an intended change of what an import stores:
    DOITHOAI_WRITE_SNAPSHOT=1 .venv/bin/python -m pytest tests/test_import_writer.py"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import random
import sqlite3
from pathlib import Path

import pytest

SNAPSHOT = Path(__file__).parent / "fixtures" / "import_snapshot.json"
NAMES = ["Lò Văn Thắng", "Hoàng Thị Đào", "Lường Văn Ơn", "Tòng Thị Hà", "HTX Nông nghiệp Bản Mường"]
TEXTS = ["Đề nghị sửa đường vào bản bị sạt lở", "Xin cấp giấy chứng nhận quyền sử dụng đất",
         "Trạm y tế xã thiếu thuốc", "Đề nghị hỗ trợ giống lúa sau lũ", "Đường vào bản sạt lở nặng sau mưa"]


def write_file(path: Path, rows: int) -> None:
    """Same people again and again (same phone; no phone and same address; another phone at the
    same address), similar texts, speakers with and without a number, repeated form numbers."""
    rng = random.Random(15)
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Số phiếu", "Họ và tên", "Số điện thoại", "Địa chỉ", "Nội dung", "Lĩnh vực", "Cơ quan đề nghị trả lời",
                    "Đăng ký phát biểu", "Thứ tự phát biểu", "Tổ chức"])
        for i in range(rows):
            name = rng.choice(NAMES) + ("" if rng.random() < 0.1 else f" {rng.randint(1, 80)}")
            phone = rng.choice(["", "", f"0977{rng.randint(0, 40):06d}"])
            address = rng.choice(["", "Bản Mường", "Bản Nà Khương", f"Bản {rng.randint(1, 9)}"])
            text = rng.choice(TEXTS) + ("" if rng.random() < 0.5 else f" (lần {rng.randint(1, 3)})")
            form = f"P{i}" if rng.random() < 0.8 else ""
            speak, order = ("x", "") if rng.random() < 0.05 else ("", str(100 + i) if rng.random() < 0.03 else "")
            row = [form, name, phone, address, text, rng.choice(["Đất đai", "Y tế", "GPMB", ""]),
                   rng.choice(["", "TNMT", "tai nguyen", "Sở Xây dựng"]), speak, order, "x" if name.startswith("HTX") else ""]
            w.writerow(row)
            if form and not order and rng.random() < 0.02:  # a copy-paste: stored once
                w.writerow(row)


def table(conn, sql) -> list:
    return [list(r) for r in conn.execute(sql)]


def state(cli, db_path: Path, out: dict) -> dict:
    searches = {q: sorted(r["id"] for r in cli.json("petition", "list", "--search", q))
                for q in ("sat lo", "Mường", "0977000", "y te", "dat dai", "lan 2")}
    conn = sqlite3.connect(db_path)
    try:
        return {
            "import": {k: out[k] for k in ("read", "new", "present", "duplicates", "rejected", "unmatched_agencies")},
            "petitions": table(conn, "SELECT * FROM petitions ORDER BY id"),
            "petitioners": table(conn, "SELECT * FROM petitioners ORDER BY id"),
            "duplicate_flags": table(conn, "SELECT id, petition_id, other_id, state FROM duplicate_flags ORDER BY id"),
            "seals": table(conn, "SELECT tbl, row_id, digest FROM row_seals WHERE tbl IN ('petitions', 'petitioners') "
                                 "AND NOT (tbl = 'petitions' AND row_id = 1) ORDER BY tbl, row_id, event_id"),
            "touched": table(conn, "SELECT tbl, row_id FROM row_touched"),
            "counts": table(conn, "SELECT * FROM petition_counts WHERE n <> 0 ORDER BY 1, 2, 3, 4"),
            "search": searches,
            "summary": cli.json("report", "summary"),
        }
    finally:
        conn.close()


@pytest.mark.sqlite_only  # reads or writes the SQLite file itself
def test_an_import_stores_what_the_row_by_row_writer_stored(cli, session, db_path, isolated):
    cli("petition", "add", "--session", session, "--name", "Lò Văn Thắng", "--address", "Bản Mường",
        "--content", "Đề nghị sửa đường vào bản bị sạt lở", "--order", "3", "--as-of", "2023-09-05")
    path = isolated / "tong-hop.csv"
    write_file(path, 2600)  # three writer batches
    out = cli.json("petition", "import", path, "--session", session, "--as-of", "2023-09-10")
    got = state(cli, db_path, out)
    cli("db", "check", "--full")  # every seal event's sha256 matches its row_seals
    for r in got["petitions"]:  # created_at (column 21) is the clock; a typed petition's key is random
        r[20] = ""
        r[3] = "manual" if r[3].startswith("manual:") else r[3]
    # each part by its sha256 (the whole dump is megabytes), with a few counts to read
    digests = {key: hashlib.sha256(json.dumps(value, ensure_ascii=False, sort_keys=True).encode()).hexdigest()
               for key, value in got.items()}
    counts = {key: len(got[key]) for key in ("petitions", "petitioners", "duplicate_flags", "seals", "counts")}
    if os.environ.get("DOITHOAI_WRITE_SNAPSHOT"):
        SNAPSHOT.write_text(json.dumps({"counts": counts, "sha256": digests}, indent=1) + "\n", encoding="utf-8")
    expected = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert counts == expected["counts"]
    assert digests == expected["sha256"]
    assert got["import"]["new"] > 2000 and len(got["import"]["duplicates"]) > 100
    assert got["touched"] == []


@pytest.mark.sqlite_only  # edits the SQLite file with the sqlite3 shell
def test_an_imported_row_edited_outside_the_tool_is_caught(cli, session, db_path, isolated):
    from test_integrity import both_checks_fail, shell

    path = isolated / "tong-hop.csv"
    write_file(path, 1200)
    cli("petition", "import", path, "--session", session)
    cli("db", "check")
    cli("db", "check", "--full")
    shell(db_path, "UPDATE petitions SET content = 'Nội dung đã bị đổi' WHERE id = 1100; "
                   "UPDATE petitioners SET phone = '0900000000' WHERE id = 7;")
    for err in both_checks_fail(cli):
        assert "Bảng petitions (kiến nghị): dòng bị" in err and "1100" in err
        assert "petitioners" in err


def test_form_numbers_seen_long_ago_are_still_known(cli, session, isolated, monkeypatch):
    """Past LIMIT form numbers the file's numbers move to a temporary table: a repeat far
    below its first row is still a copy (stored once) or a conflict (refused)."""
    from doithoai.importing import batch

    monkeypatch.setattr(batch._Forms, "LIMIT", 3)
    f = isolated / "phieu.csv"
    rows = [f"P{i},Người {i},Nội dung {i}" for i in range(1, 9)]
    f.write_text("Số phiếu,Họ và tên,Nội dung\n" + "\n".join([*rows, rows[0], "P2,Người khác,Nội dung khác"]) + "\n",
                 encoding="utf-8")
    err = cli.fail("petition", "import", f, "--session", session).stderr
    assert f"{f}:11:A (Số phiếu): số phiếu 'P2' trùng với dòng 3 nhưng nội dung khác" in err
    f.write_text("Số phiếu,Họ và tên,Nội dung\n" + "\n".join([*rows, rows[0]]) + "\n", encoding="utf-8")
    out = cli.json("petition", "import", f, "--session", session)
    assert (out["new"], out["present"]) == (8, 1)
    assert any("lặp lại nguyên văn dòng 2" in n for n in out["files"][0]["notes"])


def test_stored_digests_equal_the_digest_of_the_values(tmp_path):
    """current_digests (SQL reads NULL as "\\x00") makes digest()'s text for every kind of value."""
    from doithoai import integrity
    from doithoai.db import Database

    conn = sqlite3.connect(tmp_path / "d.db")
    conn.execute("CREATE TABLE petitioners (id INTEGER PRIMARY KEY, name, is_organisation, address, phone, id_number)")
    rows = [(1, "Lò Văn A", 0, None, "", None), (2, "x", 1.5, b"\x00\xff", "\x00", 3), (3, None, None, None, None, -7)]
    conn.executemany("INSERT INTO petitioners VALUES (?,?,?,?,?,?)", rows)
    conn.executemany("INSERT INTO petitioners VALUES (?, ?, 0, NULL, '', '')", [(n, f"n{n}") for n in range(4, 704)])
    db = Database(conn, tmp_path / "d.db")
    expected = {r[0]: integrity.digest(r[1:]) for r in conn.execute("SELECT * FROM petitioners")}
    assert integrity.current_digests(db, "petitioners", [1, 2, 3]) == {i: expected[i] for i in (1, 2, 3)}  # by id
    assert integrity.current_digests(db, "petitioners", list(expected)) == expected  # > CHUNK, dense: as a range
    conn.close()
