"""Services name the command that fixes an error as data (errors.Fix); the CLI writes the
sentence with the command line (cli/_errors.FIX_HINTS). No command syntax in a service."""

import re
from pathlib import Path

import pytest

from doithoai.cli._errors import FIX_HINTS, hint_of
from doithoai.errors import DoithoaiError, NotFound, fix

PACKAGE = Path(__file__).resolve().parent.parent / "doithoai"


def _named_fixes() -> set[str]:
    named = set()
    for path in PACKAGE.rglob("*.py"):
        if "cli" not in path.relative_to(PACKAGE).parts:
            named |= set(re.findall(r"\bfix\(\"([a-z_.]+)\"", path.read_text(encoding="utf-8")))
    return named


def test_every_named_fix_has_a_sentence_and_every_sentence_is_used():
    named = _named_fixes()
    assert named, "no service names a fix: the scan is broken"
    assert named == set(FIX_HINTS)


def test_the_cli_phrases_the_fix_after_the_hint():
    assert hint_of(NotFound("x", fix=fix("session.list"))) == "Xem danh sách bằng `doithoai session list`."
    assert hint_of(DoithoaiError("x", "Kiểm tra lại.", fix=fix("petition.reopen", id=7))) == \
        "Kiểm tra lại. Mở lại trước: `doithoai petition reopen 7 --reason …`."
    assert hint_of(DoithoaiError("x", "Chỉ lời.")) == "Chỉ lời."
    assert hint_of(DoithoaiError("x", fix=fix("doc.fix_tags_then_check"))) == (  # braces survive the formatting
        "Sửa thẻ {{ … }} hoặc {% … %} trong Word (mỗi thẻ phải mở và đóng đủ), rồi kiểm tra bằng `doithoai doc check TỆP`.")
    assert hint_of(DoithoaiError("x", "Các lĩnh vực hợp lệ: Đất đai (dat-dai).", fix=fix("field.add"))) == (
        "Các lĩnh vực hợp lệ: Đất đai (dat-dai). Thêm lĩnh vực mới bằng `doithoai field add TÊN`.")


@pytest.mark.parametrize(("args", "hint"), [
    (("petition", "show", "999"), "Gợi ý: Xem danh sách bằng `doithoai petition list`."),
    (("session", "show", "KHONG-CO"), "Gợi ý: Xem danh sách bằng `doithoai session list`."),
    (("config", "set", "khong.co", "1"), "Gợi ý: Xem danh sách bằng `doithoai config show`."),
])
def test_the_user_reads_the_same_hint_as_before(cli, unit, args, hint):
    assert hint in cli.fail(*args).stderr
