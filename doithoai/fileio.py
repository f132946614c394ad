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
