"""What every reader yields: one petition's raw values and where each came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(slots=True)
class Record:
    file: Path
    row: int | None  # 1-based row in a table file, line in JSON Lines; None for a whole form
    values: dict[str, object]  # petition field → raw value
    where: dict[str, str] = field(default_factory=dict)  # petition field → column / label, for messages
    section: str = ""  # the section title above this row ("I. LĨNH VỰC ĐẤT ĐAI"), if any
    section_row: int | None = None
    default_source: str = "phieu-dang-ky"
    problem: str = ""  # set when the reader could not make sense of this row at all
    sheet: str = ""  # the worksheet of a workbook with several; "" for one-table files

    def loc(self, fieldname: str | None = None) -> str:
        parts = [str(self.file)]
        if self.sheet:
            parts.append(f"trang '{self.sheet}'")
        if self.row is not None:
            parts.append(str(self.row))
        if fieldname and fieldname in self.where:
            parts.append(self.where[fieldname])
        return ":".join(parts)
