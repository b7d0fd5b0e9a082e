"""What the 申报表 and its Excel lists hold: each field's Chinese label, where its value goes in an
applicant file, how a value is written into a cell and how a cell's text is read back.

One table serves the form template (its labels and rows), the pre-filled form (values written),
the reader (labels found by their text, cells read) and the Excel lists (headers, dropdowns), so
the form docgen issues and the form docgen reads cannot drift apart.

Reading is for text a person typed in Word, WPS or Excel: full-width digits, thousands separators
and units (1,860平方米, ３年, 8台) are understood; Chinese numerals only when written out in full
(一千二百); the colloquial short form 一千二 is refused with the likely reading as a question, since
an applicant certifies these figures. Errors are Chinese sentences for the clerk (`CellError`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

import cn2an

from docgen.applicant import ApplicantKind, Qualification, Title
from docgen.verdict import number_text


class CellError(ValueError):
    """A cell's text cannot be read as its field: a Chinese sentence saying what to write instead."""


# Formatting characters Word and web pages leave in copied text; nobody means them.
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_DASHES = {"", "-", "—", "——", "－", "/", "／", "\\", "、"}  # what a clerk writes for "nothing here"


def clean(text: str) -> str:
    """Surrounding white space (also U+3000 and no-break spaces) and zero-width characters removed."""
    return text.translate(_ZERO_WIDTH).strip()


def squash(text: str) -> str:
    """A label or header as compared: NFKC (full-width brackets and colons to half-width), no white
    space, no required-field stars, no final colon."""
    folded = "".join(unicodedata.normalize("NFKC", clean(text)).split())
    return folded.strip("*").rstrip(":").strip("*")


# --- readers: cell text -> value (None: nothing written, the key is left out) ---------------------

Reader = Callable[[str], Any]
Writer = Callable[[Any], str]


def read_text(text: str) -> str | None:
    value = clean(text)
    return value or None


def read_identifier(text: str) -> str | None:
    """Telephone, model, certificate number: full-width letters and digits made half-width."""
    value = unicodedata.normalize("NFKC", clean(text)).strip()
    return None if value in _DASHES else value


def read_credit_code(text: str) -> str | None:
    """The 18 characters, with spaces a clerk typed between groups taken out."""
    value = "".join(unicodedata.normalize("NFKC", clean(text)).split()).upper()
    return value or None


def choice_reader(choices: type[StrEnum], nothing: tuple[str, ...] = ()) -> Reader:
    values = [c.value for c in choices]

    def read(text: str) -> str | None:
        value = "".join(clean(text).split())
        if not value or value in nothing or value in _DASHES:
            return None
        if value not in values:
            raise CellError(f"'{clean(text)}' 不是 {'、'.join(values)} 之一")
        return value

    return read


def yes_no_reader(yes: tuple[str, ...], no: tuple[str, ...]) -> Reader:
    """The field's own words first (自有/租赁), then 是/否 and ticks."""
    yes_words = (*yes, "是", "有", "√", "✓", "✔", "Y", "y")
    no_words = (*no, "否", "无", "×", "✗", "✘", "N", "n")

    def read(text: str) -> bool | None:
        value = "".join(clean(text).split())
        if not value or value in _DASHES - {"、"}:
            return None
        if value in yes_words:
            return True
        if value in no_words:
            return False
        raise CellError(f"'{clean(text)}' 应填 {yes[0]} 或 {no[0]}")

    return read


_CHINESE_NUMERAL = re.compile(r"[零〇一二两三四五六七八九十百千万亿点]+")
_GROUPED = re.compile(r"\d{1,3}(,\d{3})+(\.\d+)?")
_PLAIN = re.compile(r"\d+(\.\d+)?")


def number_reader(*, units: tuple[str, ...] = (), whole: bool = False, wan: bool = False, example: str = "") -> Reader:
    """Arabic numbers with the field's units, separators and full-width digits; Chinese numerals
    only written out in full (cn2an's strict reading: 一千二百, not 一千二); `wan`: 18.5万 is 185000."""
    suffixes = sorted(units, key=len, reverse=True)

    def read(text: str) -> Decimal | int | None:
        raw = clean(text)
        s = "".join(unicodedata.normalize("NFKC", raw).split()).lstrip("¥")
        if not s or s in _DASHES:
            return None
        for unit in suffixes:
            if s.endswith(unit) and len(s) > len(unit):
                s = s[: -len(unit)]
                break
        times = 1
        if wan and s.endswith("万") and _PLAIN.fullmatch(s[:-1]):
            s, times = s[:-1], 10_000
        if _GROUPED.fullmatch(s):
            s = s.replace(",", "")
        if _PLAIN.fullmatch(s):
            value = Decimal(s) * times
        elif _CHINESE_NUMERAL.fullmatch(s):
            value = _chinese_number(raw, s)
        else:
            raise CellError(f"'{raw}' 不是数字；请写阿拉伯数字" + (f"，如 {example}" if example else ""))
        if whole:
            if value != value.to_integral_value():
                raise CellError(f"'{raw}' 应为整数")
            return int(value)
        return value

    return read


def _chinese_number(raw: str, s: str) -> Decimal:
    try:
        return Decimal(str(cn2an.cn2an(s.replace("两", "二"), "strict")))
    except (ValueError, InvalidOperation):
        pass
    try:
        guess = f"（是 {number_text(Decimal(str(cn2an.cn2an(s, 'normal'))))} 吗？）"
    except (ValueError, InvalidOperation):
        guess = ""
    raise CellError(f"'{raw}' 是口语简写，不能确定是多少；请写阿拉伯数字{guess}")


# --- writers: value -> cell text ----------------------------------------------------------------


def write_text(value: Any) -> str:
    if value is None:
        return ""
    return value.value if isinstance(value, StrEnum) else str(value)


def write_number(value: Any) -> str:
    return "" if value is None else number_text(Decimal(value))


def write_money(value: Any) -> str:
    """185000 -> '185,000'; 1581.20 -> '1,581.2'."""
    if value is None:
        return ""
    amount = Decimal(value)
    return f"{amount:,.2f}".rstrip("0").rstrip(".") if amount % 1 else f"{amount:,.0f}"


def yes_no_writer(yes: str, no: str) -> Writer:
    def write(value: Any) -> str:
        return "" if value is None else (yes if value else no)

    return write


def _never(text: str) -> None:
    return None


# --- the fields ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FormField:
    label: str  # as printed on the form and as the lists' column header
    key: str  # the template's name for it: {{ unit.KEY }}, {{ e.KEY }}, {{ t.KEY }}
    path: tuple[str, ...]  # where the value goes, from the unit, project, equipment or teacher
    read: Reader = read_text
    write: Writer = write_text
    required: bool = False
    choices: tuple[str, ...] = ()  # fixed choices: the lists' dropdowns
    aliases: tuple[str, ...] = ()  # other headings accepted for it in a list or an edited form
    derived: bool = False  # computed by docgen (totals, numbering): printed, never read
    width: int = 12  # the lists' column width, in characters

    @property
    def names(self) -> set[str]:
        return {squash(self.label), *(squash(a) for a in self.aliases)}


def _choices(enum: type[StrEnum]) -> tuple[str, ...]:
    return tuple(c.value for c in enum)


def _field(label: str, key: str, path: str, **kw: Any) -> FormField:
    return FormField(label, key, tuple(path.split(".")) if path else (), **kw)


_OWNED = ("自有", "租赁")
_MEASURE_WORDS = ("台套", "台", "套", "个", "件", "把", "组", "部", "只", "座")
_FULL_TIME = ("是", "否")

NAME = _field("单位名称", "name", "name", required=True, width=30)
CREDIT_CODE = _field("统一社会信用代码", "credit_code", "credit_code", read=read_credit_code, required=True)
KIND = _field(
    "单位类型", "kind", "kind", read=choice_reader(ApplicantKind), required=True, choices=_choices(ApplicantKind)
)
DISTRICT = _field("所在区镇", "district", "district", required=True, aliases=("所在区县", "所在区域"))
ADDRESS = _field("单位地址", "address", "address", required=True)
CONTACT_NAME = _field("联系人", "contact_name", "contact.name", required=True)
CONTACT_PHONE = _field("联系电话", "contact_phone", "contact.phone", read=read_identifier, required=True)
LEGAL_PERSON = _field(
    "具有独立法人资格",
    "legal_person",
    "legal_person",
    read=yes_no_reader(("是",), ("否",)),
    write=yes_no_writer("是", "否"),
    choices=("是", "否"),
    aliases=("独立法人资格",),
)
SITE_OWNED = _field(
    "场地性质",
    "site_owned",
    "site.owned",
    read=yes_no_reader(("自有",), ("租赁", "租用")),
    write=yes_no_writer(*_OWNED),
    required=True,
    choices=_OWNED,
)
AREA = _field(
    "实训场地建筑面积（平方米）",
    "area",
    "site.area_m2",
    read=number_reader(units=("平方米", "平米", "㎡", "m²", "m2", "M2"), example="1860"),
    write=write_number,
    required=True,
)
FIRE = _field(
    "消防、通风、照明、控温设施",
    "fire",
    "site.fire_ventilation_lighting_temperature",
    read=yes_no_reader(("齐全", "具备", "完备"), ("不齐全", "不具备", "不完备")),
    write=yes_no_writer("齐全", "不齐全"),
    choices=("齐全", "不齐全"),
)
EXPERIENCE = _field(
    "高级工以上培训年限",
    "experience",
    "experience_years",
    read=number_reader(units=("年",), example="3"),
    write=lambda v: "" if v is None else f"{number_text(Decimal(v))}年",
    required=True,
)
MANAGERS = _field(
    "专职管理人员（人）",
    "managers",
    "full_time_managers",
    read=number_reader(units=("人", "名"), whole=True, example="3"),
    write=write_number,
)
TRAINEES = _field(
    "上年度培训人数",
    "trainees",
    "trainees_last_year",
    read=number_reader(units=("人", "名", "人次"), whole=True, example="150"),
    write=write_number,
)
CERTIFIED = _field(
    "上年度取证人数",
    "certified",
    "certified_last_year",
    read=number_reader(units=("人", "名", "人次"), whole=True, example="120"),
    write=write_number,
)
EQUIPMENT_TOTAL = _field("实训设备总值（元）", "equipment_total", "", read=_never, derived=True)
TEACHER_TOTAL = _field("教师总数（人）", "teacher_total", "", read=_never, derived=True)

# The unit table, row by row: one field (its value across the row) or two pairs of label and value.
UNIT_ROWS: tuple[tuple[FormField, ...], ...] = (
    (NAME,),
    (CREDIT_CODE, KIND),
    (DISTRICT, ADDRESS),
    (CONTACT_NAME, CONTACT_PHONE),
    (LEGAL_PERSON, SITE_OWNED),
    (AREA, FIRE),
    (EXPERIENCE, MANAGERS),
    (TRAINEES, CERTIFIED),
    (EQUIPMENT_TOTAL, TEACHER_TOTAL),
)
UNIT_FIELDS: tuple[FormField, ...] = tuple(f for row in UNIT_ROWS for f in row)
UNIT_CAPTION = "单位基本情况"

PROJECT_NAME = _field("实训项目名称", "name", "name", required=True, aliases=("项目名称",))
OCCUPATION = _field("职业（工种）", "occupation", "occupation", required=True, aliases=("职业(工种)", "职业", "工种"))
PROJECT_FIELDS = (PROJECT_NAME, OCCUPATION)
PROJECT_HEADING = "实训项目"  # 实训项目1, 实训项目2, ... above each project's tables

EQUIPMENT_CAPTION = "设备清单"
EQUIPMENT_COLUMNS: tuple[FormField, ...] = (
    _field("序号", "index", "", read=_never, derived=True, width=6),
    _field("设备名称", "name", "name", required=True, width=24),
    _field("型号", "model", "model", read=read_identifier, aliases=("规格型号", "型号规格"), width=16),
    _field(
        "数量",
        "quantity",
        "quantity",
        read=number_reader(units=_MEASURE_WORDS, whole=True, example="8"),
        write=write_number,
        required=True,
        width=8,
    ),
    _field(
        "单价（元）",
        "unit_price",
        "unit_price_yuan",
        read=number_reader(units=("元",), wan=True, example="185000"),
        write=write_money,
        required=True,
        aliases=("单价",),
        width=14,
    ),
    _field("金额（元）", "value", "", read=_never, derived=True, width=14),
    _field(
        "产权",
        "owned",
        "owned",
        read=yes_no_reader(("自有",), ("租赁", "租用")),
        write=yes_no_writer(*_OWNED),
        choices=_OWNED,
        aliases=("产权性质", "自有/租赁"),
        width=8,
    ),
)

TEACHER_CAPTION = "师资情况"
TEACHER_COLUMNS: tuple[FormField, ...] = (
    _field("序号", "index", "", read=_never, derived=True, width=6),
    _field("姓名", "name", "name", required=True, width=12),
    _field(
        "职业资格",
        "qualification",
        "qualification",
        read=choice_reader(Qualification, nothing=("无",)),
        choices=_choices(Qualification),
        aliases=("职业资格等级", "职业技能等级"),
        width=12,
    ),
    _field(
        "专业技术职称",
        "title",
        "title",
        read=choice_reader(Title),
        choices=_choices(Title),
        aliases=("职称",),
        width=14,
    ),
    _field("证书编号", "certificate_no", "certificate_no", read=read_identifier, aliases=("资格证书编号",), width=24),
    _field(
        "专职",
        "full_time",
        "full_time",
        read=yes_no_reader(("是", "专职"), ("否", "兼职")),
        write=yes_no_writer(*_FULL_TIME),
        choices=_FULL_TIME,
        aliases=("专兼职", "专职/兼职", "是否专职"),
        width=8,
    ),
)
SHARE_LABEL = "中级以上职称或技师以上职业资格教师占比"
SUBTOTAL_LABEL = "小计"

# The lists' own column naming the project each row belongs to.
LIST_PROJECT = _field("实训项目", "project", "", required=True, aliases=("项目", "项目名称", "实训项目名称"), width=20)


def instructions() -> list[str]:
    """填表说明 printed under the form, made from the fields' own choices."""
    q = "、".join(_choices(Qualification))
    t = "、".join(_choices(Title))
    return [
        "填表说明：",
        f"1. 单位类型填 {'、'.join(_choices(ApplicantKind))} 之一；场地性质、产权填 自有 或 租赁。",
        f"2. 职业资格填 {q}（没有的留空）；专业技术职称填 {t}；专职填 是 或 否。",
        "3. 数字用阿拉伯数字填写，如 1860、185,000；金额、序号、合计和占比由审核部门核算，可不填。",
        "4. 行不够时复制一整行再填；实训项目不够时复制一个项目的标题和三个表格。设备、教师较多的，"
        "可改用随表发出的 Excel 附件，在“实训项目”一列写明项目名称。",
    ]


def get(obj: Any, path: tuple[str, ...]) -> Any:
    for name in path:
        obj = getattr(obj, name)
    return obj
