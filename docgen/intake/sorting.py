"""Which of the programme's evidence types a file is, from its folder and file names, with the reason.

Applicants file their materials in folders named after the call's list (1.申报表, 4.师资资质证明) or
name the files so (张三-高级技师证书.jpg, 营业执照.pdf). A file's own name is read first, then its
folders from the nearest up; in each name the longest keyword found decides (营业执照 before 执照),
ties going to the order of NAME_KEYWORDS. Nothing found: `unsorted`, for a person to file.

A filled 申报表 in Word (or Excel) is the `form` and any other spreadsheet a `list`: another reader
takes their data; they are archived too, under the type their name gives (`evidence_type`).

Then by text: `Sorter.by_text` takes a page's text (after OCR, or a born-digital page's own) for the
files names could not sort; a simple count of TEXT_KEYWORDS, the extension point for anything better.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from archive import SPREADSHEET_KINDS
from docgen.policy import Policy

FORM = "form"
LIST = "list"
UNSORTED = "unsorted"
WORD_KINDS = ("docx", "doc", "odt")

# The keyword table, in one place. For each evidence type id, the words its folders and files are named
# with, beyond the type's own name in the programme (evidence_types and materials, split at 或/和/及/、,
# which are added for the types the programme has). Types earlier in the table win ties.
NAME_KEYWORDS: dict[str, tuple[str, ...]] = {
    "application_form": ("申报表", "申请表", "申报书"),
    "business_licence": (
        "营业执照", "执照", "法人登记", "法人证书", "登记证书", "民办非企业", "事业单位法人", "统一社会信用代码",
    ),
    "site_documents": (
        "场地", "租赁", "产权", "房产", "不动产", "土地", "消防", "平面图", "厂房", "面积", "房屋", "办公场所",
    ),
    "equipment_list": ("设备清单", "设备", "仪器", "机床", "固定资产", "清单", "发票"),
    "management_rules": ("制度", "章程", "规章", "管理办法", "管理规定", "组织机构"),
    "training_records": ("培训", "实训记录", "签到", "结业", "鉴定", "取证", "学员"),
    "project_plan": ("实训项目", "项目设置", "建设方案", "实施方案", "项目方案"),
    "staff_documents": ("专职", "管理人员", "劳动合同", "聘用合同", "社保", "花名册"),
    "teacher_certificates": (
        "师资", "教师", "老师", "证书", "资格证", "职称", "技师", "高级工", "技能等级", "学历", "毕业证", "资质",
    ),
}  # fmt: skip
# Words on a page of each type, for `by_text`: at least two different ones, and more than any other type has.
TEXT_KEYWORDS: dict[str, tuple[str, ...]] = {
    "application_form": ("申报表", "申报单位", "申报项目", "填表日期", "推荐意见"),
    "business_licence": ("营业执照", "统一社会信用代码", "法定代表人", "注册资本", "经营范围", "登记机关", "成立日期"),
    "site_documents": ("不动产权", "房屋所有权", "租赁合同", "出租方", "承租方", "建筑面积", "消防验收", "土地使用权"),
    "equipment_list": ("设备名称", "型号", "规格", "数量", "单价", "购置日期", "设备清单"),
    "management_rules": ("制度", "总则", "第一条", "第二条", "管理办法", "附则"),
    "training_records": ("培训班", "签到", "学员", "课时", "结业", "培训时间", "培训人数"),
    "project_plan": ("实训项目", "建设内容", "实施方案", "项目名称", "建设目标"),
    "staff_documents": ("劳动合同", "聘用合同", "甲方", "乙方", "社会保险", "参保", "工作岗位"),
    "teacher_certificates": (
        "职业资格证书",
        "职业技能等级证书",
        "证书编号",
        "技师",
        "高级工",
        "职称",
        "毕业证书",
        "发证",
    ),
}
CATCH_ALL = ("other",)  # 其他材料: what is left when nothing else fits; no name says a file is "other"
FORM_WORDS = ("申报表", "申请表", "申报书")
SUMMARY_WORDS = ("汇总表",)  # 申报汇总表: a list of applicants, not one applicant's form
_SPLIT = re.compile(r"[或和及与、，,；;（）()\s]+|等(?=[）)]|$)")
_TOO_GENERAL = {"其他", "材料", "文件", "证明", "证明材料", "证明文件", "情况", "复印件", "原件", "副本", "其他材料"}
_CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True)
class Sorted:
    category: str  # an evidence type id, FORM, LIST or UNSORTED
    evidence_type: str | None  # the type it is archived under (a form and a list have one too); None: unsorted
    reason: str  # in Chinese, for the clerk: 文件夹名“师资”含“师资”


class Sorter:
    """The keyword table of one programme: NAME_KEYWORDS for its evidence types, plus the words of their names."""

    def __init__(self, policy: Policy) -> None:
        self.names = {t.id: t.name for t in policy.evidence_types}
        ordered = [t for t in NAME_KEYWORDS if t in self.names] + [t for t in self.names if t not in NAME_KEYWORDS]
        rank = {type_id: n for n, type_id in enumerate(ordered)}
        claimed: dict[str, str] = {}
        sources: list[tuple[str, Sequence[str]]] = [(t.id, _phrases(t.name)) for t in policy.evidence_types]
        sources += [(t, NAME_KEYWORDS.get(t, ())) for t in ordered]
        sources += [(m.evidence_type, _phrases(m.name)) for m in policy.materials]
        for type_id, words in sources:
            if type_id in CATCH_ALL:
                continue
            for word in words:
                claimed.setdefault(_fold(word), type_id)
        # longest first; among equals, the type earlier in the table
        self.keywords = sorted(claimed.items(), key=lambda kw: (-len(kw[0]), rank[kw[1]]))
        self.form_type = self._first_match("申报表")

    def _first_match(self, text: str) -> str | None:
        return next((type_id for word, type_id in self.keywords if word in _fold(text)), None)

    def by_name(self, inside: str, kind: str) -> Sorted:
        """Sort a file by its path inside the package ('师资/张三-高级技师证书.jpg') and its kind (by content)."""
        parts = [p for p in inside.split("/") if p]
        stem = parts[-1].rsplit(".", 1)[0] if "." in parts[-1] else parts[-1]
        found = self._find(stem, parts[:-1])
        editable = kind in WORD_KINDS + SPREADSHEET_KINDS and not _has(stem, SUMMARY_WORDS)
        if editable and found and found[0] == self.form_type:
            return Sorted(FORM, self.form_type, f"{found[1]}，{_KIND_NAMES[kind]}：填写的申报表")
        if editable and _has(stem, FORM_WORDS):  # a programme without a 申报表 evidence type
            return Sorted(
                FORM, self.form_type, f"文件名含“{_which(stem, FORM_WORDS)}”，{_KIND_NAMES[kind]}：填写的申报表"
            )
        if kind in SPREADSHEET_KINDS:
            reason = f"{_KIND_NAMES[kind]}：清单或名册" + (f"；{found[1]}" if found else "")
            return Sorted(LIST, found[0] if found else None, reason)
        if found:
            return Sorted(found[0], found[0], found[1])
        return Sorted(UNSORTED, None, "文件名和文件夹名都不含归类用的词：请人工归类")

    def _find(self, stem: str, folders: list[str]) -> tuple[str, str] | None:
        """(type id, reason) from the file's name, else from its folders, the nearest first."""
        for where, name in [("文件名", stem), *(("文件夹名", f) for f in reversed(folders))]:
            for word, type_id in self.keywords:
                if word in _fold(name):
                    said = f"文件名含“{word}”" if where == "文件名" else f"文件夹名“{name}”含“{word}”"
                    return type_id, said
        return None

    def by_text(self, text: str, page: int = 1) -> Sorted | None:
        """Sort by a page's text (after OCR, or a born-digital page's own); None when it does not tell."""
        folded = _fold(text)
        scores = []
        for type_id, words in TEXT_KEYWORDS.items():
            if type_id in self.names:
                hits = [w for w in words if _fold(w) in folded]
                scores.append((len(hits), type_id, hits))
        scores.sort(key=lambda s: -s[0])
        if not scores or scores[0][0] < 2 or (len(scores) > 1 and scores[1][0] == scores[0][0]):
            return None
        _, type_id, hits = scores[0]
        return Sorted(type_id, type_id, f"第{page}页文字含" + "".join(f"“{w}”" for w in hits[:4]))

    def sort(self, inside: str, kind: str, pages: list[str] | None = None) -> Sorted:
        """By name; a file its name leaves unsorted, by the text of its pages (the first that tells)."""
        named = self.by_name(inside, kind)
        if named.category != UNSORTED or not pages:
            return named
        return next((s for n, text in enumerate(pages, 1) if (s := self.by_text(text, n))), named)

    def name_of(self, category: str) -> str:
        """The Chinese name of a category, for lists and headings."""
        return {FORM: "申报表（填写的表单）", LIST: "清单、名册（表格）", UNSORTED: "未归类"}.get(
            category, self.names.get(category, category)
        )


_KIND_NAMES = {
    "docx": "Word 文档",
    "doc": "Word 97-2003 或 WPS 文档",
    "odt": "OpenDocument 文档",
    "xlsx": "Excel 表格",
    "xls": "Excel 97-2003 或 WPS 表格",
    "ods": "OpenDocument 表格",
}


def _fold(text: str) -> str:
    """Names compared without width, case or spaces: 'ＰＤＦ 证书' and 'pdf证书' are the same."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


def _has(name: str, words: tuple[str, ...]) -> bool:
    return any(_fold(w) in _fold(name) for w in words)


def _which(name: str, words: tuple[str, ...]) -> str:
    return next(w for w in words if _fold(w) in _fold(name))


def _phrases(name: str) -> list[str]:
    """The parts of an evidence type's or material's name that a file could be named by:
    '营业执照或法人登记证书' -> 营业执照, 法人登记证书."""
    parts = [p.strip() for p in _SPLIT.split(name)]
    return [p for p in parts if len(_CJK.findall(p)) >= 2 and p not in _TOO_GENERAL]
