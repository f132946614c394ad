"""The typed records (doithoai/records.py) name exactly the columns of their tables: a migration
that adds, drops or changes the nullability of a column fails here until the record follows."""

import typing

import pytest
from conftest import add_petition

from doithoai import records
from doithoai.base import open_base


@pytest.mark.parametrize("table", sorted(records.TABLES))
def test_record_keys_are_the_table_columns(tmp_path, table):
    db = open_base(tmp_path / "base.db")
    record = records.TABLES[table]
    hints = typing.get_type_hints(record)
    columns = {r[1]: (r[2], bool(r[3]) or r[1] == "id") for r in db.execute(f"PRAGMA table_info({table})")}
    assert list(hints) == list(columns)
    for name, (sql_type, not_null) in columns.items():
        base = int if sql_type == "INTEGER" else str
        assert hints[name] == (base if not_null else base | None), name


def test_services_return_the_records(cli, session, case_db):
    from doithoai import agencies, petitions, sessions

    add_petition(cli, session)
    db = case_db
    s = sessions.get(db, session)
    assert set(s) == set(typing.get_type_hints(records.Session))
    assert {frozenset(a) for a in agencies.list_all(db)} == {frozenset(typing.get_type_hints(records.Agency))}
    pid = db.execute("SELECT MIN(id) FROM petitions").fetchone()[0]
    assert set(petitions.get(db, pid)) == set(typing.get_type_hints(records.Petition))
