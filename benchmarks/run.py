"""doithoai's benchmark suite: prints each figure beside a baseline measured in the same run.

    python benchmarks/run.py            # full run: a few minutes
    python benchmarks/run.py --quick    # smaller data, fewer repeats: under a minute

Every figure is the median of several runs. Data is generated here with a fixed seed.
Targets (issue 7): --help ≤ 1.0× `python -c "import typer"`; light commands ≤ 250 ms;
import ≥ 50,000 rows/s (issue 15) beside raw executemany and the table + FTS5 floor; overdue report ≤ 300 ms at
1,000,000 petitions; due dates ≥ 100× holidays' get_nth_working_day; minutes for 500
petitions ≤ 0.5 s; import memory independent of file size.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import platform
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PY = sys.executable
DOITHOAI = str(Path(PY).parent / "doithoai")
RESULTS: list[tuple[str, str, str, str, str]] = []


LAST_ERR = [""]  # the first line a child wrote to stderr when it exited with an accepted non-zero code


def timed(cmd: list[str], env=None, ok=(0, 3)) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    err = proc.stderr.read().decode("utf-8", "replace")
    proc.stderr.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in ok:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {err}")
    # what it reported (the lines after "Lỗi: …"), short
    LAST_ERR[0] = " ".join(" ".join(err.splitlines()[1:2]).split())[:160] if proc.returncode not in (0, 3) else ""
    return elapsed, usage.ru_maxrss


# A child's ru_maxrss starts at its parent's RSS at fork (Linux keeps the high-water mark across
# exec), so a peak measured from this process, which may hold a million-row base, is not the
# command's own. timed_peak takes it through a small Python in between (its child starts ~10 MiB).
_PEAK = ("import os, subprocess, sys, time; t = time.perf_counter(); "
         "p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE); "
         "err = p.stderr.read(); _, status, usage = os.wait4(p.pid, 0); "
         "print(time.perf_counter() - t, usage.ru_maxrss, os.waitstatus_to_exitcode(status)); "
         "sys.stderr.write(err.decode('utf-8', 'replace'))")


def timed_peak(cmd: list[str], env=None) -> tuple[float, int]:
    """Wall seconds and the command's own peak RSS (KiB)."""
    proc = subprocess.run([PY, "-c", _PEAK, *cmd], capture_output=True, env=env, text=True)
    seconds, peak, code = proc.stdout.split()
    if int(code) not in (0, 3):
        raise SystemExit(f"{' '.join(cmd)} failed ({code}): {proc.stderr}")
    return float(seconds), int(peak)


def median_time(cmd: list[str], runs: int, env=None, prepare=None, ok=(0, 3)) -> float:
    times = []
    for _ in range(runs):
        if prepare:
            prepare()
        times.append(timed(cmd, env, ok)[0])
    return statistics.median(times)


def record(name: str, value: str, baseline: str, ratio: str, target: str) -> None:
    RESULTS.append((name, value, baseline, ratio, target))
    print(f"  {name}: {value} (baseline {baseline}; {ratio}) — target {target}", flush=True)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def env_for(db: Path) -> dict:
    return {**os.environ, "DOITHOAI_DB": str(db)}


# -- start-up ------------------------------------------------------------------------------

def bench_startup(work: Path, runs: int) -> None:
    print("Start-up", flush=True)
    demo = work / "demo"
    subprocess.run([DOITHOAI, "-q", "demo", str(demo)], check=True, stdout=subprocess.DEVNULL)
    env = env_for(demo / "doithoai.db")
    typer_import = median_time([PY, "-c", "import typer"], runs)
    help_time = median_time([DOITHOAI, "--help"], runs)
    record("doithoai --help", ms(help_time), f"python -c 'import typer' {ms(typer_import)}",
           f"{help_time / typer_import:.2f}×", "≤ 1.0×")
    for label, args in [("doithoai petition --help", ["petition", "--help"]),
                        ("doithoai session list", ["session", "list"]),
                        ("doithoai petition list --search 'dat dai'", ["petition", "list", "--search", "dat dai"]),
                        ("doithoai calendar due 14/09/2023 15", ["calendar", "due", "14/09/2023", "15"])]:
        t = median_time([DOITHOAI, *args], runs, env)
        record(label, ms(t), f"import typer {ms(typer_import)}", f"{t / typer_import:.2f}×", "≤ 250 ms")


# -- import ----------------------------------------------------------------------------------

FIELDS = ["Đất đai", "Y tế", "Giáo dục", "Chính sách xã hội", "Giao thông, hạ tầng", "GPMB", "CCHC"]


def write_csv(path: Path, rows: int, seed: int = 1, people: int = 5000) -> None:
    """`people` distinct names in 80 villages with near-identical texts: with the default, about a
    third of the rows of a large file are flagged as possible duplicates of the same person."""
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(["Số phiếu", "Họ và tên", "Thôn, bản", "Số điện thoại", "Nội dung", "Lĩnh vực", "Ngày đăng ký"])
        for i in range(rows):
            w.writerow([f"P{i:07d}", f"Nguyễn Văn {i % people}", f"Bản {rng.randint(1, 80)}",
                        f"9{rng.randint(10_000_000, 99_999_999)}",
                        f"Kiến nghị số {i} về đường giao thông và nước sinh hoạt của bản",
                        rng.choice(FIELDS), f"{rng.randint(1, 28):02d}/09/2023"])


def fresh_base(path: Path) -> None:
    if path.exists():
        path.unlink()
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    env = env_for(path)
    subprocess.run([DOITHOAI, "-q", "init", "--unit", "Ủy ban nhân dân tỉnh Lai Châu", "--level", "tinh"], env=env, check=True)
    subprocess.run([DOITHOAI, "-q", "session", "create", "--commune", "Khoen On", "--date", "2023-09-14", "--code", "S1"],
                   env=env, check=True, stdout=subprocess.DEVNULL)


def raw_executemany(csv_path: Path, db_path: Path) -> float:
    """The floor: read the same CSV and executemany it into a plain table, one transaction."""
    if db_path.exists():
        db_path.unlink()
    start = time.perf_counter()
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE p (form_no TEXT UNIQUE, name TEXT, address TEXT, phone TEXT, content TEXT, field TEXT, day TEXT)")
    with open(csv_path, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f, delimiter=";")
        next(reader)
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO p VALUES (?,?,?,?,?,?,?)", reader)
        conn.execute("COMMIT")
    conn.close()
    return time.perf_counter() - start


def petitions_floor(base: Path, work: Path) -> tuple[float, float]:
    """The floor under the import's write: the very rows it stored (read back from `base`),
    executemany'd into `petitions` of a fresh base with the same indexes but no triggers, then
    their folded search documents inserted into the FTS5 trigram index. (seconds, seconds)"""
    from doithoai import search

    src = sqlite3.connect(base)
    cols = [r[1] for r in src.execute("PRAGMA table_info(petitions)") if r[1] != "id"]
    rows = src.execute(f"SELECT {', '.join(cols)} FROM petitions ORDER BY id").fetchall()
    people = src.execute("SELECT * FROM petitioners ORDER BY id").fetchall()
    batches = src.execute("SELECT * FROM import_batches").fetchall()
    docs = [(r[0], search.document(r[1:])) for r in src.execute(search.DOC_SQL + " ORDER BY p.id")]
    src.close()
    floor = work / "floor.db"
    fresh_base(floor)
    conn = sqlite3.connect(floor, isolation_level=None)
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA cache_size = -16384")
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                "AND tbl_name IN ('petitions', 'petitioners')").fetchall():
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute("PRAGMA foreign_keys = ON")  # as doithoai opens a base
    conn.execute("BEGIN")
    conn.executemany(f"INSERT INTO import_batches VALUES ({','.join('?' * len(batches[0]))})", batches)
    start = time.perf_counter()
    conn.executemany(f"INSERT INTO petitioners VALUES ({','.join('?' * len(people[0]))})", people)
    conn.executemany(f"INSERT INTO petitions ({', '.join(cols)}) VALUES ({','.join('?' * len(cols))})", rows)
    middle = time.perf_counter()
    conn.executemany("INSERT INTO petition_search (rowid, doc) VALUES (?, ?)", docs)
    end = time.perf_counter()
    conn.execute("COMMIT")
    conn.close()
    return middle - start, end - middle


def flagged(base: Path) -> int:
    """Possible duplicates an import listed: the JSON output holds them all (the generator's
    people repeat name and village, so about a third of its rows are flagged)."""
    conn = sqlite3.connect(base)
    try:
        return conn.execute("SELECT COUNT(*) FROM duplicate_flags").fetchone()[0]
    finally:
        conn.close()


def bench_import(work: Path, rows: int, runs: int) -> None:
    """Whole-process import of a generated CSV (read, validate, store, seal, tally, queue for
    search) beside two floors measured here: raw executemany of the CSV into a plain table, and
    the same petitions into the real table without triggers plus their FTS5 documents. Then
    peak memory at three sizes, and the first search after the import (it indexes the rows)."""
    print(f"Import of {rows:,} CSV rows", flush=True)
    csv_path = work / "import.csv"
    write_csv(csv_path, rows)
    base = work / "import.db"
    cmd = [DOITHOAI, "-q", "petition", "import", str(csv_path), "--session", "S1", "-f", "json"]
    times, peaks = [], []
    for _ in range(runs):
        fresh_base(base)
        t, rss = timed_peak(cmd, env_for(base))
        times.append(t)
        peaks.append(rss)
    ours = statistics.median(times)
    sizes = [rows // 5, rows, rows * 3]
    rss = {rows: statistics.median(peaks)}
    flags = {rows: flagged(base)}
    for n in sizes:
        if n in rss:
            continue
        write_csv(work / "sized.csv", n, seed=n)
        fresh_base(work / "sized.db")
        t, rss[n] = timed_peak([*cmd[:4], str(work / "sized.csv"), *cmd[5:]], env_for(work / "sized.db"))
        flags[n] = flagged(work / "sized.db")
        print(f"  import {n:,} rows: {n / t:,.0f} rows/s ({t:.2f} s), peak {rss[n] / 1024:.0f} MiB, "
              f"{flags[n]:,} possible duplicates listed", flush=True)
    n = sizes[-1]
    write_csv(work / "sized.csv", n, seed=n, people=n)
    fresh_base(work / "sized.db")
    t, distinct = timed_peak([DOITHOAI, "-q", "petition", "import", str(work / "sized.csv"), "--session", "S1"],
                        env_for(work / "sized.db"))
    print(f"  import {n:,} rows of distinct people, table output: {n / t:,.0f} rows/s ({t:.2f} s), "
          f"peak {distinct / 1024:.0f} MiB, {flagged(work / 'sized.db'):,} possible duplicates", flush=True)
    raw = statistics.median(raw_executemany(csv_path, work / "raw.db") for _ in range(runs))
    first = timed([DOITHOAI, "-q", "petition", "list", "--search", "giao thong nuoc", "-f", "json"], env_for(base))[0]
    table, fts = petitions_floor(base, work)
    record("import with validation", f"{rows / ours:,.0f} rows/s ({ours:.2f} s)", f"raw executemany {rows / raw:,.0f} rows/s",
           f"{raw / ours * 100:.0f}% of raw", "≥ 50,000 rows/s")
    record("import floor: same petitions, no triggers", f"{rows / table:,.0f} rows/s ({table:.2f} s)",
           f"+ FTS5 documents {rows / (table + fts):,.0f} rows/s ({table + fts:.2f} s)",
           f"import {ours / (table + fts):.1f}× the floor", "(floor)")
    record("first search after the import (indexes the rows)", f"{first:.2f} s", f"FTS5 inserts alone {fts:.2f} s",
           f"{first / fts:.1f}×", "(one-off)")
    record(f"import peak memory, {n // 1000}k rows of distinct people", f"{distinct / 1024:.0f} MiB",
           f"{rss[sizes[0]] / 1024:.0f} MiB at {sizes[0] // 1000}k", f"{distinct / rss[sizes[0]]:.2f}×", "≈ 1× (flat)")
    record("import peak memory (-f json)", ", ".join(f"{rss[n] / 1024:.0f} MiB at {n // 1000}k ({flags[n]:,} flags)"
                                                     for n in sizes),
           f"{rss[sizes[0]] / 1024:.0f} MiB at {sizes[0] // 1000}k", f"{rss[sizes[-1]] / rss[sizes[0]]:.2f}×",
           "≈ 1× (flat)")


# -- overdue at scale --------------------------------------------------------------------------

def build_large(path: Path, petitions: int, sessions: int, agencies: int, seed: int = 3) -> dt.date:
    """A province's archive: years of sessions, almost everything answered, the recent ones open."""
    from doithoai.base import open_base
    from doithoai.deadlines import session_milestones
    from doithoai.text import fold

    if path.exists():
        path.unlink()
    db = open_base(path)
    conn = db.conn
    rng = random.Random(seed)
    as_of = dt.date(2026, 11, 27)
    conn.execute("BEGIN")
    conn.execute("INSERT INTO settings (key, value) VALUES ('unit.name', 'Tỉnh ủy Lai Châu')")
    conn.executemany("INSERT INTO agencies (code, name, name_fold) VALUES (?,?,?)",
                     [(f"A{i:03d}", f"Cơ quan số {i}", fold(f"Cơ quan số {i}")) for i in range(agencies)])
    start = dt.date(2017, 1, 9)
    session_rows, dues = [], {}
    for i in range(sessions):
        day = start + dt.timedelta(days=int(i * (as_of - start).days / sessions))
        while day.weekday() >= 5:
            day -= dt.timedelta(days=1)
        m = session_milestones(db, day)
        dues[i + 1] = (day, m["answer_due"])
        session_rows.append((f"S{i:05d}", f"Xã {i % 1500}", day.isoformat(), "held", m["notice_by"], m["review_by"],
                             m["answer_due"], m["complex_answer_due"], "2026-01-01"))
    conn.executemany("INSERT INTO sessions (code, commune, date, status, notice_by, review_by, answer_due, "
                     "complex_answer_due, created_at) VALUES (?,?,?,?,?,?,?,?,?)", session_rows)
    people = petitions // 4
    conn.executemany("INSERT INTO petitioners (name, name_fold, address, phone) VALUES (?,?,?,?)",
                     ((f"Người dân {i}", f"nguoi dan {i}", f"Bản {i % 300}", f"09{i:08d}") for i in range(people)))
    per_session = petitions // sessions

    def rows():
        n = 0
        for sid in range(1, sessions + 1):
            day, due = dues[sid]
            recent = (as_of - day).days < 120
            for _ in range(per_session):
                n += 1
                status = rng.choice(["new", "assigned", "assigned", "answered"]) if recent else (
                    "assigned" if rng.random() < 0.0008 else rng.choice(["answered", "closed", "closed", "transferred"]))
                content = f"Kiến nghị {n} về đất đai và nước sinh hoạt"
                yield (sid, rng.randrange(1, people + 1), f"k{n}", content, fold(content), rng.randint(1, 12), status,
                       rng.randint(1, agencies), due, "2026-01-01")

    conn.executemany("INSERT INTO petitions (session_id, petitioner_id, stable_key, content, content_fold, field_id, "
                     "status, lead_agency_id, due_on, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)", rows())
    from doithoai import integrity

    integrity.seal(db, 0, user="benchmark generator")  # written as the tool writes: sealed, so `db check` passes
    conn.execute("COMMIT")
    conn.execute("ANALYZE")
    conn.close()
    return as_of


def bench_overdue(work: Path, petitions: int, runs: int) -> None:
    print(f"Overdue report at {petitions:,} petitions, 5,000 sessions, 200 agencies", flush=True)
    path = work / "province.db"
    t0 = time.perf_counter()
    as_of = build_large(path, petitions, 5000, 200)
    print(f"  (built in {time.perf_counter() - t0:.1f} s)", flush=True)
    conn = sqlite3.connect(path)
    overdue = conn.execute("SELECT COUNT(*) FROM petitions WHERE status IN ('new','assigned') AND due_on < ?",
                           [as_of.isoformat()]).fetchone()[0]
    conn.close()
    env = env_for(path)
    ours = median_time([DOITHOAI, "report", "overdue", "--as-of", as_of.isoformat()], runs, env)
    sql = ("import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
           "rows = c.execute(\"SELECT p.lead_agency_id, COUNT(*), MIN(p.due_on) FROM petitions p "
           "WHERE p.status IN ('new','assigned') AND p.due_on < ? GROUP BY p.lead_agency_id\", [sys.argv[2]]).fetchall(); "
           "print(len(rows))")
    raw = median_time([PY, "-c", sql, str(path), as_of.isoformat()], runs)
    record(f"report overdue ({overdue:,} overdue rows, table)", ms(ours), f"raw SQL aggregate {ms(raw)}",
           f"{ours / raw:.1f}×", "≤ 300 ms")


# -- due dates ------------------------------------------------------------------------------------

def bench_due_dates(pairs: int) -> None:
    import holidays

    from doithoai.workdays import WorkCalendar

    print(f"{pairs:,} due dates", flush=True)
    rng = random.Random(4)
    work = [(dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(0, 1400)), rng.choice([5, 7, 15, 30]))
            for _ in range(pairs)]
    cal = WorkCalendar([], 2022, 2028)  # no overrides: the same calendar as holidays.VN
    vn = holidays.VN(years=range(2022, 2029))
    t = time.perf_counter()
    theirs = [vn.get_nth_working_day(d, n) for d, n in work]
    theirs_time = time.perf_counter() - t
    t = time.perf_counter()
    bulk = cal.add_days_many(work)
    bulk_time = time.perf_counter() - t
    t = time.perf_counter()
    single = [cal.add_days(d, n) for d, n in work]
    single_time = time.perf_counter() - t
    record("due dates, bulk (add_days_many)", f"{bulk_time * 1e6 / pairs:.2f} µs each ({bulk_time:.3f} s)",
           f"get_nth_working_day {theirs_time * 1e6 / pairs:.1f} µs each", f"{theirs_time / bulk_time:.0f}× faster, "
           f"{'identical' if bulk == theirs else 'DIFFERENT'} results", "≥ 100×, identical")
    record("due dates, one call each (add_days)", f"{single_time * 1e6 / pairs:.2f} µs each",
           f"get_nth_working_day {theirs_time * 1e6 / pairs:.1f} µs each", f"{theirs_time / single_time:.0f}× faster, "
           f"{'identical' if single == theirs else 'DIFFERENT'} results", "(informative)")


# -- minutes ---------------------------------------------------------------------------------------

def bench_minutes(work: Path, petitions: int, runs: int) -> None:
    print(f"Minutes for {petitions} petitions", flush=True)
    base = work / "minutes.db"
    fresh_base(base)
    env = env_for(base)
    csv_path = work / "minutes.csv"
    with open(csv_path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Họ và tên", "Thôn, bản", "Nội dung", "Đăng ký phát biểu"])
        for i in range(petitions):
            w.writerow([f"Lò Văn {i}", f"Bản {i % 30}", f"Kiến nghị số {i} về đường giao thông nông thôn và nước sạch", "x"])
    subprocess.run([DOITHOAI, "-q", "petition", "import", str(csv_path), "--session", "S1"], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    out = work / "bien-ban.docx"
    ours = median_time([DOITHOAI, "-q", "doc", "minutes", "S1", "-o", str(out)], runs, env)
    help_time = median_time([DOITHOAI, "-q", "session", "list"], runs, env)
    record(f"doc minutes, {petitions} petitions", ms(ours), f"a light command (session list) {ms(help_time)}",
           f"{ours / help_time:.1f}×", "≤ 500 ms")


# -- scale: time vs size --------------------------------------------------------------------------

SCALE_SIZES = {"10k": 10_000, "100k": 100_000, "1M": 1_000_000}
FEW_HITS = "giang pao nam cuoi"  # a name and a village: a handful of petitions at any size
MANY_HITS = "sinh lau"  # ~1.8 % of petitions: 17,500 at 1M


def scale_base(folder: Path, label: str, n: int) -> Path:
    """The generated base of this size, built once and reused (kept outside the repository)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import generate

    path = folder / f"base-{label.lower()}.db"
    stamp = folder / f"base-{label.lower()}.version"
    version = f"{generate.VERSION}:{n}"
    if not path.exists() or not stamp.exists() or stamp.read_text() != version:
        print(f"  generating {path} ({n:,} petitions; once, then reused)", flush=True)
        generate.build(path, n)
        stamp.write_text(version)
    return path


def first_screen_time(cmd: list[str], env, lines: int = 30) -> float:
    """Seconds until the first `lines` lines of output have arrived (what a clerk waits for)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    for got, _ in enumerate(proc.stdout, start=1):
        if got >= lines:
            break
    elapsed = time.perf_counter() - start
    proc.stdout.close()
    proc.kill()
    proc.wait()
    return elapsed


def shell_json_time(path: Path, sql: str, params: list, runs: int) -> float:
    """The same SELECT in the sqlite3 shell, as JSON, to /dev/null."""
    literal = sql
    for value in params:
        text = "NULL" if value is None else str(value) if isinstance(value, int) else "'" + str(value).replace("'", "''") + "'"
        literal = literal.replace("?", text, 1)
    return median_time(["sqlite3", "-readonly", "-json", str(path), literal], runs)


def growth(above: dict[str, float], answers: dict[str, int] | None = None) -> str:
    """Growth class from the 100k → 1M step of the time above start-up, beside how much the
    answer itself grew (hits, overdue rows, letters) over the same step."""
    if "100k" not in above or "1M" not in above:
        return "—"
    a, b = above["100k"], above["1M"]
    grew = ""
    if answers and answers.get("100k") and answers.get("1M") is not None:
        grew = f"; answer ×{answers['1M'] / answers['100k']:.0f}"
    if b < 0.06:
        return f"flat (≤ 60 ms above start-up){grew}"
    r = b / max(a, 0.01)
    k = __import__("math").log10(r)
    label = "flat" if k < 0.25 else "sublinear" if k < 0.75 else "linear"
    return f"{label} (×{r:.1f} for 10× petitions{grew})"


def _listing():
    """The module with the petition listing query."""
    from doithoai import petition_listing

    return petition_listing


# Issue 15's "now" column (whole-process, at 1M petitions, before this work): printed beside ours.
BEFORE_1M = {
    "light command (agency list)": "—", "petition list --search (few hits)": "4.1 s",
    "petition list --search (many hits, first screen)": "4.6 s", "report summary": "9.5 s",
    "report overdue (table)": "0.60 s", "petition list --agency X -f json (all rows)": "2.2 s",
    "db check (first of the day: quick_check)": "34.5 s", "db check (default, again the same day)": "34.5 s",
    "db check --full": "—", "db backup (a writer committing every 50 ms)": "6.6 s", "remind": "25 s",
}
GOALS_1M = {
    "light command (agency list)": "≤ 250 ms", "petition list --search (few hits)": "≤ 150 ms",
    "petition list --search (many hits, first screen)": "≤ 300 ms", "report summary": "≤ 300 ms",
    "report overdue (table)": "≤ 300 ms", "petition list --agency X -f json (all rows)": "≤ 3× sqlite3 shell",
    "db check (first of the day: quick_check)": "≤ 2 s", "db check (default, again the same day)": "≤ 2 s",
    "db check --full": "≤ 60 s", "db backup (a writer committing every 50 ms)": "writer blocked ≤ 1 s",
    "remind": "≤ 2 s + 50 ms/letter",
}
WRITER = ("import sqlite3, sys, time; c = sqlite3.connect(sys.argv[1], timeout=30, isolation_level=None); "
          "worst = 0; n = 0; stop = sys.argv[2]\n"
          "import os\n"
          "while not os.path.exists(stop):\n"
          "    t = time.perf_counter(); c.execute('BEGIN IMMEDIATE'); "
          "c.execute(\"INSERT OR REPLACE INTO settings (key, value) VALUES ('bench.tick', ?)\", [str(t)]); "
          "c.execute('COMMIT'); worst = max(worst, time.perf_counter() - t); n += 1; time.sleep(0.05)\n"
          "print(worst, n)")


def _backup_with_writer(env, base: Path, target: Path) -> tuple[float, float, int]:
    """`db backup` of `base` while another process commits to it every 50 ms: the backup's
    time, the writer's longest wait for one commit, and how many commits it made meanwhile."""
    stop = target.with_name(target.name + ".stop")
    stop.unlink(missing_ok=True)
    writer = subprocess.Popen([PY, "-c", WRITER, str(base), str(stop)], stdout=subprocess.PIPE, text=True)
    time.sleep(0.3)  # the writer is committing before the backup starts
    took, _ = timed([DOITHOAI, "db", "backup", str(target)], env)
    time.sleep(0.3)
    stop.touch()
    worst, commits = writer.communicate()[0].split()
    stop.unlink(missing_ok=True)
    return took, float(worst), int(commits)


def _in_process(path: Path, label: str) -> None:
    """The key figures measured inside one process (service call + rendering, no start-up):
    steadier than whole-process times on a loaded machine. Medians of 5, wall and CPU."""
    from doithoai import reports
    from doithoai.base import open_base
    from doithoai.cli import _output
    from doithoai.cli._output import Col

    listing = _listing()
    db = open_base(path)
    as_of = dt.date(2026, 11, 27)

    def med(fn, n=5):
        walls, cpus = [], []
        for _ in range(n):
            w, c = time.perf_counter(), time.process_time()
            fn()
            walls.append(time.perf_counter() - w)
            cpus.append(time.process_time() - c)
        return f"{ms(statistics.median(walls))} (CPU {ms(statistics.median(cpus))})"

    def overdue_table():
        from doithoai.cli.reports import _columns

        rows = reports.overdue(db, as_of)
        cols = [c for c in _columns([Col("days_overdue", "Quá hạn (ngày LV)", "int", priority=9)]) if c.table]
        _output.table_blocks(rows, cols, None)

    print(f"In-process at {label} (service call and rendering; no interpreter start-up, no imports):", flush=True)
    print(f"  search, few hits (all rows): {med(lambda: list(listing.iter_rows(db, as_of=as_of, search=FEW_HITS)))}")
    print("  search, many hits (first 30 rows): "
          + med(lambda: [r for r, _ in zip(listing.iter_rows(db, as_of=as_of, search=MANY_HITS), range(30))]))
    print(f"  report overdue (query + table of every row): {med(overdue_table)}")
    print(f"  report summary: {med(lambda: reports.summary(db, as_of))}", flush=True)
    db.conn.close()


def bench_scale(folder: Path, sizes: list[str], runs: int) -> None:
    import compileall

    from doithoai.base import open_base

    folder.mkdir(parents=True, exist_ok=True)
    # An installed package has its bytecode compiled; under PYTHONDONTWRITEBYTECODE an editable
    # checkout would compile every module on every run (~40 ms): compile once, as pip does.
    compileall.compile_dir(str(Path(__file__).resolve().parent.parent / "doithoai"), quiet=1)
    typer_import = median_time([PY, "-c", "import typer"], 7)
    help_time = median_time([DOITHOAI, "--help"], 7)
    print(f"Scale: python -c 'import typer' {ms(typer_import)}; doithoai --help {ms(help_time)} "
          f"({help_time / typer_import:.2f}×); load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores",
          flush=True)
    rows: dict[str, dict[str, float]] = {}
    notes: dict[str, dict[str, str]] = {}
    answers: dict[str, dict[str, int]] = {}
    light: dict[str, float] = {}
    verdicts: dict[str, str] = {}
    listing = _listing()
    for label in sizes:
        n = SCALE_SIZES[label]
        path = scale_base(folder, label, n)
        env = env_for(path)
        reps = max(3, runs if n < 1_000_000 else runs // 2 + 1)
        as_of = "2026-11-27"
        db = open_base(path)
        top_agency = db.execute("SELECT a.code FROM assignments x JOIN agencies a ON a.id = x.agency_id "
                                "WHERE x.active = 1 GROUP BY x.agency_id ORDER BY COUNT(*) DESC LIMIT 1").fetchone()[0]
        agency_rows = db.execute("SELECT COUNT(DISTINCT petition_id) FROM assignments x JOIN agencies a ON a.id = x.agency_id "
                                 "WHERE a.code = ? AND x.active = 1", [top_agency]).fetchone()[0]
        sql, params = listing.list_query(db, as_of=dt.date(2026, 11, 27), agency=top_agency)
        few = len(listing.list_rows(db, as_of=dt.date(2026, 11, 27), search=FEW_HITS))
        many = len(listing.list_rows(db, as_of=dt.date(2026, 11, 27), search=MANY_HITS))
        overdue = db.execute("SELECT COUNT(*) FROM petitions WHERE status IN ('new','assigned') AND due_on < ?",
                             [as_of]).fetchone()[0]
        db.conn.close()
        size_mb = path.stat().st_size / 2**20
        print(f"{label}: {n:,} petitions, {size_mb:,.0f} MB — search hits {few} / {many}; {overdue:,} overdue; "
              f"top agency {top_agency} holds {agency_rows:,}", flush=True)
        t: dict[str, float] = {}
        note: dict[str, str] = {}
        answers[label] = {"petition list --search (few hits)": few, "petition list --search (many hits, first screen)": many,
                          "report overdue (table)": overdue, "petition list --agency X -f json (all rows)": agency_rows}
        t["light command (agency list)"] = light[label] = median_time([DOITHOAI, "agency", "list", "-f", "json"], reps, env)
        t["petition list --search (few hits)"] = median_time(
            [DOITHOAI, "petition", "list", "--search", FEW_HITS, "-f", "csv", "--as-of", as_of], reps, env)
        note["petition list --search (few hits)"] = f"{few} hits"
        t["petition list --search (many hits, first screen)"] = statistics.median(
            first_screen_time([DOITHOAI, "petition", "list", "--search", MANY_HITS, "-f", "csv", "--as-of", as_of], env)
            for _ in range(reps))
        note["petition list --search (many hits, first screen)"] = f"{many:,} hits, first 30 lines"
        t["report summary"] = median_time([DOITHOAI, "report", "summary", "--as-of", as_of], reps, env)
        t["report overdue (table)"] = median_time([DOITHOAI, "report", "overdue", "--as-of", as_of], reps, env)
        note["report overdue (table)"] = f"{overdue:,} overdue rows, table to a pipe"
        ours = median_time([DOITHOAI, "petition", "list", "--agency", top_agency, "-f", "json", "--as-of", as_of], reps, env)
        shell = shell_json_time(path, sql, params, reps)
        t["petition list --agency X -f json (all rows)"] = ours
        note["petition list --agency X -f json (all rows)"] = (f"{agency_rows:,} rows; sqlite3 shell {ms(shell)}, "
                                                               f"{ours / shell:.1f}×")
        verdicts[f"{label}:json"] = "yes" if ours <= 3 * shell else "no"
        # db check: the day's first run reads every page (PRAGMA quick_check, recorded in
        # <base>.check); later runs that day check only what changed since the last verified anchor.
        check_state = Path(str(path) + ".check")
        t["db check (first of the day: quick_check)"] = median_time(
            [DOITHOAI, "db", "check"], 1 if n >= 1_000_000 else max(1, reps // 2), env, ok=(0, 1),
            prepare=lambda check_state=check_state: check_state.unlink(missing_ok=True))
        note["db check (first of the day: quick_check)"] = f"PRAGMA quick_check reads all {size_mb:,.0f} MB, once a day"
        t["db check (default, again the same day)"] = median_time([DOITHOAI, "db", "check"], reps, env, ok=(0, 1))
        note["db check (default, again the same day)"] = "events and rows since the last verified anchor"
        if LAST_ERR[0]:
            note["db check (default, again the same day)"] += f"; it reported: {LAST_ERR[0]}"
        t["db check --full"] = median_time([DOITHOAI, "db", "check", "--full"], 1, env, ok=(0, 1))
        # writes go to a copy: the backup (with a writer committing to the copy) and remind
        copy = folder / f"remind-{label}.db"
        for suffix in ("", ".anchors"):
            if Path(str(path) + suffix).exists():
                shutil.copyfile(str(path) + suffix, str(copy) + suffix)
        # cron checks, then reminds: today's page check belongs to a file, so the copy gets its own
        timed([DOITHOAI, "-q", "db", "check"], env_for(copy), ok=(0, 1))
        backup = folder / f"backup-{label}.db"
        for side in folder.glob(f"backup-{label}.db*"):
            side.unlink()
        took, worst, commits = _backup_with_writer(env_for(copy), copy, backup)
        t["db backup (a writer committing every 50 ms)"] = took
        note["db backup (a writer committing every 50 ms)"] = (f"longest wait of the writer {ms(worst)}, "
                                                               f"{commits} commits meanwhile")
        verdicts[f"{label}:backup"] = "yes" if worst <= 1.0 else "no"
        for side in folder.glob(f"backup-{label}.db*"):  # the backup and its manifest
            side.unlink()
        letters = folder / f"letters-{label}"
        shutil.rmtree(letters, ignore_errors=True)
        letters.mkdir()
        t["remind"] = timed([DOITHOAI, "-q", "remind", "--out", str(letters), "--as-of", as_of], env_for(copy))[0]
        sent = len(list(letters.glob("*.docx")))
        answers[label]["remind"] = sent
        budget = 2 + 0.05 * sent
        note["remind"] = f"{sent} letters: goal {budget:.1f} s; today's page check already recorded"
        verdicts[f"{label}:remind"] = "yes" if t["remind"] <= budget else "no"
        for side in folder.glob(f"remind-{label}.db*"):  # the copy, its WAL, anchors and check stamp
            side.unlink()
        shutil.rmtree(letters, ignore_errors=True)
        for name, value in t.items():
            print(f"  {name}: {ms(value)} {('— ' + note[name]) if name in note else ''}", flush=True)
        rows[label], notes[label] = t, note
    _in_process(scale_base(folder, sizes[-1], SCALE_SIZES[sizes[-1]]), sizes[-1])
    print("Import (measured here, owned by the intake work)", flush=True)
    work = Path(tempfile.mkdtemp(prefix="doithoai-import-", dir=folder))
    try:
        imports = {}
        for n in (20_000, 100_000, 300_000):
            write_csv(work / f"import-{n}.csv", n, seed=n)
            base = work / "import.db"
            fresh_base(base)
            imports[n] = timed_peak([DOITHOAI, "-q", "petition", "import", str(work / f"import-{n}.csv"), "--session", "S1",
                                "-f", "json"], env_for(base))
            print(f"  import {n:,} rows: {n / imports[n][0]:,.0f} rows/s ({imports[n][0]:.1f} s), "
                  f"peak {imports[n][1] / 1024:.0f} MiB", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    typer_after = median_time([PY, "-c", "import typer"], 7)
    last = sizes[-1]
    print()
    print(f"Time vs size (whole-process medians; python -c 'import typer' {ms(typer_import)} before and "
          f"{ms(typer_after)} after, load average {os.getloadavg()[0]:.1f}: the machine's load is in every figure; "
          "'above start-up' subtracts the light command at the same size)")
    print()
    print("| command | " + " | ".join(sizes) + f" | above start-up at {last} | growth | before (issue 15, 1M) "
          f"| goal at 1M | met at {last} | note |")
    print("|---|" + "---|" * len(sizes) + "---|---|---|---|---|---|")
    for name in rows[sizes[0]]:
        cells = [ms(rows[label][name]) for label in sizes]
        value = rows[last][name]
        above = ms(max(value - light[last], 0))
        size_growth = growth({label: rows[label][name] - light[label] for label in sizes},
                             {label: answers[label].get(name) for label in sizes} if name in answers[sizes[0]] else None)
        goal = GOALS_1M.get(name, "")
        if name.startswith("petition list --agency"):
            met = verdicts[f"{last}:json"]
        elif name.startswith("db backup"):
            met = verdicts[f"{last}:backup"]
        elif name == "remind":
            met = verdicts[f"{last}:remind"]
        else:
            limit = float(goal.split()[1]) * (1000 if goal.split()[2] == "s" else 1) / 1000
            met = "yes" if value <= limit else "no"
        extra = notes[last].get(name, "")
        if met == "no":
            extra += "; " if extra else ""
            extra += BOUNDS.get(name, "see the note in README")
        print(f"| {name} | " + " | ".join(cells) + f" | {above} | {size_growth} | {BEFORE_1M.get(name, '')} | {goal} "
              f"| {met} | {extra} |")
    blank = " |" * (len(sizes) - 1 + 2)  # the other sizes, above start-up, growth
    print(f"| doithoai --help | {ms(help_time)} |{blank} — | ≤ 1.0× import typer | "
          f"{'yes' if help_time <= typer_import else 'no'} ({help_time / typer_import:.2f}×) | |")
    (_, rss20), (t100, rss100), (_, rss300) = imports[20_000], imports[100_000], imports[300_000]
    print(f"| import 100k rows with validation | {100_000 / t100:,.0f} rows/s ({t100:.1f} s) |{blank} ~32k rows/s | "
          f"≥ 50k rows/s | {'yes' if 100_000 / t100 >= 50_000 else 'no'} | owned by the intake work |")
    print(f"| import peak memory | {rss20 / 1024:.0f} MiB at 20k, {rss100 / 1024:.0f} MiB at 100k, "
          f"{rss300 / 1024:.0f} MiB at 300k ({rss300 / rss20:.2f}×) |{blank} — | flat (at 300k) | | "
          "owned by the intake work; -f json lists every possible duplicate |")


# What bounds a figure when its goal is not met (printed in the table's note).
BOUNDS = {
    "db check (first of the day: quick_check)": (
        "bounded by PRAGMA quick_check, which reads every page of the file: SQLite has no check of only the pages "
        "changed since the last one. It runs at most once a day per file and its verdict is recorded "
        "(<base>.check); every later check that day, and remind, reuse it"),
    "db check --full": "integrity_check of every page and index plus a replay of every sealed row (Python sha256)",
    "remind": "one .docx per agency, rendered by docxtpl; a letter lists every overdue petition of its agency",
    "report overdue (table)": "reading the overdue rows (random pages of the petitions table) and laying out every row",
    "petition list --search (many hits, first screen)": "sorting every hit by session date before the first line",
    "petition list --search (few hits)": "interpreter and Typer start-up plus the trigram query",
    "report summary": "interpreter and Typer start-up",
    "light command (agency list)": "interpreter and Typer start-up",
}


# -- hostile spreadsheets (issue 12) ---------------------------------------------------------

def bench_bombs(work: Path) -> None:
    """Each bomb refused in under 5 s with peak memory under 200 MB (the whole process)."""
    print("Hostile spreadsheets", flush=True)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "fixtures"))
    import bombs

    db = work / "bombs.db"
    fresh_base(db)
    env = env_for(db)
    baseline, _ = timed([DOITHOAI, "session", "list"], env)
    for kind, build in bombs.ALL.items():
        path = build(work / f"bom-{kind}.xlsx")
        start = time.perf_counter()
        proc = subprocess.Popen([DOITHOAI, "petition", "import", str(path), "--session", "S1"], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        err = proc.stderr.read().decode("utf-8", "replace")
        proc.stderr.close()
        refused = os.waitstatus_to_exitcode(status) == 1 and "vượt giới hạn" in err
        record(f"bomb {kind} ({path.stat().st_size / 1024:,.0f} KB)",
               f"{'refused' if refused else 'NOT REFUSED'} in {elapsed:.2f} s, {usage.ru_maxrss / 1024:.0f} MB",
               f"session list {ms(baseline)}", "", "refused, < 5 s, < 200 MB")


# -- integrity at scale (issue 12 / 15: db check, db backup) ----------------------------------

def bench_integrity(work: Path, petitions: int) -> None:
    print(f"db check / db backup at {petitions:,} petitions", flush=True)
    path = work / "province.db"
    if not path.exists():
        build_large(path, petitions, 5000, 200)
    env = env_for(path)
    Path(str(path) + ".anchors").unlink(missing_ok=True)
    first, _ = timed([DOITHOAI, "db", "check"], env)  # no verified anchor yet: replays from the start
    subprocess.run([DOITHOAI, "-q", "agency", "add", "BENCH", "Cơ quan thêm sau"], env=env, check=True)
    again, _ = timed([DOITHOAI, "db", "check"], env)
    full, rss = timed([DOITHOAI, "db", "check", "--full"], env)
    record("db check (incremental, after one write)", ms(again), f"first check {ms(first)}", "", "≤ 2 s")
    record("db check --full", f"{full:.1f} s, {rss / 1024:.0f} MB", "", "", "≤ 60 s")
    target = work / "backup.db"
    target.unlink(missing_ok=True)
    Path(str(target) + ".json").unlink(missing_ok=True)
    # a writer committing every 50 ms during the backup: its longest wait for the lock
    script = ("import sqlite3, sys, time; c = sqlite3.connect(sys.argv[1], timeout=30, isolation_level=None); "
              "worst = 0; end = time.time() + float(sys.argv[2])\n"
              "while time.time() < end:\n"
              "    t = time.perf_counter(); c.execute('BEGIN IMMEDIATE'); "
              "c.execute(\"INSERT OR REPLACE INTO settings (key, value) VALUES ('bench.tick', ?)\", [str(t)]); "
              "c.execute('COMMIT'); worst = max(worst, time.perf_counter() - t); time.sleep(0.05)\n"
              "print(worst)")
    writer = subprocess.Popen([PY, "-c", script, str(path), "8"], stdout=subprocess.PIPE, text=True)
    took, _ = timed([DOITHOAI, "db", "backup", str(target)], env)
    worst = float(writer.communicate()[0].strip() or 0)
    record("db backup (online, in steps)", f"{took:.1f} s", f"longest writer wait {ms(worst)}", "", "writer ≤ 1 s")


# -- both engines side by side ------------------------------------------------------------------

def throwaway_cluster(work: Path):
    """A temporary PostgreSQL cluster (initdb/pg_ctl, a free port, `nobody` when root): (url, stop)."""
    import socket

    found = shutil.which("initdb")
    bins = [Path(found).resolve().parent] if found else sorted(Path("/usr/lib/postgresql").glob("*/bin"),
                                                               key=lambda p: int(p.parts[-2]))
    if not bins or not (bins[-1] / "initdb").exists():
        return None, None
    bindir = bins[-1]
    root = Path(tempfile.mkdtemp(prefix="doithoai-bench-pg-"))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    prefix: list[str] = []
    if os.geteuid() == 0:
        import pwd

        entry = pwd.getpwnam("nobody")
        os.chmod(root, 0o755)
        os.chown(root, entry.pw_uid, entry.pw_gid)
        prefix = ["runuser", "-u", "nobody", "--"]
    data = root / "data"
    subprocess.run([*prefix, str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                    "--locale=C.UTF-8", "-N"], check=True, capture_output=True, cwd=root)
    subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-w", "-o",
                    f"-p {port} -k {root} -c listen_addresses=127.0.0.1", "start"], check=True, capture_output=True, cwd=root)

    def stop():
        subprocess.run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                       capture_output=True, cwd=root)
        shutil.rmtree(root, ignore_errors=True)

    try:
        import psycopg

        with psycopg.connect(f"postgresql://postgres@127.0.0.1:{port}/postgres", autocommit=True) as conn:
            conn.execute("CREATE DATABASE bench")
    except BaseException:
        stop()
        raise

    return f"postgresql://postgres@127.0.0.1:{port}/bench", stop


def bench_engines(work: Path, petitions: int, writes: int, pg_url: str | None) -> None:
    """The main figures on SQLite and on PostgreSQL, side by side: whole commands (process
    start included) on the same generated base, and the engine-level work below them."""
    print(f"Both engines at {petitions:,} petitions", flush=True)
    try:
        import psycopg  # noqa: F401
    except ImportError:
        print("  PostgreSQL: skipped (pip install -e '.[postgres]')")
        return
    stop = None
    if pg_url is None:
        pg_url, stop = throwaway_cluster(work)
        if pg_url is None:
            print("  PostgreSQL: skipped (no server binaries and no --pg URL)")
            return
    try:
        _bench_engines(work, petitions, writes, f"{pg_url}?unit=bench")
    finally:
        if stop:
            stop()


def _bench_engines(work: Path, petitions: int, writes: int, url: str) -> None:
    from doithoai import maintenance, transfer
    from doithoai.base import open_base
    from doithoai.db import transaction
    from doithoai.events import log_event

    path = work / "engines.db"
    build_large(path, petitions, max(petitions // 200, 1), 50)
    figures: dict[str, dict[str, str]] = {}

    def put(name: str, engine: str, value: str) -> None:
        figures.setdefault(name, {})[engine] = value

    start = time.perf_counter()
    transfer.copy(path, url, force=True)
    put("db copy from the other engine", "PostgreSQL", f"{time.perf_counter() - start:.1f} s")
    back = work / "engines-back.db"
    start = time.perf_counter()
    transfer.copy(url, back, force=True)
    put("db copy from the other engine", "SQLite", f"{time.perf_counter() - start:.1f} s")
    commands = [("report overdue -f json", ["report", "overdue", "-f", "json", "--as-of", "2026-11-27"]),
                ("report summary", ["report", "summary", "--as-of", "2026-11-27"]),
                ("petition list --search 'dat dai' -n 20", ["petition", "list", "--search", "dat dai", "-n", "20"]),
                ("session list", ["session", "list"])]
    for engine, target in (("SQLite", str(path)), ("PostgreSQL", url)):
        env = {**os.environ, "DOITHOAI_DB": target}
        for name, args in commands:
            put(f"doithoai {name}", engine, ms(median_time([DOITHOAI, *args], 3, env)))
        opened = []
        for _ in range(5):
            start = time.perf_counter()
            db = open_base(target if engine == "PostgreSQL" else Path(target))
            opened.append(time.perf_counter() - start)
            db.conn.close()
        put("open a base (connect, schema check, seed check)", engine, ms(statistics.median(opened)))
        db = open_base(target if engine == "PostgreSQL" else Path(target))
        try:
            start = time.perf_counter()
            for i in range(writes):
                with transaction(db):
                    pid = db.insert("petitioners", {"name": f"b{i}", "name_fold": f"b{i}"})
                    log_event(db, "create", "petitioners", pid)
            took = time.perf_counter() - start
            put(f"{writes} write transactions (row + event + seal)", engine, f"{writes / took:,.0f}/s")
            sql = ("SELECT lead_agency_id, count(*) FROM petitions WHERE status IN ('new', 'assigned') AND due_on < ? "
                   "GROUP BY lead_agency_id ORDER BY lead_agency_id")
            times = []
            for _ in range(5):
                start = time.perf_counter()
                db.execute(sql, ["2026-11-27"]).fetchall()
                times.append(time.perf_counter() - start)
            put("overdue count by agency (one SQL text)", engine, f"{statistics.median(times) * 1000:.1f} ms")
            start = time.perf_counter()
            problems = maintenance.check(db, full=True)["problems"]
            put("db check --full", engine, f"{time.perf_counter() - start:.1f} s" + (" (PROBLEMS)" if problems else ""))
        finally:
            db.conn.close()
    print(f"  {'figure':52} {'SQLite':>12} {'PostgreSQL':>12}")
    for name, row in figures.items():
        print(f"  {name:52} {row.get('SQLite', '—'):>12} {row.get('PostgreSQL', '—'):>12}")
        RESULTS.append((f"{name} (SQLite \\| PostgreSQL)", f"{row.get('SQLite', '—')} \\| {row.get('PostgreSQL', '—')}",
                        "the other engine", "", "side by side"))
    print("  (a sealed write is ~18 statements: on a server each is a network round trip, and each commit is "
          "flushed to disk; SQLite in WAL mode with synchronous=NORMAL does not flush per commit)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smaller data, fewer repeats (under a minute)")
    parser.add_argument("--keep", action="store_true", help="keep the generated data")
    parser.add_argument("--scale", action="store_true", help="time vs size at 10k / 100k / 1M petitions")
    parser.add_argument("--sizes", default="10k,100k,1M", help="with --scale: which sizes (10k,100k,1M)")
    parser.add_argument("--bases", type=Path, default=Path(os.environ.get("DOITHOAI_BENCH_BASES", "/tmp/doithoai-bases")),
                        help="with --scale: where the generated bases are kept and reused (not in the repository)")
    parser.add_argument("--runs", type=int, default=5, help="with --scale: repeats per figure (median)")
    parser.add_argument("--only", choices=["bombs", "integrity", "import", "engines"], help="run one section only")
    parser.add_argument("--pg", help="PostgreSQL URL for the side-by-side engine figures (default: a throw-away "
                        "cluster when the server binaries are installed)")
    args = parser.parse_args()
    if args.scale:
        print(f"doithoai scale benchmark, {dt.datetime.now():%Y-%m-%d %H:%M}; machine: {platform.machine()}, "
              f"{os.cpu_count()} cores, Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}")
        bench_scale(args.bases, [s.strip() for s in args.sizes.split(",")], args.runs)
        return
    quick = args.quick
    print(f"doithoai benchmarks — {'quick' if quick else 'full'} run, {dt.datetime.now():%Y-%m-%d %H:%M}")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"SQLite {sqlite3.sqlite_version}, {platform.platform()}")
    work = Path(tempfile.mkdtemp(prefix="doithoai-bench-"))
    try:
        if args.only == "bombs":
            bench_bombs(work)
            return
        if args.only == "integrity":
            bench_integrity(work, 200_000 if quick else 1_000_000)
            return
        if args.only == "import":
            bench_import(work, 20_000 if quick else 100_000, 1 if quick else 3)
            print_results()
            return
        if args.only == "engines":
            bench_engines(work, 20_000 if quick else 200_000, 200 if quick else 1000, args.pg)
            return
        bench_startup(work, 5 if quick else 11)
        bench_import(work, 20_000 if quick else 100_000, 1 if quick else 3)
        bench_overdue(work, 200_000 if quick else 1_000_000, 3 if quick else 5)
        bench_due_dates(20_000 if quick else 100_000)
        bench_minutes(work, 500, 3 if quick else 5)
        bench_bombs(work)
        bench_integrity(work, 200_000 if quick else 1_000_000)
        bench_engines(work, 20_000 if quick else 200_000, 200 if quick else 1000, args.pg)
    finally:
        if args.keep:
            print(f"data kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print_results()


def print_results() -> None:
    print()
    print("| figure | measured | baseline | ratio | target |")
    print("|---|---|---|---|---|")
    for row in RESULTS:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
