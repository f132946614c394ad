"""Province scale: the summary read from tallies equals the summary counted row by row, the
clerk's commands never scan the petitions table, and listings stream with bounded memory."""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
import re
import sqlite3
import sys
import tracemalloc
from pathlib import Path

import pytest

from doithoai import corrections, overrides, petition_actions, petition_listing, reports
from doithoai.base import open_base
from doithoai.db import transaction
from doithoai.errors import DoithoaiError

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import generate

AS_OF = generate.AS_OF


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("scale") / "generated.db"
    generate.build(path, 4000, seed=3, quiet=True)
    return path


def churn(db, rng: random.Random, steps: int = 300) -> None:
    """What a year of clerks does: assign, answer, transfer, close, reopen, and a few edits
    made outside the tool, in random order."""
    ids = [r[0] for r in db.execute("SELECT id FROM petitions ORDER BY id")]
    codes = [r[0] for r in db.execute("SELECT code FROM agencies")]
    db.execute("UPDATE sessions SET status = 'held'")
    for _ in range(steps):
        pid = rng.choice(ids)
        day = AS_OF - dt.timedelta(days=rng.randint(0, 900))
        try:
            with transaction(db):
                action = rng.choice(["assign", "written", "transfer", "close", "reopen", "withdraw", "restore", "sql"])
                if action == "assign":
                    petition_actions.assign(db, AS_OF, pid, rng.choice(codes), complex_=rng.random() < 0.3, reason="Cần đo đạc")
                elif action == "written":
                    petition_actions.answer(db, AS_OF, pid, written=True, summary="Đã giải quyết", doc_number="1/UBND",
                                            doc_date=day, resolved=True)
                elif action == "transfer":
                    petition_actions.transfer(db, AS_OF, pid, to="Tòa án nhân dân huyện")
                elif action == "close":
                    petition_actions.close(db, AS_OF, pid)
                elif action == "reopen":
                    petition_actions.reopen(db, AS_OF, pid, reason="Công dân chưa đồng ý")
                elif action == "withdraw":
                    corrections.withdraw(db, AS_OF, pid, reason="Công dân rút đơn")
                elif action == "restore":
                    corrections.restore(db, AS_OF, pid, reason="Nhập lại")
                else:
                    edit = rng.choice([
                        "DELETE FROM actions WHERE id = (SELECT MAX(id) FROM actions WHERE kind = 'answer_written')",
                        "UPDATE actions SET doc_date = '2020-02-02' WHERE id = (SELECT MIN(id) FROM actions "
                        "WHERE kind = 'answer_written')",
                        f"UPDATE petitions SET due_on = '2019-05-05', field_id = NULL, source = 'mttq' WHERE id = {pid}",
                        f"UPDATE petitions SET lead_agency_id = NULL, status = 'new' WHERE id = {pid}",
                    ])
                    db.execute(edit)
        except DoithoaiError:
            pass  # a transition that does not apply to this petition: refused, nothing written


def test_summary_from_tallies_equals_counting_every_row(base, tmp_path):
    db = open_base(base)
    assert reports.summary(db, AS_OF) == reports._summary_direct(db, AS_OF)
    churn(db, random.Random(8))
    assert db.execute("SELECT COUNT(*) FROM petitions WHERE status = 'withdrawn'").fetchone()[0] > 0
    for as_of in (AS_OF, dt.date(2020, 1, 1)):
        fast, slow = reports.summary(db, as_of), reports._summary_direct(db, as_of)
        assert fast == slow
    assert fast["written_answers"] > 1000 and fast["overdue"] > 10
    # A new day off moves due dates and working-day counts: the histogram is rebuilt.
    with transaction(db):
        overrides.add_override(db, dt.date(2025, 3, 4), "off", "Nghỉ bão")
    assert reports.summary(db, AS_OF) == reports._summary_direct(db, AS_OF)
    # Busy base (a long import holds the lock): the queued answers are folded in memory.
    with transaction(db):
        petition_actions.answer(db, AS_OF, churned_open(db), written=True, summary="Đã trả lời", doc_number="2/UBND",
                                doc_date=AS_OF)
    other = sqlite3.connect(base, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        assert reports.summary(db, AS_OF) == reports._summary_direct(db, AS_OF)
        assert db.execute("SELECT COUNT(*) FROM answer_queue").fetchone()[0] > 0
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert reports.summary(db, AS_OF) == reports._summary_direct(db, AS_OF)
    assert db.execute("SELECT COUNT(*) FROM answer_queue").fetchone()[0] == 0
    one = db.execute("SELECT code FROM sessions LIMIT 1 OFFSET 3").fetchone()[0]
    assert reports.summary(db, AS_OF, one)["session"] == one


def churned_open(db) -> int:
    return db.execute("SELECT p.id FROM petitions p WHERE p.status = 'assigned' AND p.id NOT IN (SELECT petition_id FROM first_written) ORDER BY p.id LIMIT 1").fetchone()[0]


def statements(db, work) -> list[str]:
    seen: list[str] = []
    db.conn.set_trace_callback(seen.append)
    try:
        work()
    finally:
        db.conn.set_trace_callback(None)
    return [s for s in seen if s.lstrip().upper().startswith(("SELECT", "WITH"))]


def test_clerk_commands_never_scan_the_petitions_table(base):
    db = open_base(base)
    agency = db.execute("SELECT code FROM agencies WHERE id = 3").fetchone()[0]
    commands = {
        "petition list --search (few hits)": lambda: list(petition_listing.iter_rows(db, as_of=AS_OF, search="giang pao nam")),
        "petition list --search (many hits)": lambda: list(petition_listing.iter_rows(db, as_of=AS_OF, search="dat dai",
                                                                                     sort="relevance")),
        "petition list --agency": lambda: list(petition_listing.iter_rows(db, as_of=AS_OF, agency=agency)),
        "report summary": lambda: reports.summary(db, AS_OF),
        "report overdue": lambda: reports.overdue(db, AS_OF),
    }
    full_scan = re.compile(r"\bSCAN (p|petitions)\b")
    for name, work in commands.items():
        plans = []
        for sql in statements(db, work):
            plan = " ; ".join(r[3] for r in db.execute("EXPLAIN QUERY PLAN " + sql))
            plans.append(plan)
            assert not full_scan.search(plan), f"{name}: {sql}\n{plan}"
        assert any("petitions" in p or " p " in p or "petition_counts" in p for p in plans), name


def bulk_base(path: Path, rows: int) -> None:
    db = open_base(path)
    with transaction(db):
        db.execute("INSERT INTO sessions (code, commune, date, status, answer_due, created_at) "
                   "VALUES ('S', 'Khoen On', '2026-01-05', 'held', '2026-01-26', '')")
        db.execute("INSERT INTO petitioners (name, name_fold, address, phone) "
                   "VALUES ('Lò Văn Thắng', 'lo van thang', 'Bản Nà Khương', '0912345678')")
        content = "Đề nghị sửa chữa tuyến đường liên bản bị sạt lở sau mưa lũ, đi lại khó khăn; " * 2
        db.conn.executemany(
            "INSERT INTO petitions (session_id, petitioner_id, stable_key, content, content_fold, status, due_on, "
            "registered_on, created_at) VALUES (1, 1, ?, ?, '', 'assigned', ?, '2026-01-02', '')",
            ((f"k{i}", f"{content}{i}", f"2026-0{1 + i % 9}-15") for i in range(rows)))
    db.conn.close()


def peak(work) -> int:
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


SIZES = {"small": 2_000, "large": 20_000}  # ten times the rows: what grows with them shows


@pytest.fixture(scope="module")
def bulk(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("bulk")
    for label, rows in SIZES.items():
        bulk_base(folder / f"{label}.db", rows)
    return {label: folder / f"{label}.db" for label in SIZES}


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_listings_stream_with_flat_memory(tmp_path, bulk, fmt):
    from doithoai.cli._output import emit
    from doithoai.cli.petitions import columns

    if fmt == "xlsx":
        import openpyxl  # noqa: F401  (its import is not what we measure)
    peaks = {}
    for label, rows in SIZES.items():
        db = open_base(bulk[label])
        out = tmp_path / f"{label}.{fmt}"
        if fmt == "xlsx":  # openpyxl is slow: a tenth of the rows, the same ratio
            rows //= 10
        peaks[label] = peak(lambda db=db, rows=rows, out=out: emit(petition_listing.iter_rows(db, as_of=AS_OF, limit=rows), columns(), fmt, out_path=out))
        if fmt == "json":
            assert len(json.loads(out.read_text(encoding="utf-8"))) == rows
        elif fmt == "csv":
            with open(out, encoding="utf-8-sig", newline="") as f:
                assert sum(1 for _ in csv.reader(f)) == rows + 1
        else:
            from openpyxl import load_workbook

            wb = load_workbook(out, read_only=True)
            assert sum(1 for _ in wb.active.iter_rows(values_only=True)) == rows + 1
            wb.close()
        db.conn.close()
    # Ten times the rows, about the same memory: nothing grows with the row count.
    assert peaks["large"] < 1.5 * peaks["small"] + 512 * 1024, peaks
    assert peaks["large"] < 8 * 1024 * 1024, peaks
