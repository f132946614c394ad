"""Full-text search over petitions: what a clerk types in `--search`.

Semantics (the same as the folded LIKE it replaces, over more fields): the query is folded
(diacritics, case, đ → d), split on whitespace, and every word must occur as a substring of
one of the petition's searchable texts — petitioner name, address, phone, content, chair's
conclusion, the answers recorded (meeting or written), and the field's name and aliases (so
BHYT finds the petitions of "Y tế"). `%` and `_` are ordinary characters.

How: an FTS5 trigram index (`petition_search`, detail=full so that a word is found from the
index alone) over one folded document per petition. SQLite cannot fold đ (nor, before 3.45, any diacritic) inside the trigram tokenizer, so the text is
folded here in Python with text.fold — the very function the old LIKE used — and triggers
only queue the ids of changed petitions in `search_stale` (cheap, pure SQL, so writes by any
tool keep the queue right). `catch_up` folds the queued petitions into the index; a search
calls it first, and if the base cannot be written right now it matches the queued petitions
in Python instead, so a hit is never missed.
"""

from __future__ import annotations

import re

from doithoai.db import BUSY_TIMEOUT_S
from doithoai.text import fold

BUSY_TIMEOUT_MS = int(BUSY_TIMEOUT_S * 1000)

SEP = "\n"  # a query word never contains whitespace, so no match spans two texts

DOC_SQL = """
SELECT p.id, pr.name_fold, pr.address, pr.phone, p.content_fold, p.conclusion,
       COALESCE(f.name_fold, ''), COALESCE(f.aliases, ''),
       (SELECT group_concat(x.summary, char(10)) FROM actions x
         WHERE x.petition_id = p.id AND x.kind IN ('answer_meeting', 'answer_written'))
FROM petitions p
JOIN petitioners pr ON pr.id = p.petitioner_id
LEFT JOIN fields f ON f.id = p.field_id
"""

# The index, the queue and the triggers that fill it: migrations.m009_search_and_tallies.


def document(row, folded: dict[str, str] | None = None) -> str:
    """The folded searchable text of one DOC_SQL row (without its id). `folded`: a cache of
    fold() for the texts that repeat from row to row (villages, a field's aliases)."""
    name_fold, address, phone, content_fold, conclusion, field_fold, aliases, answers = row
    if folded is None:
        folded = {}
    address_fold = folded.get(address)
    if address_fold is None:
        address_fold = folded[address] = fold(address)
    parts = [name_fold, address_fold, phone, content_fold]
    if conclusion:
        parts.append(fold(conclusion))
    if field_fold:
        parts.append(field_fold)
    if aliases:
        aliases_fold = folded.get(aliases)
        if aliases_fold is None:
            aliases_fold = folded[aliases] = fold(aliases)
        parts.append(aliases_fold)
    if answers:
        parts.extend(fold(a) for a in answers.split("\n"))
    return SEP.join(parts)


def words(query: str | None) -> list[str]:
    return fold(query).split() if query else []


def matches(doc: str, terms: list[str]) -> bool:
    return all(t in doc for t in terms)


def _index(db, sql: str, params, batch: int) -> int:
    cursor = db.conn.cursor()
    cursor.arraysize = batch
    cursor.execute(sql, params)
    n = 0
    while chunk := cursor.fetchmany(batch):
        folded: dict[str, str] = {}  # per chunk: bounded
        db.conn.executemany("INSERT INTO petition_search (rowid, doc) VALUES (?, ?)",
                            [(r[0], document(r[1:], folded)) for r in chunk])
        n += len(chunk)
    return n


def pending(db) -> int:
    return db.execute("SELECT COUNT(*) FROM search_stale").fetchone()[0]


def write_briefly(db, work) -> bool:
    """Run `work` in a write transaction if the lock comes within a moment; False (nothing
    written) when the base is busy or read-only. A read command uses this to fold queued
    changes in: it must not wait ten seconds behind a long import. Never on a file that
    failed its integrity check or is known not to take writes (db.py sets those flags)."""
    if getattr(db, "damaged", None) or getattr(db, "read_only", None):
        return False
    db.execute("PRAGMA busy_timeout = 300")
    try:
        db.conn.execute("BEGIN IMMEDIATE")
    except db.write_errors:
        return False
    finally:
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    try:
        work()
        db.conn.execute("COMMIT")
    except db.write_errors:  # read-only file, disk full: leave it to the next writer
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        return False
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    return True


CHUNK = 20_000  # petitions folded per write transaction: writers never wait long behind a catch-up


def catch_up(db) -> int:
    """Fold the queued petitions into the index, CHUNK at a time, each chunk in its own short
    write transaction (after an upgrade of a large base the first search indexes everything;
    a clerk's write waits at most one chunk). Returns how many were folded, or -1 when the
    base could not be written now (what is left stays queued). The caller must not be inside
    a transaction."""
    done = 0
    while db.execute("SELECT 1 FROM search_stale LIMIT 1").fetchone() is not None:
        step: list[int] = []

        def work(step=step):
            ids = [r[0] for r in db.execute("SELECT petition_id FROM search_stale ORDER BY petition_id LIMIT ?",
                                            [CHUNK])]
            db.execute("CREATE TEMP TABLE IF NOT EXISTS search_chunk (petition_id INTEGER PRIMARY KEY)")
            db.execute("DELETE FROM temp.search_chunk")
            db.conn.executemany("INSERT INTO temp.search_chunk VALUES (?)", [(i,) for i in ids])
            db.execute("DELETE FROM petition_search WHERE rowid IN (SELECT petition_id FROM temp.search_chunk)")
            _index(db, DOC_SQL + " WHERE p.id IN (SELECT petition_id FROM temp.search_chunk)", (), 5000)
            db.execute("DELETE FROM search_stale WHERE petition_id IN (SELECT petition_id FROM temp.search_chunk)")
            step.append(len(ids))

        if not write_briefly(db, work):
            return -1
        done += step[0]
    return done


def hits_sql(terms: list[str], engine: str = "sqlite") -> tuple[str, list]:
    """A subquery of petition ids whose indexed document holds every term.

    A quoted string of three characters or more is a substring query to the trigram index
    (MATCH, answered from the index alone). Shorter terms, and terms holding % or _, are
    checked with instr() on the candidates; a query made only of such terms reads every
    document. (LIKE would also use the index, but must read each candidate's text, and SQLite
    3.40's trigram LIKE crashes when a short pattern precedes a long one.)"""
    if engine == "postgresql":  # pg_trgm: a LIKE '%word%' per word, answered from the GIN index
        from doithoai.dialect import like_substring

        return ("SELECT rowid FROM petition_search WHERE " + " AND ".join(["doc LIKE ? ESCAPE '\\'"] * len(terms)),
                [like_substring(t) for t in terms])
    phrases, checks = [], []
    for t in terms:
        run = max(re.split("[%_]", t), key=len)
        if len(run) >= 3:
            phrases.append('"' + run.replace('"', '""') + '"')
        if run != t or len(run) < 3:
            checks.append(t)
    where, params = [], []
    if phrases:
        where.append("petition_search MATCH ?")
        params.append(" AND ".join(phrases))
    where += ["instr(doc, ?) > 0"] * len(checks)
    return "SELECT rowid FROM petition_search WHERE " + " AND ".join(where), [*params, *checks]


def petition_ids(db, query: str | None) -> tuple[str, list] | None:
    """(SQL subquery of matching petition ids, params), or None when the query has no word.
    Brings the index up to date first; if the base is busy or read-only, the queued petitions
    are matched here in Python and added, so the answer is the same either way."""
    terms = words(query)
    if not terms:
        return None
    sql, params = hits_sql(terms, db.engine)
    if (db.conn.in_transaction or catch_up(db) < 0) and pending(db):
        extra = [r[0] for r in db.execute(DOC_SQL + " WHERE p.id IN (SELECT petition_id FROM search_stale)")
                 if matches(document(r[1:]), terms)]
        sql += " AND rowid NOT IN (SELECT petition_id FROM search_stale)"
        if extra:
            sql += " UNION ALL SELECT value FROM json_each(?)"
            params.append("[" + ",".join(map(str, extra)) + "]")
    return sql, params


def phrase(query: str | None) -> str:
    """The whole folded query, for ranking hits that hold it as written first."""
    return " ".join(words(query))
