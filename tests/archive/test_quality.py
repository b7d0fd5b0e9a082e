"""The per-page verdict and how PP-OCR's boxes become lines (no OCR run: given values)."""

from __future__ import annotations

from pathlib import Path

from archive._plugin_ppocr import _row_text, _rows, _words
from archive.ppocr import Line
from archive.quality import MIN_CONFIDENCE, judge, page_number_of, read_report, report_page


def test_a_page_with_no_or_little_text_or_low_confidence_needs_review() -> None:
    assert judge(1, "", 0.99).status == "needs_review"
    assert judge(1, "", 0.99).reason == "no text was read"
    assert judge(2, "王 建国", None).reason == "only 3 characters were read"
    low = judge(3, "职业资格证书姓名王建国", MIN_CONFIDENCE - 0.01)
    assert low.status == "needs_review" and "low OCR confidence" in low.reason
    assert judge(4, "职业资格证书姓名王建国", MIN_CONFIDENCE).status == "ok"
    assert judge(5, "Equipment list 2021 VMC850", None).status == "ok"  # a born-digital page: no confidence


def test_short_text_read_surely_is_ok_and_unread_areas_are_named_in_chinese() -> None:
    assert judge(1, "我是中国人", 0.98).status == "ok"  # not a false alarm: five characters, read surely
    assert judge(1, "TEST", 0.99).status == "ok"
    assert judge(1, "我是中国人", 0.90).status == "needs_review"  # short and not sure
    lost = judge(2, "职业资格证书姓名王建国证书编号", 0.97, unread_areas=2)
    assert lost.status == "needs_review" and lost.unread_areas == 2
    assert lost.reason_zh == "页面上有 2 处文字未能识别，可能漏行"
    assert judge(3, "", None).reason_zh == "未识别出文字"
    old = judge(4, "王 建国", None).model_copy(update={"reason_zh": ""})  # a record made before reasons in Chinese
    assert old.said_zh == "只识别出 3 个字符"


def test_the_report_written_inside_ocrmypdf_is_read_back(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    report = tmp_path / "q.jsonl"
    monkeypatch.setenv("DOCGEN_OCR_REPORT", str(report))
    report_page(2, 0.93, unread_areas=1)
    report_page(1, None)
    assert read_report(report) == {1: (None, 0), 2: (0.93, 1)}
    assert read_report(tmp_path / "none.jsonl") == {}
    assert page_number_of(Path("/tmp/x/000012_ocr.png")) == 12


def box(left: float, top: float, right: float, bottom: float) -> tuple[tuple[float, float], ...]:
    return ((left, top), (right, top), (right, bottom), (left, bottom))


def test_a_label_and_its_value_detected_apart_are_one_line_in_reading_order() -> None:
    lines = [
        Line(box(420, 100, 760, 130), "S000032050000231001", 0.98),
        Line(box(100, 40, 300, 70), "职业资格证书", 0.99),
        Line(box(100, 101, 400, 131), "证书编号：", 0.99),
        Line(box(100, 160, 380, 190), "发证日期：2019年6月18日", 0.99),
    ]
    assert [_row_text(row) for row in _rows(lines)] == [
        "职业资格证书",
        "证书编号： S000032050000231001",
        "发证日期：2019年6月18日",
    ]


def test_words_share_the_line_box_by_characters() -> None:
    words = _words(Line(box(0, 0, 110, 20), "数控车床 CK6150", 0.9))
    assert [w.text for w in words] == ["数控车床", "CK6150"]
    assert words[0].bbox is not None and words[1].bbox is not None
    assert words[0].bbox.left == 0 and round(words[0].bbox.right) == 40 and round(words[1].bbox.left) == 50


def test_an_o_inside_a_run_of_digits_is_the_digit_zero() -> None:
    from archive.ppocr import digits_as_digits

    assert digits_as_digits("证书编号：SO00032050000231001") == "证书编号：S000032050000231001"
    assert digits_as_digits("VMC850 ROBOT200 CK6150 OK") == "VMC850 ROBOT200 CK6150 OK"  # letters for the most part


def test_a_lone_dash_before_a_chinese_character_is_one() -> None:
    from archive.ppocr import dash_as_one

    assert dash_as_one("GB18401-2010—等品") == "GB18401-2010一等品"
    assert dash_as_one("第—届") == "第一届"
    assert dash_as_one("实训基地——昆山") == "实训基地——昆山"  # a Chinese dash is doubled: kept
    assert dash_as_one("2019—2021") == "2019—2021"
