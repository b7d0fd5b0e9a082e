"""档号 (archival codes), DA/T 22-2015: 全宗号-门类代码·年度-保管期限代码-件号.

'-' joins levels, '·' (U+00B7, never '.') joins items within a level; 件号 is a 4-digit serial.
The optional 机构(问题)代码 level is not used: evidence is filed under one programme.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from archive.errors import BadInput

CATEGORY = "WS"  # 文书
RETENTION_CODES = ("Y", "D30", "D10")
_PATTERN = re.compile(
    r"^(?P<fonds>[A-Z0-9]+)-(?P<category>[A-Z]+)·(?P<year>\d{4})-(?P<retention>Y|D30|D10)-(?P<item>\d{4,})$"
)


@dataclass(frozen=True, order=True)
class ArchivalCode:
    fonds: str
    year: int
    retention: str
    item: int
    category: str = CATEGORY

    def __post_init__(self) -> None:
        if self.retention not in RETENTION_CODES:
            raise ValueError(f"retention must be one of {', '.join(RETENTION_CODES)}, got {self.retention!r}")
        if not 1 <= self.item <= 9999:
            raise ValueError(f"件号 {self.item} out of range 1-9999")

    def __str__(self) -> str:
        return f"{self.fonds}-{self.category}·{self.year}-{self.retention}-{self.item:04d}"

    @classmethod
    def parse(cls, text: str) -> ArchivalCode:
        match = _PATTERN.match(text)
        if not match:
            raise ValueError(f"'{text}' is not an archival code like KSRSJ-WS·2021-D30-0001")
        return cls(match["fonds"], int(match["year"]), match["retention"], int(match["item"]), match["category"])


@dataclass(frozen=True)
class EvidenceKind:
    """A kind of evidence the archive files, with the 保管期限 its documents get (Y, D30 or D10)."""

    id: str
    name: str
    retention: str

    def __post_init__(self) -> None:
        if self.retention not in RETENTION_CODES:
            raise ValueError(f"retention must be one of {', '.join(RETENTION_CODES)}, got {self.retention!r}")


@dataclass(frozen=True)
class Fonds:
    """全宗: whose archive this is (the fonds code goes into every 档号) and what it files."""

    code: str
    authority: str
    title: str
    kinds: tuple[EvidenceKind, ...]

    def kind(self, kind_id: str) -> EvidenceKind:
        """The evidence kind `kind_id`; refused with the closest known id."""
        for kind in self.kinds:
            if kind.id == kind_id:
                return kind
        known = [k.id for k in self.kinds]
        close = difflib.get_close_matches(kind_id, known, n=1, cutoff=0.5)
        hint = f" (did you mean '{close[0]}'?)" if close else f" (known: {', '.join(known)})"
        raise BadInput(f"--type: unknown evidence type '{kind_id}'{hint}")
