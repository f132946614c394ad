"""E-mail over SMTP: the settings, the password, the outbox and delivery.

Every message goes through the outbox (table mail_outbox): it is queued in the transaction
that writes what it reports, then delivered with no database lock held (an SMTP server can
take seconds), and each attempt is recorded (message id, time, recipients, result) in its
own short transaction. A refused delivery stays 'failed' and the next run tries again.

The password is never stored in the base, never printed and never logged: it comes from
the environment variable DOITHOAI_MAIL_PASSWORD or from a file only its owner can read
(setting mail.password_file), and is scrubbed from any error text a server sends back.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from doithoai import settings
from doithoai.db import log_event, now_utc, transaction
from doithoai.errors import DoithoaiError, fix

PASSWORD_ENV = "DOITHOAI_MAIL_PASSWORD"
TIMEOUT_S = 30
DOCX_TYPE = ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document")


@dataclass(frozen=True)
class MailConfig:
    host: str
    port: int
    security: str
    user: str
    password_file: str
    sender: str
    reply_to: str
    office: str
    chair: str
    pdf: str


def config(db) -> MailConfig:
    s = settings.get_all(db)
    return MailConfig(host=s["mail.host"], port=int(s["mail.port"]), security=s["mail.security"], user=s["mail.user"],
                      password_file=s["mail.password_file"], sender=s["mail.sender"], reply_to=s["mail.reply_to"],
                      office=s["mail.office"], chair=s["mail.chair"], pdf=s["mail.pdf"])


def require_ready(cfg: MailConfig) -> None:
    missing = [key for key, value in (("mail.host", cfg.host), ("mail.sender", cfg.sender)) if not value]
    if missing:
        raise DoithoaiError(f"Chưa thiết lập gửi thư: thiếu {', '.join(missing)}.",
                            fix=fix("mail.set_host_sender"))


def password(cfg: MailConfig) -> str | None:
    """From $DOITHOAI_MAIL_PASSWORD, else from mail.password_file (refused unless owner-only)."""
    value = os.environ.get(PASSWORD_ENV)
    if value:
        return value
    if not cfg.password_file:
        if cfg.user:
            raise DoithoaiError(f"Có tài khoản SMTP {cfg.user} nhưng chưa có mật khẩu.",
                                fix=fix("mail.set_password", variable=PASSWORD_ENV))
        return None
    path = Path(cfg.password_file).expanduser()
    try:
        st = path.stat()
    except OSError as e:
        raise DoithoaiError(f"Không đọc được tệp mật khẩu {path}: {e.strerror}.",
                            "Kiểm tra thiết lập mail.password_file.") from None
    if st.st_mode & (stat.S_IRWXG | stat.S_IRWXO) or (hasattr(os, "getuid") and st.st_uid != os.getuid()):
        raise DoithoaiError(f"Tệp mật khẩu {path} không phải chỉ chủ sở hữu đọc được (quyền {stat.filemode(st.st_mode)}).",
                            f"Chạy `chmod 600 {path}` bằng đúng người dùng chạy doithoai.")
    try:
        return path.read_text(encoding="utf-8").strip("\r\n")
    except (OSError, UnicodeDecodeError) as e:
        raise DoithoaiError(f"Không đọc được tệp mật khẩu {path}: {e}.", "Ghi mật khẩu dạng văn bản UTF-8, một dòng.") from None


def scrub(text: str, secret: str | None) -> str:
    text = str(text)
    if secret:
        text = text.replace(secret, "***")
        import base64

        text = text.replace(base64.b64encode(secret.encode()).decode(), "***")
    return text


def compose(cfg: MailConfig, to: list[str], cc: list[str], subject: str, body: str, attachments: list[str]):
    """The message, with a fresh Message-ID. Attachments must exist (DoithoaiError otherwise)."""
    from email.message import EmailMessage
    from email.utils import formatdate, make_msgid

    msg = EmailMessage()
    msg["From"] = cfg.sender
    msg["To"] = ", ".join(to)
    if cc:
        msg["Cc"] = ", ".join(cc)
    if cfg.reply_to:
        msg["Reply-To"] = cfg.reply_to
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain=cfg.sender.rsplit("@", 1)[-1])
    msg.set_content(body, charset="utf-8")
    for name in attachments:
        path = Path(name)
        try:
            data = path.read_bytes()
        except OSError as e:
            raise DoithoaiError(f"Không đọc được tệp đính kèm {path}: {e.strerror}.",
                                fix=fix("doc.reminder_again")) from None
        maintype, subtype = DOCX_TYPE if path.suffix.lower() == ".docx" else ("application", "pdf")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=path.name)
    return msg


def _login(server, user: str, secret: str) -> None:
    """smtplib encodes credentials as ASCII; a password with Vietnamese letters goes as
    AUTH PLAIN in UTF-8 (RFC 4616) instead."""
    import base64
    import smtplib

    if (user + secret).isascii():
        server.login(user, secret)
        return
    server.ehlo_or_helo_if_needed()
    token = base64.b64encode(f"\0{user}\0{secret}".encode()).decode("ascii")
    code, response = server.docmd("AUTH", "PLAIN " + token)
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, response)


def deliver(cfg: MailConfig, secret: str | None, msg, recipients: list[str]) -> None:
    """Hand the message to the SMTP server; DoithoaiError (password scrubbed) when it refuses."""
    import smtplib
    import ssl

    server: smtplib.SMTP
    try:
        if cfg.security == "ssl":
            server = smtplib.SMTP_SSL(cfg.host, cfg.port, timeout=TIMEOUT_S, context=ssl.create_default_context())
        else:
            server = smtplib.SMTP(cfg.host, cfg.port, timeout=TIMEOUT_S)
        with server:
            if cfg.security == "starttls":
                server.starttls(context=ssl.create_default_context())
            if cfg.user:
                _login(server, cfg.user, secret or "")
            refused = server.send_message(msg, to_addrs=recipients)
            if refused:
                raise DoithoaiError("máy chủ từ chối: " + "; ".join(f"{a} ({c} {m.decode(errors='replace') if isinstance(m, bytes) else m})"
                                                                     for a, (c, m) in refused.items()))
    except DoithoaiError as e:
        raise DoithoaiError(scrub(e.message, secret)) from None
    except smtplib.SMTPResponseException as e:
        text = e.smtp_error.decode(errors="replace") if isinstance(e.smtp_error, bytes) else str(e.smtp_error)
        raise DoithoaiError(scrub(f"máy chủ trả lời {e.smtp_code} {text}", secret)) from None
    except smtplib.SMTPRecipientsRefused as e:
        raise DoithoaiError(scrub(f"máy chủ từ chối người nhận {', '.join(e.recipients)}", secret)) from None
    except (TimeoutError, smtplib.SMTPException, OSError, ssl.SSLError, UnicodeError) as e:
        raise DoithoaiError(scrub(f"không kết nối được {cfg.host}:{cfg.port} ({type(e).__name__}: {e})", secret)) from None


# -- the outbox ------------------------------------------------------------------------------

def queue(db, target: str, on_date: str, subject: str, body: str, *, agency_id: int | None = None,
          attachments: Sequence[str] = (), petition_ids: Sequence[int] = (), escalated: bool = False,
          document_id: int | None = None) -> int | None:
    """Queue one message; None if this target already has one for the day. Caller holds the transaction."""
    cursor = db.execute(
        "INSERT OR IGNORE INTO mail_outbox (target, agency_id, on_date, subject, body, attachments, petition_ids, "
        "escalated, document_id, created_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
        [target, agency_id, on_date, subject, body, json.dumps(list(attachments)), json.dumps(list(petition_ids)),
         int(escalated), document_id, now_utc()])
    return cursor.lastrowid if cursor.rowcount else None


def add_attachment(db, outbox_id: int, path: str) -> None:
    row = db.execute("SELECT attachments FROM mail_outbox WHERE id = ?", [outbox_id]).fetchone()
    db.execute("UPDATE mail_outbox SET attachments = ? WHERE id = ?", [json.dumps([*json.loads(row[0]), path]), outbox_id])


def unsent(db) -> list[dict]:
    """Messages still to deliver: queued now, or refused before (oldest first)."""
    rows = db.query("SELECT o.*, a.code AS agency, a.name AS agency_name FROM mail_outbox o "
                    "LEFT JOIN agencies a ON a.id = o.agency_id WHERE o.status <> 'sent' ORDER BY o.id")
    for r in rows:
        r["attachments"] = json.loads(r["attachments"])
        r["petition_ids"] = json.loads(r["petition_ids"])
    return rows


def _split(addresses: str) -> list[str]:
    return [a.strip() for a in addresses.split(",") if a.strip()]


def recipients(db, cfg: MailConfig, item: dict) -> tuple[list[str], list[str], str | None]:
    """(to, cc, problem): worked out at sending time, so a fixed address applies to a retry."""
    if item["target"] == "test":
        return _split(item["recipients"]), [], None
    if item["target"] == "office":
        if not cfg.office:
            return [], [], "chưa đặt địa chỉ thư của Văn phòng (mail.office)"
        return _split(cfg.office), [], None
    email, code, head_email = db.execute("SELECT email, code, head_email FROM agencies WHERE id = ?",
                                         [item["agency_id"]]).fetchone()
    if not email:
        return [], [], f"cơ quan {code} chưa có địa chỉ thư"
    cc: list[str] = []
    ids = item["petition_ids"]
    if ids:  # supporting agencies of these petitions, in copy
        for chunk in range(0, len(ids), 500):
            part = ids[chunk:chunk + 500]
            cc += [r[0] for r in db.execute(
                f"SELECT DISTINCT a.email FROM assignments x JOIN agencies a ON a.id = x.agency_id "
                f"WHERE x.petition_id IN ({','.join('?' * len(part))}) AND x.role = 'support' AND x.active = 1 "
                "AND a.email <> '' ORDER BY a.code", part)]
    to = [email]
    if item["escalated"]:  # the head, and the chair's office in copy
        to += [head_email] if head_email and head_email != email else []
        cc += _split(cfg.chair)
    cc = [a for i, a in enumerate(cc) if a not in to and a not in cc[:i]]
    return to, cc, None


CLAIM_MINUTES = 10  # a run that died while sending leaves a claim; after this it is taken over


def _claim(db, outbox_id: int) -> bool:
    """Mark a message as being delivered by this run, unless another run holds a fresh claim."""
    import datetime as dt

    now = dt.datetime.now(dt.UTC)
    stale = (now - dt.timedelta(minutes=CLAIM_MINUTES)).isoformat(timespec="seconds")
    with transaction(db):
        return db.execute("UPDATE mail_outbox SET claimed_at = ? WHERE id = ? AND status <> 'sent' "
                          "AND (claimed_at IS NULL OR claimed_at < ?)",
                          [now.isoformat(timespec="seconds"), outbox_id, stale]).rowcount == 1


def send_unsent(db, *, only: list[int] | None = None) -> list[dict]:
    """Deliver every unsent message (or those ids); record each attempt. Holds no lock while talking SMTP."""
    cfg = config(db)
    require_ready(cfg)
    secret = password(cfg)
    results = []
    for item in unsent(db):
        if only is not None and item["id"] not in only:
            continue
        if not _claim(db, item["id"]):
            continue  # another run (cron overlapping itself) is delivering it right now
        to, cc, problem = recipients(db, cfg, item)
        message_id, error = "", problem or ""
        if not problem:
            try:
                msg = compose(cfg, to, cc, item["subject"], item["body"], item["attachments"])
                message_id = msg["Message-ID"]
                deliver(cfg, secret, msg, to + cc)
            except DoithoaiError as e:
                error = scrub(e.message, secret)
        result = "failed" if error else "sent"
        at = now_utc()
        with transaction(db):
            db.execute("INSERT INTO mail_attempts (outbox_id, at, message_id, recipients, result, error) VALUES (?,?,?,?,?,?)",
                       [item["id"], at, message_id, ", ".join(to + cc), result, error])
            db.execute("UPDATE mail_outbox SET status = ?, message_id = ?, recipients = ?, attempts = attempts + 1, "
                       "last_attempt_at = ?, sent_at = ?, error = ?, claimed_at = NULL WHERE id = ?",
                       [result, message_id, ", ".join(to + cc), at, at if result == "sent" else None, error, item["id"]])
            log_event(db, "mail.send" if result == "sent" else "mail.fail", "mail_outbox", item["id"], None,
                      {"message_id": message_id, "target": item["target"], "agency": item.get("agency"),
                       "recipients": len(to + cc), "result": result})
        results.append({**item, "to": to, "cc": cc, "message_id": message_id, "result": result, "error": error,
                        "attempts": item["attempts"] + 1})
    return results


def send_test(db, address: str, today) -> dict:
    """Queue and send a short test message to one address."""
    from doithoai.settings import _addresses

    address = _addresses(address)
    if not address or "," in address:
        raise DoithoaiError("Cần đúng một địa chỉ thư để gửi thử.", fix=fix("mail.test_one"))
    cfg = config(db)
    require_ready(cfg)
    password(cfg)  # fail early, before anything is queued
    unit = settings.get(db, "unit.name") or "doithoai"
    with transaction(db):
        outbox_id = queue(db, "test", today.isoformat(), f"[doithoai] Thư thử của {unit}",
                          f"Đây là thư thử do doithoai gửi từ {unit}.\n\nNếu bạn nhận được thư này, thiết lập gửi thư "
                          f"(máy chủ {cfg.host}:{cfg.port}, {cfg.security}) đã đúng.\n")
        db.execute("UPDATE mail_outbox SET recipients = ? WHERE id = ?", [address, outbox_id])
    assert outbox_id is not None  # test mails are exempt from the once-a-day index: always queued
    return send_unsent(db, only=[outbox_id])[0]


def deliveries(db, day: str | None = None, limit: int = 200) -> list[dict]:
    where, params = ("WHERE o.on_date = ?", [day]) if day else ("", [])
    return db.query(
        "SELECT o.id, o.target, a.code AS agency, o.on_date, o.subject, o.status, o.message_id, o.recipients, "
        "o.attempts, o.last_attempt_at, o.sent_at, o.error FROM mail_outbox o LEFT JOIN agencies a ON a.id = o.agency_id "
        f"{where} ORDER BY o.id DESC LIMIT ?", [*params, limit])
