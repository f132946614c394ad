"""Helpers of the domain tests: services called as a script calls them, on a copied base.

Every write runs in `db.transaction` as the CLI runs it; `refused` proves a refused write
raised the domain error and left the base exactly as it was.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from doithoai import petition_listing, petitions, sessions
from doithoai.db import transaction
from doithoai.errors import DoithoaiError

SESSION = "2023-khoen-on"
HELD = dt.date(2023, 9, 14)  # the session template's meeting (Thursday)
INTAKE = dt.date(2023, 9, 5)  # when add_petition registers a petition


def write(db, service, *args, **kwargs):
    """`service(db, *args, **kwargs)` in one transaction, as one command runs it."""
    with transaction(db):
        return service(db, *args, **kwargs)


def dump(db) -> str:
    """The whole base as SQL, read through the service's own connection (on a server: the
    unit's every table, rows in key order)."""
    if db.engine == "postgresql":
        from conftest import pg_dump

        return pg_dump(db)
    return "\n".join(db.conn.iterdump())


def refused(db, match: str, service, *args, error: type[Exception] = DoithoaiError, **kwargs) -> DoithoaiError:
    """The service refuses (error type, message matching `match`) and nothing is written."""
    before = dump(db)
    with pytest.raises(error, match=match) as caught:
        write(db, service, *args, **kwargs)
    assert dump(db) == before, "a refused write changed the base"
    return caught.value


def add(db, name: str = "Lò Văn Thắng", content: str = "Đề nghị cấp giấy chứng nhận quyền sử dụng đất",
        session: str = SESSION, today: dt.date = INTAKE, **extra) -> int:
    """A petition typed by a clerk (as `petition add`), registered on `today`; its id."""
    return write(db, petitions.add, today, session=session, name=name, content=content, **extra)["id"]


def rows(db, as_of: dt.date = HELD, **filters) -> list[dict]:
    """A petition listing (`petition list` with these filters)."""
    return petition_listing.list_rows(db, as_of=as_of, **filters)


def row(db, pid: int, as_of: dt.date = HELD) -> dict:
    return next(r for r in rows(db, as_of, status=petitions.get(db, pid)["status"]) if r["id"] == pid)


def ids(db, as_of: dt.date = HELD, **filters) -> list[int]:
    return [r["id"] for r in rows(db, as_of, **filters)]


def hold(db, session: str = SESSION, notice: dt.date = dt.date(2023, 9, 1), held: dt.date = HELD) -> None:
    """The invitation sent, then the meeting held on its date."""
    write(db, sessions.advance, session, "notice_sent", notice, notice)
    write(db, sessions.advance, session, "held", held, held)


def events(db, action: str) -> list[dict]:
    """The audit-log entries of one action, before/after decoded."""
    out = []
    for e in db.query("SELECT * FROM events WHERE action = ? ORDER BY id", [action]):
        e = dict(e)
        e["before"] = json.loads(e["before"]) if e["before"] else None
        e["after"] = json.loads(e["after"]) if e["after"] else None
        out.append(e)
    return out


def fetch(db, sql: str, params=()) -> list[tuple]:
    """The rows of a query as tuples, to compare with literal lists."""
    return [tuple(r) for r in db.execute(sql, params)]


def import_files(db, *paths, session: str = SESSION, today: dt.date = HELD, dry_run: bool = False, **options):
    """`petition import`: every file read and checked first, then written in one transaction
    (undone with dry_run). Returns the batch summary."""
    from doithoai.importing import batch

    summary = batch.prepare(db, today, list(paths), session, **options)
    with transaction(db, rollback=dry_run):
        batch.write(db, today, summary)
    return summary


def session_on(db, commune: str, day: dt.date) -> str:
    """A second session (`session create`); its code."""
    return write(db, sessions.create, commune=commune, date=day)["code"]


def import_refused(db, match: str, *paths, **options) -> DoithoaiError:
    """`import_files` refuses (message matching `match`) and nothing is written."""
    before = dump(db)
    with pytest.raises(DoithoaiError, match=match) as caught:
        import_files(db, *paths, **options)
    assert dump(db) == before, "a refused import changed the base"
    return caught.value
