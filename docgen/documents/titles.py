"""Breaking a document's title into lines, as GB/T 9704-2012 7.3.3 asks: 2号小标宋, one line or several,
"回行时，要做到词意完整，排列对称，长短适宜，间距恰当", in a trapezoid or diamond, never inside a
word, a name or a number.

LibreOffice and Word wrap at the type area's edge, wherever that falls (`…西湖分基地 2026-` /
`2027 考核结果的通知`); so the breaks are chosen here and written as line breaks.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence

from docgen.documents.layout import text_width
from docgen.errors import BadInputError

CHARS_PER_LINE = 20  # 2号 (22 pt) characters across the 156 mm (442 pt) type area
MAX_LINES = 3
PROGRAMME_TERMS = ("高技能人才公共实训基地", "公共实训基地", "人力资源和社会保障局", "实训基地")

_RUNS = re.compile(
    r"[0-9A-Za-z][0-9A-Za-z\-–—~·.]*(?:年度?|月|日)?"  # numbers, year ranges, codes, with their 年/月/日
    r"|《[^》]*》|“[^”]*”|（[^）]*）|\([^)]*\)"  # titles of documents, quotations, brackets
)
_NO_LINE_START = set("，。、；：？！）》”’」』〕】")
_NO_LINE_END = set("（《“‘「『〔【")
_GOOD_AFTER = ("关于", "的", "和", "及", "暨")


def protected_spans(title: str, names: Iterable[str], per_line: float = CHARS_PER_LINE) -> list[tuple[int, int]]:
    """Character ranges a line may not break inside: number runs, bracketed text, the given names
    (units, bases, programmes) and the programme's own terms. A name longer than a line cannot be
    kept whole: its own parts (brackets, terms) still are."""
    spans = [m.span() for m in _RUNS.finditer(title)]
    for name in {*names, *PROGRAMME_TERMS}:
        if len(name) >= 2 and text_width(name) <= per_line:
            spans += [(m.start(), m.end()) for m in re.finditer(re.escape(name), title)]
    return spans


def _allowed(title: str, spans: Sequence[tuple[int, int]]) -> list[int]:
    """Positions i where a line may end before title[i]."""
    allowed = []
    for i in range(1, len(title)):
        if any(start < i < end for start, end in spans):
            continue
        if title[i] in _NO_LINE_START or title[i - 1] in _NO_LINE_END:
            continue
        allowed.append(i)
    return allowed


def _penalty(lines: list[str]) -> float:
    """Lower is better: near-equal lines, in a trapezoid (each line no longer than the next) or a
    diamond (the middle longest); a break after 关于 or 的 is where a reader pauses anyway."""
    widths = [text_width(line) for line in lines]
    mean = sum(widths) / len(widths)
    penalty = sum((w - mean) ** 2 for w in widths)
    trapezoid = all(a <= b for a, b in itertools.pairwise(widths))
    diamond = len(widths) == 3 and widths[1] >= max(widths[0], widths[2])
    if not (trapezoid or diamond):
        penalty += 4 * max(a - b for a, b in itertools.pairwise(widths))
    penalty -= sum(2 for line in lines[:-1] if line.endswith(_GOOD_AFTER))
    return penalty


def break_title(
    title: str, names: Iterable[str] = (), *, per_line: float = CHARS_PER_LINE, max_lines: int = MAX_LINES
) -> str:
    """The title with '\\n' where its lines should break (docxtpl writes a line break there)."""
    title = title.replace("\n", "")
    if text_width(title) <= per_line:
        return title
    spans = protected_spans(title, names, per_line)
    allowed = _allowed(title, spans)
    best: tuple[float, list[str]] | None = None
    for count in range(2, max_lines + 1):
        for cuts in itertools.combinations(allowed, count - 1):
            bounds = [0, *cuts, len(title)]
            lines = [title[a:b] for a, b in itertools.pairwise(bounds)]
            if any(text_width(line) > per_line for line in lines):
                continue
            scored = (_penalty(lines), lines)
            if best is None or scored[0] < best[0]:
                best = scored
        if best is not None:
            return "\n".join(best[1])
    raise BadInputError(
        f"title: '{title}' does not fit {max_lines} lines of {per_line:g} characters at 2号 without breaking "
        "a name or a number; shorten it (give the data file a shorter 'title')"
    )


OFFICIAL_KINDS = ("notice", "publicity", "confirmation", "assessment", "revocation")  # portrait, 2号 titles


def names_in(context: object, limit: int = 2000) -> list[str]:
    """Every text of 4-40 characters in a render context: the unit, base and programme names a
    title may hold, found without knowing each kind's fields."""
    found: list[str] = []
    stack = [context]
    while stack and len(found) < limit:
        value = stack.pop()
        if isinstance(value, str):
            if 4 <= len(value) <= 40:
                found.append(value)
        elif isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list | tuple):
            stack.extend(value)
    return found


PLAQUE_WIDTH_PT = 225 * 72 / 25.4  # the landscape type area
PLAQUE_NAME_SIZES = (36, 32, 28, 24, 20)  # pt: the template's size, then smaller ones


def plaque_name(name: str, names: Iterable[str] = ()) -> str:
    """A plaque's base name in one line or two broken by meaning (before its bracket, never inside
    a name), at the largest size that allows it; layout.fit_plaque sets that size after rendering."""
    names = list(names)
    for size in PLAQUE_NAME_SIZES:
        try:
            return break_title(name, names, per_line=PLAQUE_WIDTH_PT * 0.96 / size, max_lines=2)
        except BadInputError:
            continue
    raise BadInputError(
        f"plaque: the base name '{name}' does not fit two lines of the plaque at {PLAQUE_NAME_SIZES[-1]} pt"
    )


def with_title_lines(kind: str, context: dict[str, object]) -> dict[str, object]:
    """The context with its title broken into lines, for the kinds whose title is a 2号 heading,
    and a plaque's base name in at most two lines."""
    if kind == "plaque" and isinstance(context.get("base_name"), str):
        unit = context.get("unit")
        return {**context, "base_name": plaque_name(str(context["base_name"]), [unit] if isinstance(unit, str) else [])}
    title = context.get("title")
    if kind not in OFFICIAL_KINDS or not isinstance(title, str) or not title:
        return context
    others = {k: v for k, v in context.items() if k != "title"}
    return {**context, "title": break_title(title, names_in(others))}
