"""Reading claims back out of OCR text: identifiers with one misread character, levels, areas, quantities.

OCR of Chinese pages puts spaces between characters and mixes widths (ＣＫ６１５０); everything is
compared after NFKC, upper-casing and, for Chinese, removing the spaces. Identifiers (certificate
numbers, credit codes) may differ by one character from the claim: that is a near match, reported
with the difference, never a match. Models are compared exactly (CK6140 is another machine than CK6150).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

import cn2an
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from docgen.verdict import Said

_SPACE = re.compile(r"\s+")
_ALNUM_RUN = re.compile(r"[A-Z0-9]{6,}")
_TOKEN = re.compile(r"[A-Z0-9][A-Z0-9\-/.]*")


def upper_fold(text: str) -> str:
    """NFKC and upper case: full-width letters and digits become ASCII."""
    return unicodedata.normalize("NFKC", text).upper()


def compact(text: str) -> str:
    """Folded, without any white space (OCR spaces out Chinese characters)."""
    return _SPACE.sub("", upper_fold(text))


def identifier(value: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", upper_fold(value))


@dataclass(frozen=True)
class NearMiss:
    found: str
    difference: Said  # e.g. "character 17: 'O' on the page, '0' claimed"


def identifier_runs(page_compact: str) -> list[str]:
    return _ALNUM_RUN.findall(page_compact)


def near_identifier(claimed: str, runs: list[str]) -> NearMiss | None:
    """A run that differs from `claimed` by exactly one character (replaced, missing or extra)."""
    claimed = identifier(claimed)
    candidates = [r for r in runs if abs(len(r) - len(claimed)) <= 1]
    best = process.extractOne(claimed, candidates, scorer=Levenshtein.distance, score_cutoff=1)
    if best is None or best[1] == 0:
        return None
    found = best[0]
    return NearMiss(found, describe_difference(claimed, found))


def describe_difference(claimed: str, found: str) -> Said:
    op = next(iter(Levenshtein.editops(claimed, found)))
    at = op.src_pos + 1
    if op.tag == "replace":
        page, ours = found[op.dest_pos], claimed[op.src_pos]
        return Said(
            f"character {at}: '{page}' on the page, '{ours}' claimed", f"第{at}位页面为“{page}”，申报为“{ours}”"
        )
    if op.tag == "delete":
        gone = claimed[op.src_pos]
        return Said(f"character {at} '{gone}' is missing on the page", f"页面缺第{at}位“{gone}”")
    extra = found[op.dest_pos]
    return Said(f"an extra '{extra}' on the page before character {at}", f"页面在第{at}位前多出“{extra}”")


# --- levels -------------------------------------------------------------------------------

_GRADES = {"一级": "高级技师", "二级": "技师", "三级": "高级工", "四级": "中级工", "五级": "初级工"}
_QUALIFICATION = re.compile(r"(高级技师|技师|高级工|中级工|初级工|[一二三四五]级)")
_TITLE = re.compile(r"(正高级|副高级|中级(?!工)|初级(?!工))")
_LABELLED = re.compile(
    r"(?:等级|级别|资格级别|职业资格)[:：]?(高级技师|技师|高级工|中级工|初级工|[一二三四五]级|正高级|副高级|中级|初级)"
)


def level_on_page(page_compact: str, title: bool) -> str | None:
    """The level a certificate page shows: after a 等级/级别 label if there is one, else the first level word."""
    labelled = _LABELLED.search(page_compact)
    if labelled:
        return _GRADES.get(labelled.group(1), labelled.group(1))
    found = (_TITLE if title else _QUALIFICATION).search(page_compact)
    return _GRADES.get(found.group(1), found.group(1)) if found else None


_NAME = re.compile(r"姓名[:：]?([\u4e00-\u9fff·]{2,5})$")


def name_on_page(page_text: str) -> str | None:
    """The name after 姓名 on its own line (lines keep names apart from the next label)."""
    for line in page_text.splitlines():
        found = _NAME.search(compact(line))
        if found:
            return found.group(1)
    return None


# --- areas and quantities -----------------------------------------------------------------

_AREA_ARABIC = re.compile(r"(\d[\d,]*(?:\.\d+)?)(?:平方米|平米|㎡|M2|M²)")
_AREA_CHINESE = re.compile(r"([零〇一二两三四五六七八九十百千万点]+)(?:平方米|平米)")


def areas_on_page(page_compact: str) -> list[Decimal]:
    """Every area figure on the page, in Arabic (1200平方米, 1,200㎡) or Chinese numerals (一千二百平方米)."""
    found = []
    for match in _AREA_ARABIC.finditer(page_compact):
        try:
            found.append(Decimal(match.group(1).replace(",", "")))
        except InvalidOperation:
            continue
    for match in _AREA_CHINESE.finditer(page_compact):
        try:
            found.append(Decimal(str(cn2an.cn2an(match.group(1), "normal"))))
        except (ValueError, InvalidOperation):
            continue
    return found


@lru_cache(maxsize=4096)
def _tokens(line: str) -> tuple[str, ...]:
    """Latin/digit tokens of a line; cached because every equipment claim reads the same lines."""
    return tuple(_TOKEN.findall(upper_fold(line)))


def _model_key(model: str) -> str:
    return upper_fold(model).replace(" ", "")


def model_in_line(model: str, line: str) -> bool:
    wanted = _model_key(model)
    return wanted in _tokens(line)


_CN_DIGITS = "零〇一二两三四五六七八九十百千"
MEASURE_WORDS = "台套件个把组"
# a quantity: Arabic figures standing alone (not part of a model, a price or 380V), or Chinese numerals
# followed by a measure word (十台, 二十五套, 两 台: OCR spaces Chinese characters out)
_QUANTITY = re.compile(rf"(?<![A-Z0-9.\-/])(\d+)(?![\d.A-Z\-/])|((?:[{_CN_DIGITS}]\s*)+)(?=[{MEASURE_WORDS}])")


def quantities(text: str) -> list[int]:
    """The quantities written in `text`, in order: 8, 25台, 十台, 二十五套, 两 台 (in table cells or run
    on after a model: C6132两台)."""
    found = []
    for match in _QUANTITY.finditer(upper_fold(text)):
        if match.group(1):
            found.append(int(match.group(1)))
            continue
        try:
            found.append(int(cn2an.cn2an(_SPACE.sub("", match.group(2)), "normal")))
        except ValueError:
            continue
    return found


def numbers_after_model(model: str, line: str) -> list[int]:
    """Quantities after the model on its line (quantities come before prices, which have decimals)."""
    tokens = _tokens(line)
    wanted = _model_key(model)
    if wanted not in tokens:
        return []
    folded = upper_fold(line)
    at = next(m.end() for m in _TOKEN.finditer(folded) if m.group() == wanted)
    return quantities(folded[at:])


def numbers_after_name(name: str, line: str) -> list[int]:
    """Quantities after an equipment name (a line without a model), e.g. 钳工台 十二 套."""
    folded = compact(line)
    at = folded.find(compact(name))
    if at < 0:
        return []
    rest = _SPACE.sub(" ", upper_fold(line))
    # find the name again in the spaced line: the quantities are read from what follows it
    spaced = re.search(r"\s*".join(map(re.escape, compact(name))), rest)
    return quantities(rest[spaced.end() :] if spaced else folded[at + len(compact(name)) :])


def model_run_together(model: str, line: str) -> str | None:
    """A token that is the model with OCR damage: a quantity run into it (ZNZZ-20002 for ZNZZ-2000 2)
    or one stray character before it (1IRB1200). Never a match by itself: the reviewer looks."""
    wanted = _model_key(model)
    for token in _tokens(line):
        glued = token.startswith(wanted) and token[len(wanted) :].isdigit()
        stray = token.endswith(wanted) and len(token) == len(wanted) + 1
        if token != wanted and (glued or stray):
            return token
    return None
