"""The bad-input corpus: every file is refused cleanly and the base is left as it was."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import dump

BAD = Path(__file__).parent / "fixtures" / "bad"
FILES = sorted(p for p in BAD.iterdir() if p.is_file())


def command(path: Path, session: str) -> list:
    prefix = path.name.split("-")[0]
    return {
        "import": ["petition", "import", path, "--session", session],
        "agency": ["agency", "import", path],
        "template": ["doc", "plan", session, "-o", path.parent / "khong-duoc-tao.docx", "--template", path],
        "calendar": ["calendar", "import", path],
    }[prefix]


def test_the_corpus_covers_every_input():
    assert len(FILES) >= 25
    prefixes = {p.name.split("-")[0] for p in FILES}
    suffixes = {p.suffix for p in FILES}
    assert prefixes == {"import", "agency", "template", "calendar"}
    assert {".csv", ".xlsx", ".docx", ".jsonl"} <= suffixes


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_bad_file_is_refused_cleanly(cli, session, db_path, path, tmp_path):
    before = dump(db_path)
    result = cli(*command(path, session), code=1)
    assert result.stderr.startswith("Lỗi: "), result.stderr
    assert path.name in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and "Gợi ý:" in result.stderr
    assert dump(db_path) == before
    assert not (path.parent / "khong-duoc-tao.docx").exists()
