"""The document kinds: each one's data file schema and the context its template receives.

Data is entered once: documents refer to applicant files, assessment sheets and yearly reports
by name (resolved next to the data file, never outside it or the workspace) instead of
repeating them. Names, numbers and dates are formatted here, so templates only place them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import Field, field_validator

from docgen.applicant import Applicant, Teacher, load_applicant
from docgen.assessment import load_assessment_sheet, score
from docgen.crosscheck.review import ZH, Review, review
from docgen.crosscheck.shared import with_shared
from docgen.datafiles import Strict, load_model
from docgen.documents.docnumber import DocNumber, chinese_date, chinese_numeral_date, heading_number
from docgen.documents.workdays import add_working_days
from docgen.eligibility import qualifies
from docgen.errors import BadInputError, did_you_mean, located
from docgen.evidence import open_archive
from docgen.intake import schema
from docgen.policy import Policy, TeacherShare
from docgen.verdict import Verdict, number_text, zh
from docgen.workspace import Workspace
from docgen.yearly import check_yearly, load_yearly_report


def _doc_number(value: str) -> str:
    return str(DocNumber.parse(value))


class Issued(Strict):
    """What every issued document (发文) carries."""

    policy: str | None = None
    doc_number: str
    date: dt.date
    recipients: str | None = None  # 主送机关, without the final colon
    signature: str | None = None  # 署名; default the authority's name
    cc: str | None = None  # 抄送 (版记)
    printed_on: dt.date | None = None  # 印发日期; default the document's date

    _check_number = field_validator("doc_number")(_doc_number)

    @field_validator("recipients")
    @classmethod
    def _no_final_colon(cls, value: str | None) -> str | None:
        return value.rstrip("：:") if value else value


class OfficeContact(Strict):
    """The bureau office a notice names for questions and objections (联系人, 电话, 邮箱, 地址)."""

    name: str | None = None
    phone: str | None = None
    email: str | None = None
    address: str | None = None


class Subsection(Strict):
    heading: str | None = None
    text: str | None = None  # a numbered paragraph without a heading of its own
    paragraphs: list[str] = Field(default_factory=list)
    items: list[str] = Field(default_factory=list)


class Section(Strict):
    heading: str
    paragraphs: list[str] = Field(default_factory=list)
    subsections: list[Subsection] = Field(default_factory=list)
    items: list[str] = Field(default_factory=list)
    closing: list[str] = Field(default_factory=list)  # paragraphs after the subsections


class NoticeData(Issued):
    title: str
    preamble: list[str] = Field(default_factory=list)
    sections: list[Section] = Field(min_length=1)
    deadline: dt.date | None = None
    contact: OfficeContact | None = None  # default: the authority's contact in the policy
    attachments: list[str] = Field(default_factory=list)


class BaseRef(Strict):
    """A base or candidate: an applicant file and, where the naming rule needs it, a short name."""

    applicant: str  # file name, next to the data file
    short_name: str | None = None  # 名称或区域, e.g. 萧山 for 杭州市公共实训基地萧山分基地
    opinion: str | None = None  # 初审意见 (summary)


class SummaryData(Strict):
    policy: str | None = None
    year: int
    title: str | None = None
    filled_by: str | None = None
    filled_on: dt.date | None = None
    applicants: list[BaseRef] = Field(min_length=1)


class PublicityData(Strict):
    policy: str | None = None
    year: int
    date: dt.date  # published; the period starts from it
    title: str | None = None
    working_days: int | None = Field(default=None, ge=1)  # default: the programme's
    candidates: list[BaseRef] = Field(min_length=1)
    contact: OfficeContact | None = None
    signature: str | None = None


class ConfirmationData(Issued):
    year: int
    title: str | None = None
    bases: list[BaseRef] = Field(min_length=1)
    publicity_end: dt.date | None = None
    attachments: list[str] = Field(default_factory=list)


class PlaqueData(Strict):
    policy: str | None = None
    date: dt.date
    bases: list[BaseRef] = Field(min_length=1)


class AssessmentDocData(Issued):
    title: str | None = None
    sheet: str | None = None  # an assessment sheet (points-based programmes)
    yearly_report: str | None = None  # a yearly report (programmes with a yearly duty)


class RevocationData(Issued):
    title: str | None = None
    base: BaseRef
    confirmed_by: str  # the confirmation document's 发文字号
    confirmed_on: dt.date
    reason: str  # a revocation reason id of the programme
    details: str | None = None  # the facts, in the bureau's words

    _check_confirmed_by = field_validator("confirmed_by")(_doc_number)


class FormData(Strict):
    """The application form: an applicant file itself, or nothing for the blank form."""


@dataclass(frozen=True)
class Kind:
    name: str
    title: str  # what a clerk calls it
    model: type[Strict] | None
    context: Callable[..., Any]  # one context, or a list of them (plaques)


# --- helpers --------------------------------------------------------------------------------


def resolve_reference(source: Path, field_name: str, ref: str, workspace: Workspace | None) -> Path:
    """A file named in a data file: next to it (or below), or in the workspace; never elsewhere."""
    base = source.parent.resolve()
    target = (base / ref).resolve()
    roots = [base] + ([workspace.root] if workspace else [])
    if not any(target.is_relative_to(root) for root in roots):
        raise BadInputError(located(source, field_name, f"'{ref}' leads outside {base}"))
    if not target.is_file():
        raise BadInputError(located(source, field_name, f"'{ref}': no such file next to {source.name}"))
    return target


def _applicants(source: Path, refs: list[BaseRef], field_name: str, ws: Workspace | None) -> list[Applicant]:
    return [
        load_applicant(resolve_reference(source, f"{field_name}[{i}].applicant", r.applicant, ws))
        for i, r in enumerate(refs, 1)
    ]


def _money(value: Decimal) -> str:
    return schema.write_money(value)


def _wan(value: Decimal) -> str:
    return f"{value / 10000:.2f}"


def _share_text(teachers: list[Teacher], check: TeacherShare | None) -> str:
    if not teachers or check is None:
        return "—"
    good = sum(1 for t in teachers if qualifies(t, check))
    return f"{Decimal(good) / len(teachers):.0%}（{good}/{len(teachers)}）"


def _default_teacher_check() -> TeacherShare:
    """Kunshan's bar, for showing a share on forms of programmes that set none."""
    return TeacherShare.model_validate(
        {
            "check": "teacher_share",
            "min_share": "0.5",
            "min_title": "中级",
            "min_qualification": "技师",
            "label": "",
        }
    )


def _issued(data: Issued, policy: Policy) -> dict[str, Any]:
    ctx: dict[str, Any] = {
        "issuer_mark": f"{policy.authority.name}文件",
        "doc_number": data.doc_number,
        "recipients": data.recipients or "",
        "signature": data.signature or policy.authority.name,
        "date": chinese_date(data.date),
        "attachments": [],
        # 版记: every 文件 has one (印发机关, 印发日期), with 抄送 where given
        "colophon": {
            "cc": (data.cc or "").rstrip("。"),
            "printed_by": policy.authority.name,
            "printed_on": chinese_date(data.printed_on or data.date),
        },
    }
    return ctx


def _numbered_attachments(names: list[str]) -> list[str]:
    if len(names) == 1:
        return names
    return [f"{i}. {name}" for i, name in enumerate(names, 1)]


def _base_name(policy: Policy, applicant: Applicant, ref: BaseRef) -> str:
    return policy.base_name(applicant.name, short_name=ref.short_name, district=applicant.district)


def _contact_lines(contact: OfficeContact | None, policy: Policy) -> list[str]:
    a = policy.authority
    c = contact or OfficeContact(name=a.contact_name, phone=a.phone, email=a.email, address=a.address)
    pairs = [("联系人", c.name), ("联系电话", c.phone), ("电子邮箱", c.email), ("地址", c.address)]
    return [f"{label}：{value}" for label, value in pairs if value]


# --- contexts -------------------------------------------------------------------------------


def notice_context(data: NoticeData, policy: Policy, **_: Any) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = [{"level": 0, "text": p} for p in data.preamble]
    for i, section in enumerate(data.sections, 1):
        blocks.append({"level": 1, "text": heading_number(1, i) + section.heading})
        blocks += [{"level": 0, "text": p} for p in section.paragraphs]
        for j, sub in enumerate(section.subsections, 1):
            number = heading_number(2, j)
            if sub.heading:
                blocks.append({"level": 2, "text": number + sub.heading})
            if sub.text:
                blocks.append({"level": 0, "text": ("" if sub.heading else number) + sub.text})
            blocks += [{"level": 0, "text": p} for p in sub.paragraphs]
            blocks += [{"level": 0, "text": heading_number(3, k) + item} for k, item in enumerate(sub.items, 1)]
        blocks += [{"level": 0, "text": heading_number(3, k) + item} for k, item in enumerate(section.items, 1)]
        blocks += [{"level": 0, "text": p} for p in section.closing]
    if data.deadline:
        blocks.append({"level": 0, "text": f"申报截止时间：{chinese_date(data.deadline)}。"})
    blocks += [{"level": 0, "text": line} for line in _contact_lines(data.contact, policy)]
    ctx = _issued(data, policy)
    ctx.update(title=data.title, blocks=blocks, attachments=_numbered_attachments(data.attachments))
    return ctx


def form_context(data: Applicant | None, policy: Policy, **_: Any) -> dict[str, Any]:
    """Pre-filled from an applicant, or blank (empty rows to write in) when data is None.

    Every value is written as docgen/intake/schema.py reads it back (see docgen.intake.form)."""
    title = f"{policy.city}高技能人才公共实训基地申报表"
    boxes = _opinion_boxes(policy)
    if data is None:
        empty_row = {c.key: "" for c in schema.EQUIPMENT_COLUMNS}
        empty_teacher = {c.key: "" for c in schema.TEACHER_COLUMNS}
        projects: list[dict[str, Any]] = [
            {
                "index": i,
                "name": "",
                "occupation": "",
                "equipment": [empty_row] * 5,
                "equipment_total": "",
                "teachers": [empty_teacher] * 5,
                "qualified_share": "",
            }
            for i in (1, 2)
        ]
        return {
            "title": title,
            "unit": {f.key: "" for f in schema.UNIT_FIELDS},
            "filled_on": "",
            "projects": projects,
            "opinion_boxes": boxes,
        }
    check = policy.teacher_share() or _default_teacher_check()
    unit = {f.key: f.write(schema.get(data, f.path)) for f in schema.UNIT_FIELDS if not f.derived}
    unit["equipment_total"] = _money(data.equipment_value_yuan)
    unit["teacher_total"] = str(len(data.teachers))
    projects = []
    for i, p in enumerate(data.projects, 1):
        equipment = []
        for k, e in enumerate(p.equipment, 1):
            row = {c.key: c.write(schema.get(e, c.path)) for c in schema.EQUIPMENT_COLUMNS if not c.derived}
            equipment.append({**row, "index": k, "value": _money(e.value_yuan)})
        teachers = []
        for k, t in enumerate(p.teachers, 1):
            row = {c.key: c.write(schema.get(t, c.path)) for c in schema.TEACHER_COLUMNS if not c.derived}
            teachers.append({**row, "index": k})
        projects.append(
            {
                "index": i,
                "name": p.name,
                "occupation": p.occupation,
                "equipment": equipment,
                "equipment_total": _money(p.equipment_value_yuan),
                "teachers": teachers,
                "qualified_share": _share_text(p.teachers, check),
            }
        )
    return {"title": title, "unit": unit, "filled_on": "", "projects": projects, "opinion_boxes": boxes}


def _opinion_boxes(policy: Policy) -> list[str]:
    boxes = ["区镇社会保障部门初审意见"] if policy.has_preliminary_review else []
    boxes.append("专家评审意见")
    boxes.append(f"{policy.authority.short_name}审核意见")
    return boxes


def summary_context(
    data: SummaryData, policy: Policy, *, source: Path, workspace: Workspace | None, **_: Any
) -> dict[str, Any]:
    applicants = _applicants(source, data.applicants, "applicants", workspace)
    check = policy.teacher_share() or _default_teacher_check()
    rows = []
    for ref, a in zip(data.applicants, applicants, strict=True):
        rows.append(
            {
                "name": a.name,
                "kind": a.kind.value,
                "district": a.district,
                "projects": "、".join(p.name for p in a.projects),
                "area": number_text(a.site.area_m2),
                "teachers": str(len(a.teachers)),
                "share": _share_text(a.teachers, check),
                "equipment": _wan(a.equipment_value_yuan),
                "opinion": ref.opinion or "",
            }
        )
    all_teachers = [t for a in applicants for t in a.teachers]
    totals = {
        "area": number_text(sum((a.site.area_m2 for a in applicants), Decimal(0))),
        "teachers": str(len(all_teachers)),
        "share": _share_text(all_teachers, check),
        "equipment": _wan(sum((a.equipment_value_yuan for a in applicants), Decimal(0))),
    }
    return {
        "title": data.title or f"{data.year}年{policy.city}高技能人才公共实训基地申报汇总表",
        "filled_by": data.filled_by or "",
        "filled_on": chinese_date(data.filled_on) if data.filled_on else "",
        "rows": rows,
        "totals": totals,
    }


def blank_summary_context(year: int, policy: Policy, rows: int = 8) -> dict[str, Any]:
    """The summary table with empty rows, sent with the notice for 区镇 to fill in."""
    columns = ["name", "kind", "district", "projects", "area", "teachers", "share", "equipment", "opinion"]
    return {
        "title": f"{year}年{policy.city}高技能人才公共实训基地申报汇总表",
        "filled_by": "",
        "filled_on": "",
        "rows": [dict.fromkeys(columns, "") for _ in range(rows)],
        "totals": dict.fromkeys(["area", "teachers", "share", "equipment"], ""),
    }


def publicity_context(
    data: PublicityData, policy: Policy, *, source: Path, workspace: Workspace | None, **_: Any
) -> dict[str, Any]:
    applicants = _applicants(source, data.candidates, "candidates", workspace)
    days = data.working_days or policy.publicity.working_days
    holidays = workspace.holidays_dir if workspace else source.parent / "holidays"
    start, end = publicity_period(data.date, days, policy, holidays)
    candidates = [
        {
            "base_name": _base_name(policy, a, r),
            "unit": a.name,
            "projects": "、".join(p.name for p in a.projects),
        }
        for r, a in zip(data.candidates, applicants, strict=True)
    ]
    opening = [
        f"根据《{policy.source.title}》要求，经申报、审核和专家评审，拟将以下{len(candidates)}家单位"
        f"认定为{data.year}年{policy.city}高技能人才公共实训基地，现予以公示："
    ]
    return {
        "title": data.title or f"{data.year}年{policy.city}高技能人才公共实训基地拟认定名单公示",
        "recipients": "",
        "opening": opening,
        "candidates": candidates,
        "period": {"days": days, "start": chinese_date(start), "end": chinese_date(end)},
        "objection_lines": _contact_lines(data.contact, policy),
        "signature": data.signature or policy.authority.name,
        "date": chinese_date(data.date),
        "colophon": None,
        "attachments": [],
    }


def publicity_period(published: dt.date, days: int, policy: Policy, holidays: Path) -> tuple[dt.date, dt.date]:
    """First and last day of a publicity of `days` working days published on `published`."""
    counts = policy.publicity.start_day_counts
    end = add_working_days(published, days, start_counts=counts, holidays_dir=holidays)
    return (published if counts else published + dt.timedelta(days=1)), end


def confirmation_context(
    data: ConfirmationData, policy: Policy, *, source: Path, workspace: Workspace | None, **_: Any
) -> dict[str, Any]:
    applicants = _applicants(source, data.bases, "bases", workspace)
    bases = [
        {
            "base_name": _base_name(policy, a, r),
            "unit": a.name,
            "projects": "、".join(p.name for p in a.projects),
        }
        for r, a in zip(data.bases, applicants, strict=True)
    ]
    ctx = _issued(data, policy)
    publicity = f"并经公示（至{chinese_date(data.publicity_end)}）无异议" if data.publicity_end else "并经公示无异议"
    ctx.update(
        title=data.title or f"关于确认{data.year}年{policy.city}高技能人才公共实训基地的通知",
        opening=[
            f"根据《{policy.source.title}》，经单位申报、审核、专家评审，{publicity}，"
            f"确认以下{len(bases)}家单位为{data.year}年{policy.city}高技能人才公共实训基地，"
            f"授予“{policy.naming.plaque}”铭牌："
        ],
        bases=bases,
        closing=[
            "各基地要按照要求，突出公共实训和技能人才评价功能，体现公益性，"
            f"每年将实训计划、实训数据及总结材料报{policy.authority.short_name}。"
            if policy.yearly_duty
            else "各分基地要发挥公共服务职能，开展公益性实训、技能竞赛和资助性培训，接受考核评估和动态管理。"
        ],
        attachments=_numbered_attachments(data.attachments),
    )
    return ctx


def plaque_contexts(
    data: PlaqueData, policy: Policy, *, source: Path, workspace: Workspace | None, **_: Any
) -> list[dict[str, Any]]:
    applicants = _applicants(source, data.bases, "bases", workspace)
    return [
        {
            "plaque_text": policy.naming.plaque,
            "base_name": _base_name(policy, a, r),
            "authority": policy.authority.name,
            "date": chinese_numeral_date(data.date),
            "unit": a.name,
        }
        for r, a in zip(data.bases, applicants, strict=True)
    ]


def assessment_context(
    data: AssessmentDocData, policy: Policy, *, source: Path, workspace: Workspace | None, **_: Any
) -> dict[str, Any]:
    """A points-based result (Hangzhou: sheet) or a yearly-duty result (Kunshan: yearly_report)."""
    if bool(data.sheet) == bool(data.yearly_report):
        raise BadInputError(located(source, "sheet", "give either sheet (points) or yearly_report (yearly duty)"))
    if data.sheet:
        result = _points_result(resolve_reference(source, "sheet", data.sheet, workspace), policy)
    else:
        report = resolve_reference(source, "yearly_report", data.yearly_report or "", workspace)
        result = _yearly_result(report, policy)
    base, period = result.pop("base"), result.pop("period")
    ctx = _issued(data, policy)
    ctx.update(result)
    ctx.update(
        title=data.title or f"关于{base}{period}考核结果的通知",
        recipients=data.recipients or base,
        opening=[f"根据《{policy.source.title}》，我局对{base}{period}情况进行了考核评估，结果如下："],
    )
    return ctx


def _consequence(text: str) -> list[str]:
    return [f"根据规定，{text}。"] if text else []


def _points_result(sheet_path: Path, policy: Policy) -> dict[str, Any]:
    result = score(load_assessment_sheet(sheet_path), policy, source=sheet_path)
    rows = [
        {
            "item": f"{part.part.name}：{d.dimension.name}",
            "standard": f"满分{number_text(d.dimension.max_points)}分",
            "value": number_text(d.counted),
            "result": "",
        }
        for part in result.parts
        for d in part.dimensions
    ]
    rows += [
        {"item": "直接认定为不合格", "standard": text, "value": "—", "result": "是"} for text in result.direct_fail
    ]
    return {
        "base": result.sheet.base,
        "period": result.sheet.period or "",
        "rows": rows,
        "table_head": ["考核项目", "分值", "得分", "备注"],
        "total_label": "总分",
        "total": number_text(result.total),
        "grade": result.grade.name,
        "closing": [f"考核等级：{result.grade.name}。", *_consequence(result.consequence)],
    }


def _yearly_result(report_path: Path, policy: Policy) -> dict[str, Any]:
    yearly = check_yearly(load_yearly_report(report_path), policy, source=report_path)
    duty = yearly.duty
    standards = [f"不少于{duty.min_trainees}人", f"不低于{duty.min_certified_share:.0%}"]
    rows = [
        {
            "item": f.label,
            "standard": standards[i] if i < len(standards) else "按时报送",
            "value": zh(f.detail),
            "result": "达标" if f.verdict is Verdict.passed else "未达标",
        }
        for i, f in enumerate(yearly.findings)
    ]
    grade = "合格" if yearly.verdict is Verdict.passed else "不合格"
    return {
        "base": yearly.report.base,
        "period": f"{yearly.report.year}年度",
        "rows": rows,
        "table_head": ["考核项目", "要求", "完成情况", "结果"],
        "total_label": "考核结果",
        "total": "",
        "grade": grade,
        "closing": [f"年度绩效考核结果：{grade}。", *_consequence(zh(yearly.consequence))],
    }


def revocation_context(
    data: RevocationData, policy: Policy, *, source: Path, workspace: Workspace | None, **_: Any
) -> dict[str, Any]:
    try:
        reason = policy.revocation_reason(data.reason)
    except KeyError:
        known = [r.id for r in policy.revocation_reasons]
        raise BadInputError(
            located(source, "reason", f"unknown reason '{data.reason}'" + did_you_mean(data.reason, known))
        ) from None
    applicant = _applicants(source, [data.base], "base", workspace)[0]
    name = _base_name(policy, applicant, data.base)
    index = [r.id for r in policy.revocation_reasons].index(reason.id) + 1
    paragraphs = [
        f"{applicant.name}于{chinese_date(data.confirmed_on)}经{data.confirmed_by}文件确认为“{name}”。",
    ]
    if data.details:
        paragraphs.append(data.details)
    paragraphs.append(
        f"根据《{policy.source.title}》规定，该基地存在“{reason.text.rstrip('的')}”情形"
        f"（撤销情形第{index}项），经研究，决定撤销其“{name}”资格，收回并摘除“{policy.naming.plaque}”铭牌，"
        "并向社会公告。"
    )
    paragraphs.append("请你单位自收到本通知之日起停止以该基地名义开展相关活动。")
    ctx = _issued(data, policy)
    ctx.update(
        title=data.title or f"关于撤销{name}资格的通知",
        recipients=data.recipients or applicant.name,
        paragraphs=paragraphs,
    )
    return ctx


_CLAIM_KINDS = {"teacher": "师资", "equipment": "设备", "site": "场地", "unit": "单位"}
_VERDICTS_ZH = {"pass": "达标", "fail": "不达标", "review": "待核", "info": "参考"}


def worksheet_context(
    data: Applicant,
    policy: Policy,
    *,
    workspace: Workspace | None,
    year: int | None = None,
    source: Path | None = None,
    **_: Any,
) -> dict[str, Any]:
    """评审工作底稿 from the cross-check of the applicant against its archived evidence, with the
    claims other applications of the workspace share."""
    if workspace is None:
        raise BadInputError("make worksheet: the evidence is in a workspace's archive; work inside one or pass -w DIR")
    result = with_shared(workspace, review(data, policy, open_archive(workspace), year), policy, source)
    return worksheet_context_of(result)


def worksheet_context_of(result: Review) -> dict[str, Any]:
    claims = [
        {
            "kind": _CLAIM_KINDS[c.kind] + (f"（{c.project}）" if c.project else ""),
            "claim": c.claim,
            "verdict": ZH[c.match],
            "detail": "；".join([zh(c.detail), *(zh(s.detail) for s in c.shared)]),
            "evidence": "；".join(f"{e.archival_code} 第{e.page}页" for e in c.evidence),
        }
        for c in result.claims
    ]
    summary = [f"{s.condition}：{zh(s.detail)}（{_VERDICTS_ZH[s.verdict.value]}）" for s in result.summaries]
    shared = [c for c in result.claims if c.shared]
    if shared:
        clashes = sum(1 for c in shared if any(s.contradiction for s in c.shared))
        summary.append(
            f"跨申报比对：{len(shared)}项申报内容亦见于其他单位的申报（本年度及以前年度）"
            + (f"，其中{clashes}项矛盾（同一教师被两个单位申报为专职）" if clashes else "")
            + "，详见下表“说明”栏，请评审专家判断"
        )
    return {
        "title": f"{result.applicant.name}申报材料评审工作底稿",
        "unit": result.applicant.name,
        "credit_code": result.applicant.credit_code,
        "year": str(result.year),
        "pages": str(result.pages),
        "summary": summary,
        "claims": claims,
    }


KINDS: dict[str, Kind] = {
    "notice": Kind("notice", "申报通知", NoticeData, notice_context),
    "form": Kind("form", "申报表", None, form_context),
    "summary": Kind("summary", "申报汇总表", SummaryData, summary_context),
    "publicity": Kind("publicity", "公示", PublicityData, publicity_context),
    "confirmation": Kind("confirmation", "认定通知", ConfirmationData, confirmation_context),
    "plaque": Kind("plaque", "铭牌", PlaqueData, plaque_contexts),
    "assessment": Kind("assessment", "考核结果通知", AssessmentDocData, assessment_context),
    "revocation": Kind("revocation", "撤销通知", RevocationData, revocation_context),
    "worksheet": Kind("worksheet", "评审工作底稿", None, worksheet_context),
}


def load_kind_data(kind: Kind, path: Path) -> Any:
    if kind.name in ("form", "worksheet"):
        return load_applicant(path)
    assert kind.model is not None
    return load_model(path, kind.model)
