"""PostgreSQL: the dialect (always), and the engine layer and schema on a throw-away cluster
(tests marked `postgres`: `pytest --engine postgresql`)."""

from __future__ import annotations

import sqlite3

import pytest
from test_mail import petitions, smtp  # noqa: F401  (fixtures: the local SMTP server, a unit with petitions)

from doithoai import dialect
from doithoai.errors import DoithoaiError

# ---------------------------------------------------------------- the dialect (no server)


def test_sql_rewritten_once_into_postgres_form():
    pg = dialect.Postgres.sql
    assert pg("SELECT * FROM t WHERE a = ? AND b LIKE '%x?%'") == "SELECT * FROM t WHERE a = %s AND b LIKE '%%x?%%'"
    assert pg("INSERT OR IGNORE INTO s (k) VALUES (?)") == "INSERT INTO s (k) VALUES (%s) ON CONFLICT DO NOTHING"
    assert pg("INSERT OR IGNORE INTO s (k) VALUES (?) RETURNING id") == \
        "INSERT INTO s (k) VALUES (%s) ON CONFLICT DO NOTHING RETURNING id"
    assert pg("SELECT user, os_user, e.user FROM events e WHERE user = 'user'") == \
        "SELECT \"user\", os_user, e.user FROM events e WHERE \"user\" = 'user'"
    assert pg("SELECT IFNULL(a, 0) % 2 FROM t") == "SELECT COALESCE(a, 0) %% 2 FROM t"
    assert dialect.SQLite.sql("SELECT ?") == "SELECT ?"  # SQLite: untouched, no cost


def test_schema_text_put_in_postgres_form():
    ddl = dialect.pg_ddl("CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER NOT NULL, b BLOB, user TEXT) WITHOUT ROWID")
    assert ddl == 'CREATE TABLE t (id BIGINT PRIMARY KEY, n BIGINT NOT NULL, b BYTEA, "user" TEXT)'


def test_password_masked_in_every_form():
    url = "postgresql://thu:s3cret@db.tinh.vn:5433/doithoai?unit=khoen-on"
    assert dialect.mask_url(url) == "postgresql://thu:***@db.tinh.vn:5433/doithoai?unit=khoen-on"
    assert "s3cret" not in dialect.mask_text(f"failed for {url}: password s3cret wrong", url)
    assert dialect.mask_url("postgresql://thu@db/doithoai") == "postgresql://thu@db/doithoai"
    assert dialect.split_url(url) == ("postgresql://thu:s3cret@db.tinh.vn:5433/doithoai", "khoen-on")


def test_a_server_out_of_reach_is_named_without_its_password(cli, monkeypatch):
    pytest.importorskip("psycopg")
    monkeypatch.setenv("DOITHOAI_DB", "postgresql://thu:s3cret@127.0.0.1:1/doithoai?unit=khoen-on")
    result = cli.fail("petition", "list")
    assert "Không kết nối được máy chủ PostgreSQL postgresql://thu:***@127.0.0.1:1/doithoai" in result.stderr
    assert "s3cret" not in result.output
    assert "s3cret" not in cli("db", "path").stdout


def test_importing_the_engine_layer_loads_no_psycopg():
    import subprocess
    import sys

    code = "import sys, doithoai.db, doithoai.base, doithoai.dialect; print('psycopg' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"


# ---------------------------------------------------------------- on a server

def _sqlite_columns(path) -> dict[str, list[str]]:
    conn = sqlite3.connect(path)
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                         "AND name NOT LIKE 'petition_search%' AND name NOT LIKE 'sqlite_%'")]
    out = {t: [r[1] for r in conn.execute(f"PRAGMA table_info({t})")] for t in tables}
    conn.close()
    return out


def _pg_columns(db) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for table, column in db.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND table_name NOT LIKE 'petition_search%' ORDER BY table_name, ordinal_position"):
        out.setdefault(table, []).append(column)
    return out


@pytest.mark.postgres
def test_the_one_list_of_migrations_gives_the_same_tables_and_columns(pg_db, tmp_path):
    from doithoai.base import open_base

    lite = open_base(tmp_path / "a.db")
    lite.conn.close()
    db = open_base(pg_db + "?unit=khoen-on")
    try:
        assert _pg_columns(db) == _sqlite_columns(tmp_path / "a.db")
        assert db.row("SELECT count(*) AS n FROM fields")["n"] == 12  # seeded like a file
    finally:
        db.conn.close()


@pytest.mark.postgres
def test_database_calls_behave_alike_on_the_server(pg_db):
    from doithoai import events, integrity
    from doithoai.base import open_base
    from doithoai.db import transaction

    db = open_base(pg_db + "?unit=khoen-on")
    try:
        with transaction(db):
            a = db.insert("agencies", {"code": "UB", "name": "UBND", "name_fold": "ubnd", "kind": ""})
            b = db.insert("agencies", {"code": "CA", "name": "Công an", "name_fold": "cong an", "kind": ""})
            assert b == a + 1
            assert db.insert("settings", {"key": "k", "value": "v"}) == 0  # no id column: 0, as SQLite's rowid is unused
            db.insert("settings", {"key": "k", "value": "other"}, or_ignore=True)  # kept, as INSERT OR IGNORE
            db.insert_many("calendar_confirmed", ("year", "source"), [(2025, "x"), (2026, "y")])
            events.log_event(db, "create", "agencies", a, None, {"code": "UB"})
        assert db.row("SELECT value FROM settings WHERE key = ?", ["k"]) == {"value": "v"}
        assert [r["year"] for r in db.query("SELECT year FROM calendar_confirmed ORDER BY year")] == [2025, 2026]
        with pytest.raises(RuntimeError), transaction(db):
            db.insert("settings", {"key": "gone", "value": "x"})
            raise RuntimeError("undo")
        assert db.row("SELECT 1 AS x FROM settings WHERE key = 'gone'") is None
        # the transaction sealed the agencies? (not tracked) and the event chain is whole
        rows = db.query("SELECT at, user, action, entity, entity_id, before, after, chain FROM events ORDER BY id")
        previous = ""
        for r in rows:
            previous = events.event_chain(previous, [r[k] for k in ("at", "user", "action", "entity", "entity_id",
                                                                    "before", "after")])
            assert r["chain"] == previous
        # events stay append-only on the server too
        from doithoai import pg

        with pytest.raises(DoithoaiError, match="append-only"), pg.translate_errors(db.url):
            db.execute("UPDATE events SET action = 'x'")
        assert integrity.anchors_path(db.path) is not None and "***" not in str(integrity.anchors_path(db.path))
    finally:
        db.conn.close()


@pytest.mark.postgres
def test_triggers_keep_seals_search_queue_and_tallies_on_the_server(pg_db):
    from doithoai.base import open_base
    from doithoai.db import transaction

    db = open_base(pg_db + "?unit=khoen-on")
    try:
        with transaction(db):
            s = db.insert("sessions", {"code": "S1", "commune": "X", "date": "2026-01-05", "created_at": "t"})
            p = db.insert("petitioners", {"name": "A", "name_fold": "a"})
            ids = [db.insert("petitions", {"session_id": s, "petitioner_id": p, "stable_key": f"k{i}", "content": "c",
                                           "content_fold": "c", "created_at": "t"}) for i in range(3)]
            db.execute("UPDATE petitions SET status = 'closed' WHERE id = ?", [ids[0]])
            db.insert("actions", {"petition_id": ids[1], "kind": "answer_written", "on_date": "2026-02-01",
                                  "doc_date": "2026-02-01", "created_at": "t"})
        counts = {r["status"]: r["n"] for r in db.query("SELECT status, sum(n) AS n FROM petition_counts GROUP BY status")}
        assert counts == {"new": 2, "closed": 1}
        assert {r["petition_id"] for r in db.query("SELECT petition_id FROM search_stale")} == set(ids)
        assert db.row("SELECT petition_id, doc_date FROM first_written") == {"petition_id": ids[1], "doc_date": "2026-02-01"}
        assert db.row("SELECT count(*) AS n FROM row_touched")["n"] == 0  # all sealed by the transaction
        sealed = db.row("SELECT count(*) AS n FROM row_seals WHERE tbl = 'petitions'")["n"]
        assert sealed == 3
        db.execute("UPDATE petitioners SET phone = '1' WHERE id = ?", [p])  # written outside the tool
        assert db.row("SELECT count(*) AS n FROM row_touched")["n"] == 1
    finally:
        db.conn.close()


@pytest.mark.postgres
def test_wrong_password_named_without_printing_it(pg_cluster, monkeypatch):
    from doithoai.base import open_base

    # trust auth accepts anything: a missing database shows the masked URL in the message
    url = pg_cluster.url.replace("postgres@", "postgres:s3cret@") + "/khong_co"
    with pytest.raises(DoithoaiError) as caught:
        open_base(url)
    assert "s3cret" not in str(caught.value) and "***" in str(caught.value)


# ---------------------------------------------------------------- db copy


def content_dump(path) -> list:
    """Schema statements in order, then every table's rows (sorted: a table without an integer
    key has no id to keep its insertion order on the server), the search index's documents."""
    conn = sqlite3.connect(path)
    try:
        schema = conn.execute("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'petition_search_%' "
                              "ORDER BY rowid").fetchall()
        out: list = [schema]
        for _, name, _ in [s for s in schema if s[0] == "table"]:
            if name == "petition_search":
                out.append(conn.execute("SELECT rowid, doc FROM petition_search ORDER BY rowid").fetchall())
            elif name == "_sqlite_migrations":
                out.append(conn.execute("SELECT migration_set, name FROM _sqlite_migrations ORDER BY id").fetchall())
            else:
                out.append((name, sorted(conn.execute(f"SELECT * FROM {name}").fetchall(), key=repr)))
        return out
    finally:
        conn.close()


@pytest.mark.postgres
def test_db_copy_round_trip_file_server_file_is_lossless(demo_file, pg_db, cli, tmp_path):
    from doithoai import search
    from doithoai.base import open_base

    # some searched petitions: the index holds documents to carry over
    db = open_base(demo_file)
    search.catch_up(db)
    db.conn.close()
    url = pg_db + "?unit=khoen-on"
    result = cli("db", "copy", demo_file, url)
    assert "sự kiện" in result.stderr and "nguyên vẹn" in result.stderr
    back = tmp_path / "back.db"
    cli("db", "copy", url, back)
    assert content_dump(back) == content_dump(demo_file)
    cli("--db", back, "db", "check", "--full")
    # twice: nothing to do; into a different non-empty base: refused unless --force
    assert "không chép lại" in cli("db", "copy", demo_file, url).stderr
    assert "không chép lại" in cli("db", "copy", url, back).stderr
    other = tmp_path / "other.db"
    cli("--db", other, "init", "--unit", "UBND xã Mường Kim")
    before = content_dump(other)
    assert "--force" in cli.fail("db", "copy", url, other).stderr
    assert content_dump(other) == before
    cli("db", "copy", url, other, "--force")
    assert content_dump(other) == content_dump(demo_file)
    assert list(tmp_path.glob("other.db.truoc-khi-chep-*"))


@pytest.mark.postgres
def test_db_copy_onto_the_server_refuses_another_base_without_force(demo_file, pg_db, cli, tmp_path):
    url = pg_db + "?unit=muong-kim"
    other = tmp_path / "other.db"
    cli("--db", other, "init", "--unit", "UBND xã Mường Kim")
    cli("db", "copy", other, url)
    assert "--force" in cli.fail("db", "copy", demo_file, url).stderr
    cli("db", "copy", demo_file, url, "--force")
    back = tmp_path / "back.db"
    cli("db", "copy", url, back)
    assert content_dump(back) == content_dump(demo_file)


def test_db_copy_between_files_and_refusals(demo_file, cli, tmp_path):
    target = tmp_path / "copy.db"
    cli("db", "copy", demo_file, target)
    assert content_dump(target) == content_dump(demo_file)
    cli("--db", target, "db", "check", "--full")
    assert "Nguồn và đích" in cli.fail("db", "copy", target, target).stderr
    assert "Chưa có" in cli.fail("db", "copy", tmp_path / "none.db", tmp_path / "x.db").stderr


@pytest.mark.postgres
def test_db_check_on_the_server_finds_what_it_finds_in_a_file(demo_file, pg_db, cli):
    import datetime as dt

    from doithoai import maintenance
    from doithoai.base import open_base

    url = pg_db + "?unit=khoen-on"
    cli("db", "copy", demo_file, url)
    db = open_base(url)
    try:
        today = dt.date(2026, 1, 5)
        assert maintenance.check(db, full=True, today=today)["problems"] == []
        assert maintenance.check(db, today=today)["problems"] == []  # incremental, from the verified anchor
        db.execute("UPDATE petitions SET content = 'khác' WHERE id = 2")  # outside the tool
        db.execute("DELETE FROM row_touched")  # and the note of it wiped
        assert maintenance.check(db, full=True, today=today)["problems"] == [
            "Bảng petitions (kiến nghị): dòng bị sửa ngoài doithoai: 2."]
        db.execute("DROP TRIGGER events_no_delete ON events")
        db.execute("DELETE FROM events WHERE id = 5")
        problems = maintenance.check(db, full=True, today=today)["problems"]
        assert any("thiếu trigger chỉ-ghi-thêm" in p for p in problems)
        assert any("thiếu sự kiện số 5" in p for p in problems)
    finally:
        db.conn.close()


# ---------------------------------------------------------------- concurrency and roles

WRITER = """
import sys
from doithoai import pg
from doithoai.base import open_base
from doithoai.events import log_event

url, me, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
db = open_base(url, create=False)
def write(db, i):
    pid = db.insert("petitioners", {"name": f"w{me}-{i}", "name_fold": f"w{me}-{i}"})
    log_event(db, "create", "petitioners", pid, None, {"writer": me, "i": i})
for i in range(n):
    pg.retrying(db, lambda db: write(db, i))
db.conn.close()
"""


@pytest.mark.postgres
def test_eight_writer_processes_lose_nothing(pg_db, tmp_path):
    import subprocess
    import sys

    from doithoai import maintenance, transfer
    from doithoai.base import open_base

    url = pg_db + "?unit=khoen-on"
    open_base(url).conn.close()
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    procs = [subprocess.Popen([sys.executable, str(script), url, str(w), "200"], stderr=subprocess.PIPE, text=True)
             for w in range(8)]
    errors = [p.communicate(timeout=300)[1] for p in procs]
    assert [p.returncode for p in procs] == [0] * 8, errors
    db = open_base(url)
    try:
        names = {r["name"] for r in db.query("SELECT name FROM petitioners")}
        assert names == {f"w{w}-{i}" for w in range(8) for i in range(200)}
        assert db.row("SELECT count(*) AS n FROM events WHERE action = 'create'")["n"] == 1600
        assert transfer.verify_chain(db) > 1600  # one line of events, no fork
        assert maintenance.check(db, full=True)["problems"] == []  # every write sealed
    finally:
        db.conn.close()


GRANTS = """
CREATE ROLE {clerk} LOGIN;
GRANT CONNECT ON DATABASE "{database}" TO {clerk};
GRANT USAGE ON SCHEMA {schema} TO {clerk};
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {clerk};
"""
PROVINCE = """
CREATE ROLE {role} LOGIN;
GRANT CONNECT ON DATABASE "{database}" TO {role};
GRANT USAGE ON SCHEMA khoen_on, muong_kim TO {role};
GRANT SELECT ON ALL TABLES IN SCHEMA khoen_on, muong_kim TO {role};
"""


@pytest.mark.postgres
def test_a_clerk_of_one_unit_cannot_read_another(pg_db):
    import psycopg

    from doithoai import pg
    from doithoai.base import open_base
    from doithoai.db import transaction

    for unit in ("khoen-on", "muong-kim"):
        open_base(f"{pg_db}?unit={unit}").conn.close()
    database = pg_db.rsplit("/", 1)[1]
    with psycopg.connect(pg_db, autocommit=True) as admin:
        for role in ("clerk_ko", "clerk_mk", "tinh"):
            admin.execute(f"DROP ROLE IF EXISTS {role}")
        admin.execute(GRANTS.format(clerk="clerk_ko", schema="khoen_on", database=database).encode())
        admin.execute(GRANTS.format(clerk="clerk_mk", schema="muong_kim", database=database).encode())
        admin.execute(PROVINCE.format(database=database, role="tinh").encode())
    as_ko = pg_db.replace("postgres@", "clerk_ko@")
    db = open_base(as_ko + "?unit=khoen-on", create=False)
    with transaction(db):  # a clerk writes its own unit (the row seals and events too)
        db.insert("agencies", {"code": "UB", "name": "UBND", "name_fold": "ubnd"})
    db.conn.close()
    with pytest.raises(DoithoaiError, match="không có quyền") as caught:
        open_base(as_ko + "?unit=muong-kim", create=False)
    assert "GRANT" in (caught.value.hint or "")
    province = open_base(pg_db.replace("postgres@", "tinh@") + "?unit=muong-kim", create=False)
    try:
        assert province.row("SELECT count(*) AS n FROM agencies")["n"] == 0
        with pytest.raises(DoithoaiError, match="không có quyền"), pg.translate_errors(province.url):
            province.execute("INSERT INTO settings (key, value) VALUES ('x', 'y')")
    finally:
        province.conn.close()


@pytest.mark.postgres
def test_a_serialization_failure_is_retried_from_the_start(pg_db):
    from doithoai import pg
    from doithoai.base import open_base

    db = open_base(pg_db + "?unit=khoen-on")
    tries = []

    def work(db):
        tries.append(1)
        db.insert("agencies", {"code": f"A{len(tries)}", "name": "x", "name_fold": "x"})
        if len(tries) < 3:  # the server reports a serialization failure (SQLSTATE 40001)
            db.execute("DO $$ BEGIN RAISE EXCEPTION 'conflict' USING ERRCODE = '40001'; END $$")

    try:
        pg.retrying(db, work)
        assert len(tries) == 3
        assert [r["code"] for r in db.query("SELECT code FROM agencies")] == ["A3"]  # nothing of the failed tries
        tries.clear()
        with pytest.raises(DoithoaiError, match="bận ghi"):
            pg.retrying(db, lambda db: (tries.append(1), db.execute(
                "DO $$ BEGIN RAISE EXCEPTION 'x' USING ERRCODE = '40P01'; END $$")), attempts=2)
        assert len(tries) == 2
    finally:
        db.conn.close()


@pytest.mark.postgres
def test_backup_and_restore_of_a_unit_on_the_server(demo_file, pg_db, cli, tmp_path):
    url = pg_db + "?unit=khoen-on"
    cli("db", "copy", demo_file, url)
    backup = tmp_path / "sao-luu.db"
    cli("--db", url, "db", "backup", backup)
    assert backup.stat().st_mode & 0o777 == 0o600 and (tmp_path / "sao-luu.db.json").exists()
    assert content_dump(backup) == content_dump(demo_file)  # a backup is a plain base file
    cli("--db", url, "agency", "add", "SAU", "Thêm sau khi sao lưu")
    assert "không ghi đè" in cli.fail("--db", url, "db", "restore", backup).stderr
    before = backup.read_bytes()
    assert "Tệp cũ giữ tại" in cli("--db", url, "db", "restore", backup, "--force").stderr
    assert backup.read_bytes() == before  # only read
    assert "SAU" not in [r["code"] for r in cli.json("--db", url, "agency", "list")]
    cli("--db", url, "db", "check", "--full")
    aside = list((tmp_path / "xdg" / "doithoai" / "servers").glob("*.truoc-khoi-phuc-*.db"))
    assert len(aside) == 1 and "SAU" in [r[0] for r in sqlite3.connect(aside[0]).execute("SELECT code FROM agencies")]


# ---------------------------------------------------------------- on both engines (runs in each engine's run)


def test_two_remind_runs_started_together_send_once(cli, petitions, isolated, db_path, smtp):  # noqa: F811
    """The cron reminder started on two machines at once: each letter written once, each
    message sent once (the writers of a unit queue at BEGIN; a message is claimed before it goes)."""
    import os
    import subprocess
    import sys

    from test_mail import configure

    inbox, port = smtp
    configure(port)
    cli("agency", "edit", "LDTBXH", "--email", "ldtbxh@thanuyen.gov.vn")
    doithoai = os.path.join(os.path.dirname(sys.executable), "doithoai")
    env = {**os.environ, "DOITHOAI_DB": str(db_path)}
    runs = [subprocess.Popen([doithoai, "remind", "--send", "--out", str(isolated / f"nhac{i}"), "--as-of", "2025-05-06"],
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for i in range(2)]
    results = [(r.wait(timeout=120), *r.communicate()) for r in runs]
    assert all(code in (0, 3) for code, _, _ in results), results
    subjects = sorted(m["Subject"] for _, m in inbox.messages)
    assert len(subjects) == len(set(subjects)) == 3, subjects  # TNMT, LDTBXH, the office: once each
    letters = cli.json("remind", "--out", isolated / "nhac", "--as-of", "2025-05-06")
    assert letters["letters"] == []  # nothing left to write today
    assert sorted(r["agency"] for r in cli.json("mail", "log")
                  if r["on_date"] == "2025-05-06" and r["target"] == "agency") == ["LDTBXH", "TNMT"]


@pytest.mark.postgres
def test_province_reads_every_unit_with_the_unit_on_each_row(demo_file, pg_db, cli, tmp_path):
    import psycopg

    for unit in ("khoen-on", "muong-kim"):
        cli("db", "copy", demo_file, f"{pg_db}?unit={unit}")
    database = pg_db.rsplit("/", 1)[1]
    with psycopg.connect(pg_db, autocommit=True) as admin:
        admin.execute("DROP ROLE IF EXISTS tinh_doc")
        admin.execute(PROVINCE.format(database=database, role="tinh_doc").encode())
    province = pg_db.replace("postgres@", "tinh_doc@")
    one = cli.json("--db", f"{pg_db}?unit=khoen-on", "report", "overdue", "--as-of", "2023-12-20")
    both = cli.json("--db", province, "report", "overdue", "--all-units", "--as-of", "2023-12-20")
    assert sorted({r["unit"] for r in both}) == ["khoen-on", "muong-kim"]
    mine = [{k: v for k, v in r.items() if k not in ("unit", "unit_name")} for r in both if r["unit"] == "khoen-on"]
    assert sorted(mine, key=lambda r: r["id"]) == sorted(one, key=lambda r: r["id"])
    table = cli("--db", province, "report", "overdue", "--all-units", "--as-of", "2023-12-20").stdout
    assert "Đơn vị" in table and "muong-kim" in table
    summary = cli.json("--db", province, "report", "summary", "--all-units", "--as-of", "2023-12-20")
    assert [s["unit"] for s in summary] == ["khoen-on", "muong-kim"]
    assert summary[0]["total"] == cli.json("--db", f"{pg_db}?unit=khoen-on", "report", "summary",
                                          "--as-of", "2023-12-20")["total"]
    page = tmp_path / "tinh.html"
    cli("--db", province, "report", "dashboard", "--all-units", "-o", page, "--as-of", "2023-12-20")
    text = page.read_text(encoding="utf-8")
    assert 'data-unit="khoen-on"' in text and 'data-unit="muong-kim"' in text
    assert text.count('data-figure="total"') == 2 and page.stat().st_mode & 0o777 == 0o600
    shown = cli("--db", province, "report", "summary", "--all-units", "--as-of", "2023-12-20")
    assert "Cộng 2 đơn vị" in shown.stdout + shown.stderr and "muong-kim" in shown.stdout


@pytest.mark.sqlite_only
def test_all_units_needs_a_server(cli, unit):
    assert "máy chủ PostgreSQL" in cli.fail("report", "overdue", "--all-units").stderr
