"""Writing files whole or not at all."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from doithoai.errors import DoithoaiError


def write_atomic(path, data: bytes, mode: int | None = None) -> str:
    """Write a whole file or nothing: a temporary file beside it, then a rename. Returns sha256."""
    path = Path(path)
    if not path.parent.is_dir():
        raise DoithoaiError(f"Thư mục {path.parent} không tồn tại.", "Tạo thư mục trước, hoặc chọn đường dẫn khác.")
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode if mode is not None else 0o666)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except OSError as e:
        try:
            tmp.unlink()
        except OSError:
            pass
        raise DoithoaiError(f"Không ghi được {path}: {e.strerror}.",
                            "Kiểm tra quyền ghi vào thư mục, hoặc chọn đường dẫn khác.") from None
    return hashlib.sha256(data).hexdigest()


def sha256_file(path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class open_atomic:
    """A file written as it goes and published whole or not at all (streamed exports): a
    temporary file beside it, renamed over the target on a clean exit, removed on an error."""

    def __init__(self, path, mode: int | None = None):
        self.path = Path(path)
        self.mode = mode
        self.tmp = self.path.with_name(f".{self.path.name}.tmp")

    def __enter__(self):
        if not self.path.parent.is_dir():
            raise DoithoaiError(f"Thư mục {self.path.parent} không tồn tại.", "Tạo thư mục trước, hoặc chọn đường dẫn khác.")
        try:
            fd = os.open(self.tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, self.mode if self.mode is not None else 0o666)
        except OSError as e:
            raise self._error(e) from None
        self.file = os.fdopen(fd, "wb")
        return self.file

    def __exit__(self, kind, value, tb):
        try:
            self.file.close()
            if kind is None:
                os.replace(self.tmp, self.path)
                return False
        except OSError as e:
            self._discard()
            raise self._error(e) from None
        self._discard()
        if isinstance(value, OSError):
            raise self._error(value) from None
        return False

    def _discard(self) -> None:
        try:
            self.tmp.unlink()
        except OSError:
            pass

    def _error(self, e: OSError) -> DoithoaiError:
        return DoithoaiError(f"Không ghi được {self.path}: {e.strerror}.",
                             "Kiểm tra quyền ghi vào thư mục, hoặc chọn đường dẫn khác.")
