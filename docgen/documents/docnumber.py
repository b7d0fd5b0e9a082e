"""发文字号 and 成文日期 as GB/T 9704-2012 writes them.

发文字号: agency code + 〔year〕 + number + 号, e.g. 昆人社发〔2021〕67号: 六角括号 (U+3014/U+3015),
the full year, no leading zeros, no 第. Dates: 2021年11月26日, Arabic numerals without leading zeros.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_PATTERN = re.compile(r"^(?P<code>[\u4e00-\u9fff]{1,12})〔(?P<year>\d{4})〕(?P<number>[1-9]\d{0,4})号$")
_CODE = re.compile(r"^[\u4e00-\u9fff]{1,12}$")
_WRONG_BRACKETS = re.compile(r"[\[【(（]\s*(\d{2,4})\s*[\]】)）]")


@dataclass(frozen=True)
class DocNumber:
    code: str  # 机关代字, e.g. 昆人社发
    year: int
    number: int

    def __str__(self) -> str:
        return f"{self.code}〔{self.year}〕{self.number}号"

    @classmethod
    def parse(cls, text: str) -> DocNumber:
        """Parse '昆人社发〔2021〕67号'; a ValueError says what to change."""
        text = text.strip()
        match = _PATTERN.match(text)
        if match:
            return cls(match["code"], int(match["year"]), int(match["number"]))
        if _WRONG_BRACKETS.search(text):
            fixed = _WRONG_BRACKETS.sub(lambda m: f"〔{m.group(1)}〕", text)
            raise ValueError(f"'{text}': the year goes in 六角括号 〔〕 (U+3014/U+3015): '{fixed}'")
        if "第" in text:
            raise ValueError(f"'{text}': a 发文字号 has no 第: '{text.replace('第', '')}'")
        if re.search(r"〕0\d*号$", text):
            raise ValueError(f"'{text}': the number has no leading zeros")
        if re.search(r"〔\d{2}〕", text):
            raise ValueError(f"'{text}': write the full year, e.g. 〔2021〕")
        code = text.split("〔", 1)[0]
        if "〔" in text and not _CODE.match(code):
            raise ValueError(f"'{text[:40]}': the 机关代字 before 〔 is 1-12 Chinese characters, e.g. 昆人社发")
        raise ValueError(f"'{text[:40]}' is not a 发文字号 like 昆人社发〔2021〕67号")


def chinese_date(day: date) -> str:
    """2021-11-26 -> 2021年11月26日 (no leading zeros)."""
    return f"{day.year}年{day.month}月{day.day}日"


_DIGITS = "〇一二三四五六七八九"


def chinese_numeral_date(day: date) -> str:
    """2021-11-26 -> 二〇二一年十一月二十六日 (for plaques)."""
    return f"{''.join(_DIGITS[int(c)] for c in str(day.year))}年{_small(day.month)}月{_small(day.day)}日"


def _small(n: int) -> str:
    """1..31 in Chinese numerals: 十, 十一, 二十, 二十六."""
    tens, ones = divmod(n, 10)
    text = ("" if tens == 0 else ("十" if tens == 1 else _DIGITS[tens] + "十")) + (_DIGITS[ones] if ones else "")
    return text or "〇"


def heading_number(level: int, index: int) -> str:
    """Numbering of headings: level 1 一、, level 2 （一）, level 3 1., level 4 （1） (index from 1)."""
    if level == 1:
        return f"{_chinese_count(index)}、"
    if level == 2:
        return f"（{_chinese_count(index)}）"
    if level == 3:
        return f"{index}."
    return f"（{index}）"


def _chinese_count(n: int) -> str:
    if n < 1 or n > 99:
        raise ValueError(f"heading number {n} out of range 1-99")
    return _small(n)
