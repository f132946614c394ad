"""The one way doithoai writes a file: whole or not at all, and readable by its owner only.

Every export may hold petitioners' personal data (Decree 13/2023), so a new file is created
0600 and a new folder 0700 whatever the umask; a file that already exists keeps its mode
when it is replaced (an office that chose 0640 for a shared report keeps it).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
from pathlib import Path

from doithoai.errors import DoithoaiError, Fix

FILE_MODE = 0o600
DIR_MODE = 0o700


def make_private_dir(path, parents: bool = True) -> Path:
    """mkdir with mode 0700 whatever the umask (mkdir's mode is masked; chmod is not)."""
    path = Path(path)
    missing = []
    probe = path
    while not probe.exists() and probe != probe.parent:
        missing.append(probe)
        if not parents:
            break
        probe = probe.parent
    try:
        path.mkdir(mode=DIR_MODE, parents=parents, exist_ok=True)
        for created in missing:
            os.chmod(created, DIR_MODE)
    except OSError as e:
        raise DoithoaiError(f"Không tạo được thư mục {path}: {e.strerror}.",
                            "Kiểm tra quyền ghi vào thư mục cha, hoặc chọn đường dẫn khác.") from None
    return path


def _mode_for(path: Path, mode: int | None) -> int:
    if mode is not None:
        return mode
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return FILE_MODE


@contextlib.contextmanager
def atomic_file(path, mode: int | None = None, what: str = "", hint: str = "", fix: Fix | None = None):
    """Yield a binary file object to write; on success the file replaces `path` in one rename
    (after an fsync, so a full disk shows here and not later); on any error nothing is left."""
    path = Path(path)
    if not path.parent.is_dir():
        raise DoithoaiError(f"Thư mục {path.parent} không tồn tại.", "Tạo thư mục trước, hoặc chọn đường dẫn khác.")
    final_mode = _mode_for(path, mode)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
        os.fchmod(fd, final_mode)  # the umask never widens or narrows what we chose
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException as e:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(e, OSError):
            raise DoithoaiError(f"Không ghi được {what or 'tệp'} {path}: {e.strerror or e}; tệp không được tạo.",
                                hint or (None if fix else "Kiểm tra dung lượng ổ đĩa và quyền ghi vào thư mục, "
                                                            "hoặc chọn đường dẫn khác."), fix=fix) \
                from None
        raise


def write_atomic(path, data: bytes, mode: int | None = None, what: str = "", hint: str = "") -> str:
    """Write a whole file or nothing, owner-only unless it already exists. Returns sha256."""
    with atomic_file(path, mode, what, hint) as f:
        f.write(data)
    return hashlib.sha256(data).hexdigest()


def create_private(path) -> None:
    """An empty owner-only file that must not exist yet (SQLite then fills it in place)."""
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE)
    os.fchmod(fd, FILE_MODE)
    os.close(fd)


def sha256_file(path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_stream(stream, text: str) -> None:
    """Write all of `text` to a text stream such as stdout, or raise. An unbuffered stream
    (PYTHONUNBUFFERED, `python -u`) accepts a short write on a nearly full disk and reports
    only the count, so a plain write() would lose the rest silently: loop until all is out."""
    stream.flush()
    raw = getattr(stream, "buffer", None)
    if raw is None:
        stream.write(text)
        stream.flush()
        return
    data = memoryview(text.encode(getattr(stream, "encoding", None) or "utf-8"))
    while data:
        written = raw.write(data)
        if written is None:  # non-blocking stream not ready: treat as an error rather than spin
            raise OSError(5, "đầu ra không nhận dữ liệu")
        data = data[written:]
    raw.flush()
