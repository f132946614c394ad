"""Search as a clerk searches: the full-text index gives exactly the hits of a folded substring
match over the same texts, on a generated base; filters; % and _ taken literally."""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
import sys
from pathlib import Path

import pytest
from conftest import add_petition

from doithoai import petition_listing, search
from doithoai.base import open_base
from doithoai.db import transaction
from doithoai.errors import DoithoaiError
from doithoai.text import fold

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import generate

AS_OF = generate.AS_OF


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("search") / "generated.db"
    generate.build(path, 3000, seed=11, quiet=True)
    db = open_base(path)
    with transaction(db):  # changes after the index was built: they go through the queue
        db.execute("UPDATE petitioners SET name = 'Đỗ Thị Đào', name_fold = 'do thi dao', address = 'Bản Đán Đăm' "
                   "WHERE id = 7")
        db.execute("UPDATE petitions SET conclusion = 'Giao Điện lực kiểm tra đường dây' WHERE id = 11")
        db.execute("UPDATE petitions SET field_id = (SELECT id FROM fields WHERE code = 'y-te') WHERE id = 12")
        db.execute("INSERT INTO actions (petition_id, kind, on_date, summary, created_at) "
                   "VALUES (13, 'answer_meeting', '2017-01-09', 'Đồng ý hỗ trợ giống ngô lai', '')")
        db.execute("UPDATE petitions SET content = 'Giảm 50% học phí; mã số A_12', content_fold = ? WHERE id = 14",
                   [fold("Giảm 50% học phí; mã số A_12")])
    db.conn.close()
    return path


def texts(db) -> dict[int, list[str]]:
    """Every searchable text of every petition, folded in Python (the reference)."""
    out: dict[int, list[str]] = {}
    for pid, name, address, phone, content, conclusion, field, aliases in db.execute(
            "SELECT p.id, pr.name, pr.address, pr.phone, p.content, p.conclusion, COALESCE(f.name, ''), "
            "COALESCE(f.aliases, '') FROM petitions p JOIN petitioners pr ON pr.id = p.petitioner_id "
            "LEFT JOIN fields f ON f.id = p.field_id"):
        out[pid] = [fold(x) for x in (name, address, phone, content, conclusion, field, aliases)]
    for pid, summary in db.execute("SELECT petition_id, summary FROM actions "
                                   "WHERE kind IN ('answer_meeting', 'answer_written')"):
        out[pid].append(fold(summary))
    return out


def like_hits(db, query: str) -> set[int]:
    """Today's search before this index: folded LIKE, word by word, over the old columns."""
    where, params = [], []
    for word in fold(query).split():
        where.append("(p.content_fold LIKE ? ESCAPE '\\' OR pr.name_fold LIKE ? ESCAPE '\\' "
                     "OR f.name_fold LIKE ? ESCAPE '\\')")
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params += [f"%{escaped}%"] * 3
    return {r[0] for r in db.execute(
        "SELECT p.id FROM petitions p JOIN petitioners pr ON pr.id = p.petitioner_id "
        "LEFT JOIN fields f ON f.id = p.field_id WHERE " + " AND ".join(where), params)}


def queries(db, rng: random.Random) -> list[str]:
    fixed = ["dat dai", "Đất đai", "ĐẤT ĐAI", "bhyt", "GPMB", "csxh", "thu hoi dat boi thuong", "nguyen van",
             "Nậm Cuổi", "ta", "a", "0", "09", "lo van", "điện lưới", "đường", "hộ nghèo 2019", "do thi dao",
             "dan dam", "dien luc", "giong ngo lai", "50%", "_", "a_12", "%", "xyzzy", "thắng", "Điêu", "hợp tác xã"]
    docs = [r[0] for r in db.execute("SELECT content FROM petitions ORDER BY random() LIMIT 40")]
    names = [r[0] for r in db.execute("SELECT name FROM petitioners ORDER BY random() LIMIT 20")]
    phones = [r[0][2:7] for r in db.execute("SELECT phone FROM petitioners WHERE phone <> '' LIMIT 10")]
    sampled = []
    for text in docs + names:
        words = text.split()
        start = rng.randrange(len(words))
        sampled.append(" ".join(words[start:start + rng.randint(1, 3)]))
    for text in docs[:10]:  # substrings that cut words
        i = rng.randrange(max(1, len(text) - 8))
        sampled.append(text[i:i + rng.randint(2, 8)])
    return fixed + sampled + phones


def test_fulltext_hits_equal_a_folded_substring_match(base):
    db = open_base(base)
    reference = texts(db)
    rng = random.Random(5)
    assert search.pending(db) >= 4
    checked = 0
    for q in queries(db, rng):
        words = fold(q).split()
        if not words:
            continue
        expected = {pid for pid, parts in reference.items() if all(any(w in t for t in parts) for w in words)}
        got = [r["id"] for r in petition_listing.list_rows(db, as_of=AS_OF, search=q)]
        assert len(got) == len(set(got))
        assert set(got) == expected, q
        # Everything today's LIKE found is still found (the index covers more texts, not fewer).
        assert like_hits(db, q) <= set(got), q
        checked += 1
    assert checked > 80
    assert search.pending(db) == 0  # the first search folded the queued changes into the index



@pytest.mark.parametrize("sort", ["date", "relevance"])
def test_a_search_lists_its_rows_in_the_order_of_the_one_query(base, sort):
    """Searches read the hits' ids in order first, then their rows by pages: the same rows,
    in the same order, as the single listing query."""
    db = open_base(base)
    for q in ("dat", "nguyen van", "ban", "bhyt", "xyz khong co"):
        sql, params = petition_listing.list_query(db, as_of=AS_OF, search=q, sort=sort)
        one_query = [r[0] for r in db.execute(sql, params)]
        paged = [r["id"] for r in petition_listing.iter_rows(db, as_of=AS_OF, search=q, sort=sort)]
        assert paged == one_query, q
    assert len(one_query) == 0 and len([r for r in db.execute(sql, params)]) == 0
    many = petition_listing.list_rows(db, as_of=AS_OF, search="a")
    assert len(many) > 2000  # more than one page of rows
    sql, params = petition_listing.list_query(db, as_of=AS_OF, search="a")
    assert [r["id"] for r in many] == [r[0] for r in db.execute(sql, params)]

def test_search_covers_every_text_and_aliases(base):
    db = open_base(base)

    def ids(q):
        return {r["id"] for r in petition_listing.list_rows(db, as_of=AS_OF, search=q)}

    assert 11 in ids("điện lực đường dây")  # the chair's conclusion
    assert 13 in ids("giong ngo lai")  # an answer given at the meeting
    assert ids("do thi dao dan dam") == {r[0] for r in db.execute("SELECT id FROM petitions WHERE petitioner_id = 7")}
    bhyt = ids("bhyt")
    assert 12 in bhyt  # its field became "Y tế", whose aliases include BHYT
    assert bhyt >= {r[0] for r in db.execute("SELECT p.id FROM petitions p JOIN fields f ON f.id = p.field_id "
                                             "WHERE f.code = 'y-te'")}
    assert ids("50%") == {14} and ids("a_12") == {14}
    assert len(ids("50")) > 1 and ids("5_%") == set() and ids("a%12") == set()


def test_search_stays_right_while_another_writer_holds_the_base(base, tmp_path):
    copy = tmp_path / "copy.db"
    src = sqlite3.connect(base)
    src.backup(sqlite3.connect(copy))
    src.close()
    db = open_base(copy)
    with transaction(db):
        db.execute("UPDATE petitions SET content = 'Đường vào bản Khuổi Phjặc bị sạt', content_fold = ? WHERE id = 20",
                   [fold("Đường vào bản Khuổi Phjặc bị sạt")])
    other = sqlite3.connect(copy, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # a long import, say
    try:
        assert [r["id"] for r in petition_listing.list_rows(db, as_of=AS_OF, search="phjặc")] == [20]
        assert search.pending(db) == 1  # not folded in: the base was busy
    finally:
        other.execute("ROLLBACK")
    assert [r["id"] for r in petition_listing.list_rows(db, as_of=AS_OF, search="phjặc")] == [20]
    assert search.pending(db) == 0


def test_relevance_puts_the_phrase_first(case_db):
    from case import add, rows

    add(case_db, "Lò Văn Thắng", "Nước về bản chậm; đất sản xuất thiếu")
    add(case_db, "Hoàng Thị Mai", "Đề nghị giải quyết tranh chấp đất sản xuất")
    assert [r["petitioner"] for r in rows(case_db, search="dat san xuat")] == ["Lò Văn Thắng", "Hoàng Thị Mai"]
    ranked = [r["petitioner"] for r in rows(case_db, search="đất sản xuất", sort="relevance")]
    assert ranked == ["Hoàng Thị Mai", "Lò Văn Thắng"]
    with pytest.raises(DoithoaiError, match="Sắp xếp theo mức độ khớp chỉ dùng khi có từ khóa"):
        rows(case_db, sort="relevance")
    with pytest.raises(DoithoaiError, match="không hợp lệ"):
        rows(case_db, sort="abc")


def test_filters_by_dates_urgency_and_source(case_db):
    from case import add, ids

    a = add(case_db, "Lò Văn Thắng", "Đường bản", urgency="khan", source="mttq", registered_on=dt.date(2023, 9, 1))
    b = add(case_db, "Hoàng Thị Mai", "Nước sạch", registered_on=dt.date(2023, 9, 5))
    D = dt.date
    assert ids(case_db, urgency="khan") == [a]
    assert ids(case_db, urgency="thuong") == [b]
    assert ids(case_db, source="mttq") == [a]
    assert ids(case_db, received_from=D(2023, 9, 2)) == [b]
    assert ids(case_db, received_to=D(2023, 9, 1)) == [a]
    assert ids(case_db, received_from=D(2023, 9, 1), received_to=D(2023, 9, 5)) == [a, b]
    assert ids(case_db, due_from=D(2023, 10, 5), due_to=D(2023, 10, 5)) == [a, b]  # the session's answer date
    assert ids(case_db, due_to=D(2023, 10, 4)) == []
    with pytest.raises(DoithoaiError, match=r"hạn trả lời.*10/10/2023"):
        ids(case_db, due_from=D(2023, 10, 10), due_to=D(2023, 10, 1))
    with pytest.raises(DoithoaiError, match="Mức độ"):
        ids(case_db, urgency="gap")


def test_search_after_a_change_finds_the_new_text(case_db):
    from case import HELD, add, hold, ids, write

    from doithoai import petition_actions

    pid = add(case_db, "Lò Văn Thắng", "Đường bản")
    assert ids(case_db, search="duong ban") == [pid]
    hold(case_db)
    write(case_db, petition_actions.conclude, HELD, pid, text="Giao UBND xã khảo sát tuyến đường")
    assert ids(case_db, search="khao sat") == [pid]
    assert ids(case_db, search="khao sat tuyen duong xyz") == []


def test_search_sort_and_filter_options(cli, session):
    a = add_petition(cli, session, "Lò Văn Thắng", "Đất sản xuất thiếu", "--urgency", "khan", "--source", "mttq",
                     "--registered-on", "01/09/2023")
    b = add_petition(cli, session, "Hoàng Thị Mai", "Tranh chấp đất sản xuất", "--registered-on", "05/09/2023")

    def ids(*args):
        return [r["id"] for r in cli.json("petition", "list", *args)]

    assert ids("--search", "đất sản xuất", "--sort", "relevance") == [b, a]
    assert ids("--urgency", "khan", "--source", "mttq") == [a]
    assert ids("--received-from", "02/09/2023") == [b]
    assert ids("--received-from", "01/09/2023", "--received-to", "2023-09-01") == [a]
    assert ids("--due-from", "05/10/2023", "--due-to", "05/10/2023") == [a, b]
    assert cli.fail("petition", "list", "--sort", "relevance").stderr.startswith("Lỗi: Sắp xếp theo mức độ khớp")
    err = cli.fail("petition", "list", "--due-from", "10/10/2023", "--due-to", "01/10/2023").stderr
    assert "hạn trả lời" in err and "10/10/2023" in err
    assert "--received-from" in cli.fail("petition", "list", "--received-from", "31/02/2023").stderr
    assert "Mức độ" in cli.fail("petition", "list", "--urgency", "gap").stderr


def test_migration_indexes_a_base_that_predates_the_index(tmp_path, monkeypatch):
    monkeypatch.setattr(search, "CHUNK", 1)  # one petition per write transaction: several chunks
    import sqlite_utils
    from sqlite_utils import Migrations

    from doithoai import migrations, reports

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    earlier = Migrations("doithoai")
    for fn in migrations.MIGRATIONS:
        if fn.__name__.startswith("m009"):
            break
        earlier(name=fn.__name__)(fn)
    earlier.apply(sqlite_utils.Database(conn))
    conn.executescript("""
        INSERT INTO fields (code, name, name_fold, aliases) VALUES ('y-te', 'Y tế', 'y te', 'bhyt,bao hiem y te');
        INSERT INTO sessions (code, commune, date, status, answer_due, created_at)
            VALUES ('S', 'Khoen On', '2024-03-05', 'held', '2024-03-26', '');
        INSERT INTO petitioners (name, name_fold, address, phone) VALUES ('Đặng Thị Đào', 'dang thi dao', 'Bản Đông Pao', '0912345678');
        INSERT INTO petitions (session_id, petitioner_id, stable_key, content, content_fold, field_id, status, due_on, created_at)
            VALUES (1, 1, 'a', 'Xin cấp thẻ', 'xin cap the', 1, 'answered', '2024-03-26', ''),
                   (1, 1, 'b', 'Đường đất', 'duong dat', NULL, 'assigned', '2024-03-26', '');
        INSERT INTO actions (petition_id, kind, on_date, doc_number, doc_date, summary, created_at)
            VALUES (1, 'answer_written', '2024-03-20', '1/UBND', '2024-03-20', 'Đã cấp thẻ tháng Ba', '');
    """)
    conn.commit()
    conn.close()
    db = open_base(path)
    as_of = dt.date(2024, 4, 1)

    def ids(q):
        return [r["id"] for r in petition_listing.list_rows(db, as_of=as_of, search=q)]

    assert search.pending(db) == 2  # queued by the migration, folded in by the first search
    assert ids("BHYT") == [1] and ids("thang ba") == [1] and ids("dong pao duong") == [2] and ids("0912") == [1, 2]
    assert search.pending(db) == 0
    assert reports.summary(db, as_of) == reports._summary_direct(db, as_of)
    assert reports.summary(db, as_of)["written_answers"] == 1
