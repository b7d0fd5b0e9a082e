"""Where a highlight lands, measured against where the text was drawn: a page rendered now with known
lines at known places, scanned (noise, blur, no skew), OCR'd through the archive for real; the
boxes the viewer draws from the PDF/A's text layer must cover the characters as drawn."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive import Archive, IngestOptions
from docgen.evidence import fonds_of
from docgen.policy_registry import load_policy
from docgen.samples.scans import _cjk, page_image, save_pdf
from docgen.web.pageview import Box, match_boxes, page_count
from docgen.web.pageview import page_image as picture
from index.analysis import searchable
from tests.web.conftest import CODE

pytestmark = pytest.mark.slow

DPI = 200
FONT_PT = 14
LINES = [
    "职业资格证书",
    "姓名：王建国",
    "职业：数控车工",
    "等级：高级技师",
    "证书编号：S000032050000231001",
    "发证机关：人力资源和社会保障局",
]


def drawn_box(line: int, start: int, end: int) -> Box:
    """Where LINES[line][start:end] was drawn by page_image, as fractions of the page."""
    font = _cjk(int(FONT_PT / 72 * DPI))
    width, height = int(8.27 * DPI), int(11.69 * DPI)
    x0, y0 = int(0.9 * DPI), int(1.0 * DPI) + line * int(FONT_PT / 72 * DPI * 1.9)
    text = LINES[line]
    left = x0 + font.getlength(text[:start])
    right = x0 + font.getlength(text[:end])
    _, top, _, bottom = font.getbbox(text[start:end])
    return Box(left / width, (y0 + top) / height, (right - left) / width, (bottom - top) / height)


def covered(truth: Box, found: Box) -> float:
    """The share of the drawn characters' area the highlight covers."""
    w = max(0.0, min(truth.left + truth.width, found.left + found.width) - max(truth.left, found.left))
    h = max(0.0, min(truth.top + truth.height, found.top + found.height) - max(truth.top, found.top))
    return w * h / (truth.width * truth.height)


@pytest.fixture(scope="module")
def archived(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("pageview")
    scan = save_pdf([page_image(LINES, dpi=DPI, skew=0, font_pt=FONT_PT, seed=5)], root / "证书.pdf", dpi=DPI)
    archive = Archive(root / "archive", fonds_of(load_policy("kunshan-2021")))
    summary = archive.ingest([scan], IngestOptions(2021, CODE, "teacher_certificates", jobs=1))
    assert summary.results[0].outcome == "ingested", summary.results[0].message
    folder, record = archive.records()[0]
    assert record.archive_copy is not None
    return folder / record.archive_copy.file


@pytest.mark.parametrize(
    ("term", "line", "start", "end"),
    [("高级技师", 3, 3, 7), ("王建国", 1, 3, 6), ("数控车工", 2, 3, 7), ("人力资源", 5, 5, 9)],
)
def test_the_highlight_covers_the_characters_as_drawn(
    archived: Path, term: str, line: int, start: int, end: int
) -> None:
    boxes = match_boxes(archived, 1, [searchable(term)])
    assert len(boxes) == 1, boxes
    truth = drawn_box(line, start, end)
    found = boxes[0]
    char = truth.width / (end - start)
    assert covered(truth, found) >= 0.9, (found, truth)  # the characters are inside the highlight
    assert truth.left - found.left < char / 2 and (found.left + found.width) - (truth.left + truth.width) < char / 2
    assert abs((found.left + found.width / 2) - (truth.left + truth.width / 2)) < char / 4  # centred on them
    assert found.height < 3 * truth.height  # one line, not a paragraph


def test_a_term_not_on_the_page_gives_no_box_and_every_occurrence_gets_one(archived: Path) -> None:
    assert match_boxes(archived, 1, [searchable("高级工程师")]) == []
    assert match_boxes(archived, 1, []) == []
    lines = {round(b.top, 3) for b in match_boxes(archived, 1, [searchable("职业")])}
    assert len(lines) == 2  # 职业资格证书 and 职业：数控车工


def test_page_pictures_are_cached_by_page_and_size(archived: Path, tmp_path: Path) -> None:
    assert page_count(archived) == 1
    first = picture(archived, 1, "read", tmp_path)
    assert first[:2] == b"\xff\xd8" and (tmp_path / "1-read.jpeg").read_bytes() == first
    (tmp_path / "1-read.jpeg").write_bytes(b"cached")
    assert picture(archived, 1, "read", tmp_path) == b"cached"  # from the cache, not rendered again
    assert picture(archived, 1, "thumb", tmp_path)[:3] == b"\xff\xd8\xff"


def test_highlights_from_the_kept_text_layer_are_those_read_from_the_pdf(archived: Path, tmp_path: Path) -> None:
    """The layer is read from the PDF once; later matches come from the kept copy, box for box."""
    terms = [searchable(t) for t in ("高级技师", "职业", "人力资源")]
    truth = match_boxes(archived, 1, terms)  # no cache: PDFium every time
    assert match_boxes(archived, 1, terms, tmp_path) == truth  # read, then kept
    assert (tmp_path / "1-text.json").is_file()
    moved = tmp_path / "gone.pdf"
    assert match_boxes(moved, 1, terms, tmp_path) == truth  # no PDF needed any more: the kept layer
    (tmp_path / "1-text.json").write_text("{damaged", encoding="utf-8")
    assert match_boxes(archived, 1, terms, tmp_path) == truth  # a damaged copy is read again
