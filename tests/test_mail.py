"""E-mail reminders against a real SMTP server (aiosmtpd) on a free localhost port."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import io
import os
import socket
import sqlite3

import pytest
from case import INTAKE, add, write
from conftest import dump, make_unit
from docx import Document

from doithoai import agencies, sessions, settings
from doithoai import petition_actions as actions
from doithoai.base import open_base
from doithoai.db import transaction

aiosmtpd = pytest.importorskip("aiosmtpd")
from aiosmtpd.controller import Controller  # noqa: E402
from aiosmtpd.smtp import AuthResult  # noqa: E402

PASSWORD = "s3cret-Mật-khẩu-42"


class Inbox:
    """Collects what the server accepted; refuses the first `refuse` deliveries with 550."""

    def __init__(self):
        self.messages = []
        self.refuse = 0
        self.logins = []

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            self.refuse -= 1
            return "550 5.7.1 Tạm thời từ chối (thử nghiệm)"
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), msg))
        return "250 OK"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        self.logins.append((auth_data.login.decode(), auth_data.password.decode()))
        ok = auth_data.password.decode() == PASSWORD
        return AuthResult(success=ok, handled=ok)  # handled=False: the server answers 535 itself

    def to(self, address):
        return [m for rcpts, m in self.messages if address in rcpts]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(monkeypatch):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), authenticator=inbox.authenticate,
                            auth_required=True, auth_require_tls=False)
    controller.start()
    monkeypatch.setenv("DOITHOAI_MAIL_PASSWORD", PASSWORD)
    yield inbox, controller.port
    controller.stop()


MAIL_SETTINGS = (("mail.host", "127.0.0.1"), ("mail.security", "none"), ("mail.user", "vanphong"),
                 ("mail.sender", "vanphong@thanuyen.gov.vn"), ("mail.reply_to", "hopthu@thanuyen.gov.vn"),
                 ("mail.office", "vanphong@thanuyen.gov.vn"), ("mail.chair", "bithu@thanuyen.gov.vn"), ("mail.pdf", "no"))


def configure(port: int) -> None:
    """The office's mail settings (what `config set mail.…` stores), on the test's base."""
    db = open_base(os.environ["DOITHOAI_DB"])
    try:
        with transaction(db):
            for key, value in (*MAIL_SETTINGS, ("mail.port", str(port))):
                settings.set_value(db, key, value)
    finally:
        db.conn.close()


def make_petitions(db) -> list[int]:
    """A session on 09/04/2025 (answers due Tue 29/04/2025): two petitions for TNMT (one with
    UBXA supporting), one for LDTBXH (no address yet), one unassigned."""
    make_unit(db)
    write(db, sessions.create, commune="Khoen On", date=dt.date(2025, 4, 9))
    ids = [add(db, f"Người {i}", f"Đề nghị sửa đường nội đồng bản Nà {i}", session="2025-khoen-on", today=INTAKE)
           for i in range(4)]
    write(db, actions.assign, dt.date(2025, 4, 9), ids[0], "TNMT", ["UBXA"])
    write(db, actions.assign, dt.date(2025, 4, 9), ids[1], "TNMT")
    write(db, actions.assign, dt.date(2025, 4, 9), ids[2], "LDTBXH")
    write(db, agencies.edit, "TNMT", email="tnmt@thanuyen.gov.vn")
    return ids  # ids[3] stays unassigned


@pytest.fixture
def petitions(templates, db_path, unit) -> list[int]:
    """make_petitions, built once per run through the services and copied for each test."""
    return templates.base("mail-2025", make_petitions, db_path)


def body(msg) -> str:
    return msg.get_body(preferencelist=("plain",)).get_content()


def test_send_once_per_day_with_letter_copies_and_office(cli, petitions, isolated, db_path, smtp):
    inbox, port = smtp
    configure(port)
    ids = petitions
    out = isolated / "nhac"
    first = cli("remind", "--send", "--out", out, "--as-of", "2025-05-06", code=1)  # LDTBXH has no address yet
    assert PASSWORD not in first.output and inbox.logins[0] == ("vanphong", PASSWORD)

    [tnmt] = inbox.to("tnmt@thanuyen.gov.vn")
    assert tnmt["To"] == "tnmt@thanuyen.gov.vn" and tnmt["Cc"] == "ubnd.khoenon@laichau.gov.vn"  # supporting agency
    assert tnmt["From"] == "vanphong@thanuyen.gov.vn" and tnmt["Reply-To"] == "hopthu@thanuyen.gov.vn"
    assert "Đôn đốc trả lời kiến nghị" in tnmt["Subject"] and "2 kiến nghị quá hạn" in tnmt["Subject"]
    text = body(tnmt)
    assert "còn 2 kiến nghị được giao chủ trì đã quá hạn" in text and "Đề nghị sửa đường nội đồng bản Nà 0" in text
    assert "quá 2 ngày làm việc" in text  # due 29/04; 30/04–04/05 off; 5 and 6 May counted
    [attachment] = list(tnmt.iter_attachments())
    assert attachment.get_filename() == "don-doc-TNMT-2025-05-06.docx"
    letter = Document(io.BytesIO(attachment.get_content()))
    assert "Kính gửi: Phòng Tài nguyên và Môi trường" in "\n".join(p.text for p in letter.paragraphs)

    [office] = inbox.to("vanphong@thanuyen.gov.vn")
    office_text = body(office)
    assert f"số {ids[3]}" in office_text and "chưa giao cơ quan trả lời" in office_text  # unassigned → the office
    assert "Báo cáo kết quả hội nghị" in office_text and "đã quá hạn" in office_text  # a missed milestone
    assert "LDTBXH" in office_text and "agency edit LDTBXH --email" in office_text
    assert "Chưa gửi được thư cho LDTBXH" in first.stderr and "chưa có địa chỉ thư" in first.stderr

    # cron runs again the same day: nothing new for TNMT or the office; LDTBXH is retried and still fails
    count = len(inbox.messages)
    cli("remind", "--send", "--out", out, "--as-of", "2025-05-06", code=1)
    assert len(inbox.messages) == count
    # the address is fixed: the next run delivers the letter that was waiting, once
    cli("agency", "edit", "LDTBXH", "--email", "ldtbxh@thanuyen.gov.vn")
    cli("remind", "--send", "--out", out, "--as-of", "2025-05-06")
    [ldtbxh] = inbox.to("ldtbxh@thanuyen.gov.vn")
    assert [a.get_filename() for a in ldtbxh.iter_attachments()] == ["don-doc-LDTBXH-2025-05-06.docx"]
    cli("remind", "--send", "--out", out, "--as-of", "2025-05-06")
    assert len(inbox.messages) == count + 1

    log = cli.json("mail", "log")
    assert {(r["target"], r["agency"], r["status"]) for r in log} == {
        ("agency", "TNMT", "sent"), ("agency", "LDTBXH", "sent"), ("office", None, "sent")}
    assert all(r["message_id"].startswith("<") for r in log)
    ld = next(r for r in log if r["agency"] == "LDTBXH")
    assert ld["attempts"] == 3 and ld["recipients"] == "ldtbxh@thanuyen.gov.vn"
    assert PASSWORD not in dump(db_path)


def test_refused_delivery_is_retried_and_reported(cli, petitions, isolated, smtp):
    inbox, port = smtp
    configure(port)
    cli("agency", "edit", "LDTBXH", "--email", "ldtbxh@thanuyen.gov.vn")
    inbox.refuse = 1  # the first message (LDTBXH, alphabetically first) is refused
    first = cli("remind", "--send", "--out", isolated / "nhac", "--as-of", "2025-05-06", code=1)
    assert "Chưa gửi được thư cho LDTBXH" in first.stderr and "550" in first.stderr
    assert inbox.to("ldtbxh@thanuyen.gov.vn") == [] and len(inbox.to("tnmt@thanuyen.gov.vn")) == 1
    # next working day: the refused letter of 06/05 goes out; no new letter (interval not reached)
    second = cli.json("remind", "--send", "--out", isolated / "nhac", "--as-of", "2025-05-07")
    assert second["letters"] == []
    assert [(d["target"], d["agency"], d["on_date"], d["result"], d["attempts"]) for d in second["deliveries"]] == [
        ("agency", "LDTBXH", "2025-05-06", "sent", 2), ("office", "", "2025-05-07", "sent", 1)]
    [msg] = inbox.to("ldtbxh@thanuyen.gov.vn")
    assert "kiến nghị quá hạn" in msg["Subject"]


def test_escalation_copies_the_chair(cli, petitions, isolated, smtp):
    inbox, port = smtp
    configure(port)
    cli("config", "set", "remind.interval_days", "1")
    cli("config", "set", "remind.escalate_after", "1")
    cli("agency", "edit", "TNMT", "--head-email", "truongphong.tnmt@thanuyen.gov.vn")
    for day in ("2025-05-06", "2025-05-07"):
        cli("remind", "--send", "--out", isolated / "nhac", "--as-of", day, code=1)
    second = [m for m in inbox.to("tnmt@thanuyen.gov.vn") if "(lần 2)" in m["Subject"]]
    assert len(second) == 1 and "bithu@thanuyen.gov.vn" in second[0]["Cc"]
    assert second[0]["To"] == "tnmt@thanuyen.gov.vn, truongphong.tnmt@thanuyen.gov.vn"
    first = [m for m in inbox.to("tnmt@thanuyen.gov.vn") if "(lần" not in m["Subject"]]
    assert "truongphong" not in first[0]["To"] and "bithu" not in (first[0]["Cc"] or "")


def test_dry_run_sends_and_writes_nothing(cli, petitions, isolated, db_path, smtp):
    inbox, port = smtp
    configure(port)
    before = dump(db_path)
    result = cli("remind", "--send", "--dry-run", "--out", isolated / "nhac", "--as-of", "2025-05-06")
    assert "Chạy thử với --send: sẽ gửi 3 thư" in result.stderr and "TNMT" in result.stdout
    assert "TNMT: văn bản đôn đốc, 2 quá hạn — tới tnmt@thanuyen.gov.vn, đồng gửi ubnd.khoenon@laichau.gov.vn" in result.stderr
    assert "LDTBXH: văn bản đôn đốc, 1 quá hạn — KHÔNG gửi được: cơ quan LDTBXH chưa có địa chỉ thư" in result.stderr
    assert "Văn phòng: nhắc việc của Văn phòng — tới vanphong@thanuyen.gov.vn" in result.stderr
    assert inbox.messages == [] and dump(db_path) == before and not (isolated / "nhac").exists()


def test_due_soon_is_announced_once(cli, petitions, isolated, smtp):
    inbox, port = smtp
    configure(port)
    cli("remind", "--send", "--out", isolated / "nhac", "--as-of", "2025-04-25", code=1)  # Fri; due Tue 29/04
    [notice] = inbox.to("tnmt@thanuyen.gov.vn")
    assert "sắp đến hạn" in notice["Subject"] and list(notice.iter_attachments()) == []
    assert "còn 3 ngày làm việc" in body(notice)  # Sat 26/04 is a make-up working day in 2025
    cli("remind", "--send", "--out", isolated / "nhac", "--as-of", "2025-04-28", code=1)
    assert len(inbox.to("tnmt@thanuyen.gov.vn")) == 1  # each petition announced once


def test_day_off_does_nothing_and_says_why(cli, petitions, isolated, smtp):
    inbox, port = smtp
    configure(port)
    result = cli("remind", "--send", "-v", "--out", isolated / "nhac", "--as-of", "2025-04-30")  # Giải phóng miền Nam
    assert "ngày nghỉ" in result.stderr and "Lý do:" in result.stderr and inbox.messages == []
    saturday = cli("remind", "--send", "-v", "--out", isolated / "nhac", "--as-of", "2025-05-10")
    assert "Thứ Bảy" in saturday.stderr or "thứ Bảy" in saturday.stderr


@pytest.mark.sqlite_only  # reads or writes the SQLite file itself
def test_mail_test_and_password_file(cli, unit, isolated, smtp, monkeypatch):
    inbox, port = smtp
    configure(port)
    monkeypatch.delenv("DOITHOAI_MAIL_PASSWORD")
    secret = isolated / "matkhau"
    secret.write_text(PASSWORD + "\n", encoding="utf-8")
    secret.chmod(0o644)
    cli("config", "set", "mail.password_file", secret)
    refused = cli.fail("mail", "test", "canbo@thanuyen.gov.vn")
    assert "chmod 600" in refused.stderr and inbox.messages == []
    secret.chmod(0o600)
    result = cli("mail", "test", "canbo@thanuyen.gov.vn")
    [msg] = inbox.to("canbo@thanuyen.gov.vn")
    assert "Thư thử" in msg["Subject"] and "Huyện ủy Than Uyên" in body(msg) and PASSWORD not in result.output
    wrong = isolated / "sai"
    wrong.write_text("mat-khau-sai", encoding="utf-8")
    wrong.chmod(0o600)
    cli("config", "set", "mail.password_file", wrong)
    failed = cli("mail", "test", "canbo@thanuyen.gov.vn", code=1)
    assert "535" in failed.stderr and "mat-khau-sai" not in failed.output
    assert "mat-khau-sai" not in cli("mail", "log").output
    conn = sqlite3.connect(isolated / "base.db")
    assert not any("mat-khau-sai" in str(row) for row in conn.execute("SELECT * FROM events"))
    conn.close()


def test_send_without_settings_is_refused_before_writing(cli, petitions, isolated, db_path):
    before = dump(db_path)
    result = cli.fail("remind", "--send", "--out", isolated / "nhac", "--as-of", "2025-05-06")
    assert "mail.host" in result.stderr and dump(db_path) == before
    assert not os.path.exists(isolated / "nhac")


@pytest.mark.slow
@pytest.mark.skipif(not (__import__("shutil").which("soffice") or __import__("shutil").which("libreoffice")),
                    reason="LibreOffice is not installed")
def test_letter_goes_with_its_pdf_when_libreoffice_is_present(cli, petitions, isolated, smtp):
    inbox, port = smtp
    configure(port)
    cli("config", "set", "mail.pdf", "auto")
    cli("remind", "--send", "--out", isolated / "nhac", "--as-of", "2025-05-06", code=1)
    [msg] = inbox.to("tnmt@thanuyen.gov.vn")
    parts = {a.get_filename(): a.get_content() for a in msg.iter_attachments()}
    assert sorted(parts) == ["don-doc-TNMT-2025-05-06.docx", "don-doc-TNMT-2025-05-06.pdf"]
    assert parts["don-doc-TNMT-2025-05-06.pdf"].startswith(b"%PDF")
    assert (os.stat(isolated / "nhac" / "don-doc-TNMT-2025-05-06.pdf").st_mode & 0o777) == 0o600


@pytest.mark.sqlite_only  # reads or writes the SQLite file itself
def test_a_message_being_sent_by_another_run_is_not_sent_twice(cli, petitions, isolated, db_path, smtp):
    inbox, port = smtp
    configure(port)
    cli("agency", "edit", "LDTBXH", "--email", "ldtbxh@thanuyen.gov.vn")
    cli("remind", "--out", isolated / "nhac", "--as-of", "2025-05-05")  # letters written, nothing queued
    cli("mail", "test", "canbo@thanuyen.gov.vn")
    conn = sqlite3.connect(db_path)
    with conn:  # an overlapping cron run claimed the test message a moment ago, and then died
        conn.execute("UPDATE mail_outbox SET status = 'failed', claimed_at = strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')")
    cli("remind", "--send", "--out", isolated / "nhac", "--as-of", "2025-05-06")
    assert len(inbox.to("canbo@thanuyen.gov.vn")) == 1  # claimed elsewhere: left alone
    with conn:  # the claim is old: the next run takes it over
        conn.execute("UPDATE mail_outbox SET claimed_at = '2025-01-01T00:00:00+00:00'")
    cli("remind", "--send", "--out", isolated / "nhac", "--as-of", "2025-05-06")
    assert len(inbox.to("canbo@thanuyen.gov.vn")) == 2
    conn.close()


def test_letters_written_without_sending_go_out_with_a_later_send(cli, petitions, isolated, smtp):
    inbox, port = smtp
    configure(port)
    cli("remind", "--out", isolated / "nhac", "--as-of", "2025-05-06")  # the morning cron had no --send
    assert inbox.messages == []
    preview = cli("remind", "--send", "--dry-run", "--out", isolated / "nhac", "--as-of", "2025-05-06")
    assert "TNMT: văn bản đôn đốc, 2 quá hạn — tới tnmt@thanuyen.gov.vn" in preview.stderr
    cli("remind", "--send", "--out", isolated / "nhac", "--as-of", "2025-05-06", code=1)  # LDTBXH: no address
    [tnmt] = inbox.to("tnmt@thanuyen.gov.vn")
    assert [a.get_filename() for a in tnmt.iter_attachments()] == ["don-doc-TNMT-2025-05-06.docx"]
    assert "còn 2 kiến nghị" in body(tnmt)
    count = len(inbox.messages)
    cli("remind", "--send", "--out", isolated / "nhac", "--as-of", "2025-05-06", code=1)
    assert len(inbox.messages) == count  # still once a day
