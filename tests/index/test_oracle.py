"""The index against the truth: every query's whole answer equals a brute-force substring scan of every page.

Pages are generated with what OCR leaves in evidence text (line breaks inside phrases, full-width
forms, brackets Tesseract confuses, models and certificate numbers); queries are random substrings of
1 to 12 characters, pieces of letter/digit runs, phrases with spaces, OR groups, exclusions and filters.
"""

from __future__ import annotations

import random

import pytest

from index.analysis import searchable
from index.query import Parsed, parse
from index.store import EvidenceIndex, PageDoc

WORDS = (
    "职业资格证书",
    "姓名",
    "王建国",
    "李秀英",
    "张伟",
    "陈静",
    "高级技师",
    "技师",
    "高级工",
    "数控车工",
    "证书编号",
    "发证机关",
    "人力资源和社会保障局",
    "教学实训设备清单",
    "数控车床",
    "立式加工中心",
    "六轴工业机器人工作站",
    "数量",
    "台",
    "套",
    "建筑面积",
    "一千二百平方米",
    "消防通风",
    "照明",
    "控温",
    "营业执照",
    "统一社会信用代码",
    "名称",
    "住所",
    "租赁合同",
    "不动产权证书",
    "实训基地",
    "管理制度",
    "第一条",
    "为规范实训管理",
    "制定本制度",
)
MODELS = ["CK6150", "CK6140", "VMC850", "IRB1200", "THPFDW-1", "XK714", "ZNZZ-2000"]
TYPES = ["teacher_certificates", "equipment_list", "business_licence", "site_documents"]
WIDE = str.maketrans("0123456789CKVM", "０１２３４５６７８９ＣＫＶＭ")


def page_text(rng: random.Random) -> str:
    parts: list[str] = []
    for _ in range(rng.randint(8, 40)):
        roll = rng.random()
        if roll < 0.12:
            parts.append(rng.choice(MODELS) + " " + str(rng.randint(1, 40)))
        elif roll < 0.2:
            parts.append(f"S0000{rng.randint(10**13, 10**14 - 1)}")
        elif roll < 0.25:
            parts.append(f"{rng.randint(2015, 2024)}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日")
        elif roll < 0.28:
            parts.append(rng.choice(["（", "〈", "【"]) + rng.choice(WORDS) + rng.choice(["）", "〉", "】"]))
        else:
            parts.append(rng.choice(WORDS))
    text = ""
    for part in parts:
        text += part + rng.choice(["", "", " ", "：", "\n"])
    if rng.random() < 0.2:
        text = text.translate(WIDE)
    # a line of 28 characters breaks wherever it reaches the margin, inside a phrase or not
    return "\n".join(text[i : i + 28] for i in range(0, len(text), 28))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[EvidenceIndex, list[PageDoc]]:
    rng = random.Random(20261123)
    pages = []
    for n in range(3000):
        year = rng.choice([2021, 2022, 2023])
        applicant = rng.choice(["91320583MA1KJ88011", "昆山鹿城职校", "巨匠培训"])
        code = f"KSRSJ-WS·{year}-D30-{n // 3 + 1:04d}"
        pages.append(PageDoc(code, year, applicant, applicant, rng.choice(TYPES), "", n % 3 + 1, "/p", page_text(rng)))
    index = EvidenceIndex(tmp_path_factory.mktemp("oracle") / "index")
    index.rebuild(pages, procs=2)
    return index, pages


_SEARCHABLE: dict[str, str] = {}


def scan(parsed: Parsed, pages: list[PageDoc], **filters: object) -> list[str]:
    """The truth: every page whose searchable text holds each group and no exclusion, in filing order."""
    found = []
    for page in sorted(pages, key=lambda p: p.order):
        if filters.get("year") not in (None, page.year) or filters.get("type_") not in (None, page.evidence_type):
            continue
        text = _SEARCHABLE.get(page.key) or _SEARCHABLE.setdefault(page.key, searchable(page.text))
        if all(any(t.text in text for t in group) for group in parsed.groups) and not any(
            t.text in text for t in parsed.excluded
        ):
            found.append(page.key)
    return found


def random_query(rng: random.Random, pages: list[PageDoc]) -> str:
    def piece() -> str:
        text = searchable(rng.choice(pages).text)
        length = rng.randint(1, 12)
        start = rng.randint(0, max(0, len(text) - length))
        term = text[start : start + length].strip()
        return f'"{term}"' if " " in term else term

    roll = rng.random()
    if roll < 0.5:
        return piece()
    if roll < 0.65:
        return f"{piece()} {piece()}"
    if roll < 0.8:
        return f"{piece()} OR {piece()}"
    if roll < 0.9:
        return f"{piece()} -{rng.choice(['高级技师', 'ck6150', '技', '证书编号', '6150'])}"
    return rng.choice(["ck", "6150", "0000231", "s0000", "61", "1200", "米消防", "k6"])


def test_every_answer_equals_a_substring_scan(corpus: tuple[EvidenceIndex, list[PageDoc]]) -> None:
    index, pages = corpus
    rng = random.Random(7)
    tried = 0
    for _ in range(400):
        query = random_query(rng, pages)
        try:
            parsed = parse(query)
        except Exception:
            continue  # punctuation only, or a term that folds to nothing: parse refuses it (tested elsewhere)
        filters: dict[str, object] = {}
        if rng.random() < 0.3:
            filters["year"] = rng.choice([2021, 2022, 2023])
        if rng.random() < 0.2:
            filters["type_"] = rng.choice(TYPES)
        found = index.search(query, limit=len(pages), **filters)  # type: ignore[arg-type]
        truth = scan(parsed, pages, **filters)
        assert [f"{h.archival_code}#{h.page}" for h in found.hits] == truth, query
        assert found.total == len(truth) and found.exact, query
        tried += 1
    assert tried >= 350


def test_a_count_too_long_to_finish_says_at_least(corpus: tuple[EvidenceIndex, list[PageDoc]]) -> None:
    index, pages = corpus
    truth = scan(parse("证书 书编"), pages)
    found = index.search("证书 书编", limit=10)  # two grams, each checked against the text of every candidate
    assert [f"{h.archival_code}#{h.page}" for h in found.hits] == truth[:10]
    assert found.exact == (len(truth) <= 2000) and found.total <= len(truth)
