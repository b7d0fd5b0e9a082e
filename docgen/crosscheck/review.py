"""The cross-check: each claim of an application against the OCR'd pages of that applicant's evidence.

Claims: each teacher's certificate (name, number, level), each equipment line (model, quantity),
the site (area, ownership), the unit (name, credit code). Verdicts, best first:
backed, near match (one character off, or a detail not readable), contradicted, not found.

Pages come from the archive (the page texts kept beside each PDF/A), only the applicant's and the
year's, in archival order, so the same archive always gives the same answer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from archive import Archive, ItemRecord
from docgen.applicant import Applicant, Equipment, Teacher
from docgen.crosscheck.text import (
    NearMiss,
    areas_on_page,
    compact,
    identifier,
    identifier_runs,
    level_on_page,
    model_in_line,
    model_run_together,
    name_on_page,
    near_identifier,
    numbers_after_model,
    numbers_after_name,
)
from docgen.eligibility import qualifies
from docgen.errors import BadInputError
from docgen.policy import Policy
from docgen.verdict import Said, Verdict, number_text, zh

if TYPE_CHECKING:
    from docgen.crosscheck.shared import SharedClaim


class Match(StrEnum):
    backed = "backed"
    near = "near match"
    contradicted = "contradicted"
    not_found = "not found"
    unreadable = "page unreadable"  # not found on the pages read, and some page of the evidence was not readable


_ORDER = [Match.backed, Match.near, Match.contradicted, Match.unreadable, Match.not_found]
ZH = {
    Match.backed: "有据",
    Match.near: "近似",
    Match.contradicted: "矛盾",
    Match.not_found: "未找到",
    Match.unreadable: "页面无法识别",
}


@dataclass(frozen=True)
class Page:
    archival_code: str
    page: int
    evidence_type: str
    text: str
    unreadable: str = ""  # why OCR could not read this page well ("" when it could)

    @property
    def compact(self) -> str:
        return compact(self.text)


@dataclass(frozen=True)
class Evidence:
    archival_code: str
    page: int
    snippet: str
    found: tuple[str, ...] = ()  # the text looked for and found on the page: what a page view highlights


@dataclass
class ClaimResult:
    kind: str  # teacher, equipment, site, unit
    claim: str  # what the application says, in words
    match: Match
    detail: str  # a Said: English, with .zh for documents
    evidence: list[Evidence] = field(default_factory=list)
    project: str | None = None
    key: str = ""  # the teacher's name, the model...
    shared: list[SharedClaim] = field(default_factory=list)  # other applications claiming the same (see shared.py)


@dataclass(frozen=True)
class Summary:
    condition: str
    verdict: Verdict
    detail: Said


@dataclass
class Review:
    applicant: Applicant
    year: int
    pages: int
    claims: list[ClaimResult]
    summaries: list[Summary]
    missing: list[MissingType] = field(default_factory=list)

    def count(self, match: Match) -> int:
        return sum(1 for c in self.claims if c.match is match)


@dataclass(frozen=True)
class MissingType:
    """An evidence type the claims of one kind are checked against, of which the year holds no page."""

    type_id: str
    type_name: str
    kind: str  # the claims that rely on it: teacher, equipment, site, unit
    claims: int

    def sentence(self, year: int) -> str:
        return (
            f"no page of {self.type_name} ({self.type_id}) in the {year} evidence: {self.claims} {self.kind} "
            f"claim(s) had only other pages to go on; archive it with '--type {self.type_id}'"
        )


EXPECTED_TYPE = {  # the evidence type each kind of claim is looked for on first
    "teacher": "teacher_certificates",
    "equipment": "equipment_list",
    "site": "site_documents",
    "unit": "business_licence",
}


# --- loading pages ------------------------------------------------------------------------


def applicant_pages(archive: Archive, applicant: Applicant, year: int | None) -> tuple[int, list[Page]]:
    """The applicant's archived pages of `year` (default: the newest year holding any of them), filed
    under its credit code or its name alike. No evidence at all is an error naming where it looked,
    never a review whose every claim is "not found"."""
    if year is None:  # newest first, each year's records read once
        found = next(((y, r) for y in reversed(archive.years()) if (r := unit_records(archive, applicant, y))), None)
        if found is None:
            raise BadInputError(
                f"{applicant.name}: no evidence archived under {applicant.credit_code} or the unit's name "
                f"in {archive.root}; ingest it first"
            )
        year, records = found
    else:
        records = unit_records(archive, applicant, year)
        if not records:
            held = [y for y in archive.years() if unit_records(archive, applicant, y)]
            raise BadInputError(
                f"{applicant.name}: no evidence of {year} archived under {applicant.credit_code} or the unit's name "
                f"(looked in {archive.year_dir(year)})"
                + (f"; it has evidence of {', '.join(map(str, held))}" if held else "; ingest it first")
            )
    pages = []
    for item, record in records:
        review = {q.page: q.reason for q in record.pages_to_review()}
        for number, page_file in enumerate(record.page_files, 1):
            text = (item / page_file).read_text(encoding="utf-8")
            pages.append(Page(record.archival_code, number, record.evidence_type, text, review.get(number, "")))
    return year, pages


def unit_records(archive: Archive, applicant: Applicant, year: int) -> list[tuple[Path, ItemRecord]]:
    """The year's records of one unit, whether filed under its credit code or its name."""
    names = {applicant.credit_code, applicant.name, archive.applicant_folder(applicant.name)}
    return archive.records(year, names)


# --- the review ---------------------------------------------------------------------------


def review(applicant: Applicant, policy: Policy, archive: Archive, year: int | None = None) -> Review:
    year, pages = applicant_pages(archive, applicant, year)
    return review_pages(applicant, policy, year, pages)


def review_pages(applicant: Applicant, policy: Policy, year: int, pages: list[Page]) -> Review:
    prepared = [_Prepared(p) for p in pages]
    claims: list[ClaimResult] = []
    for project in applicant.projects:
        for teacher in project.teachers:
            result = check_teacher(teacher, prepared)
            result.project = project.name
            claims.append(result)
        for line in project.equipment:
            result = check_equipment(line, prepared)
            result.project = project.name
            claims.append(result)
    claims += check_site(applicant, prepared)
    claims.append(check_unit(applicant, prepared))
    unread = [p for p in pages if p.unreadable]
    for claim in claims:
        if claim.match is Match.not_found and unread:
            _maybe_on_unread_pages(claim, unread)
    return Review(
        applicant, year, len(pages), claims, summarise(applicant, policy, claims), _missing(policy, pages, claims)
    )


def _missing(policy: Policy, pages: list[Page], claims: list[ClaimResult]) -> list[MissingType]:
    """Evidence types the claims rely on that the applicant's pages of the year do not include."""
    present = {p.evidence_type for p in pages}
    known = {e.id: e.name for e in policy.evidence_types}
    missing = []
    for kind, type_id in EXPECTED_TYPE.items():
        count = sum(1 for c in claims if c.kind == kind)
        if count and type_id in known and type_id not in present:
            missing.append(MissingType(type_id, known[type_id], kind, count))
    return missing


def _maybe_on_unread_pages(claim: ClaimResult, unread: list[Page]) -> None:
    """A claim not found while some evidence page could not be read may be on that page: say so, never
    'not found' alone (the reviewer must open the page)."""
    where = "; ".join(f"page {p.page} of {p.archival_code} could not be read ({p.unreadable})" for p in unread[:3])
    where_zh = "；".join(f"{p.archival_code}第{p.page}页无法识别" for p in unread[:3])
    claim.match = Match.unreadable
    claim.detail = Said(
        f"not found on the pages read; {where}: open it", f"已识别页面中未找到；{where_zh}，请人工查看原件"
    )
    claim.evidence = [Evidence(p.archival_code, p.page, "") for p in unread[:3]]


@dataclass
class _Prepared:
    page: Page
    compact: str = ""
    runs: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.compact = self.page.compact
        self.runs = identifier_runs(self.compact)

    def evidence(self, around: str, *, highlight: tuple[str, ...] = ()) -> Evidence:
        """The page as evidence, its snippet the line holding `around`; `highlight` (default: `around`)
        is what a page view marks."""
        found = highlight or (around,)
        return Evidence(self.page.archival_code, self.page.page, snippet(self.page.text, around), found)


def snippet(text: str, around: str, width: int = 24) -> str:
    """The page's line holding `around` (spaces of OCR removed), shortened to about `width` characters each side."""
    key = compact(around)
    for line in text.splitlines():
        folded = compact(line)
        at = folded.find(key) if key else -1
        if at >= 0:
            start = max(0, at - width)
            return ("…" if start else "") + folded[start : at + len(key) + width]
    return compact(text)[: 2 * width]


def _in_types(pages: list[_Prepared], *types: str) -> list[_Prepared]:
    """Pages of the given evidence types, or every page when there are none of those."""
    chosen = [p for p in pages if p.page.evidence_type in types]
    return chosen or pages


# --- teachers -----------------------------------------------------------------------------


def claimed_level(teacher: Teacher) -> tuple[str | None, bool]:
    """The level the certificate should show, and whether it is a title (职称) rather than a qualification."""
    if teacher.qualification is not None:
        return teacher.qualification.value, False
    if teacher.title.rank > 0:
        return teacher.title.value, True
    return None, False


def check_teacher(teacher: Teacher, pages: list[_Prepared]) -> ClaimResult:
    level, is_title = claimed_level(teacher)
    claim = f"{teacher.name} {level or '（无资格）'} 证书编号 {teacher.certificate_no or '—'}"
    result = ClaimResult(
        "teacher",
        claim,
        Match.not_found,
        Said("no page carries this name with this certificate number", "未找到载有该姓名和证书编号的页面"),
    )
    result.key = teacher.name
    if not teacher.certificate_no:
        result.detail = Said(
            "no certificate number claimed; look for the certificate by name", "未填证书编号，请按姓名查找证书"
        )
        hits = [p for p in pages if teacher.name in p.compact]
        if hits:
            result.match = Match.near
            result.detail = Said(
                "no certificate number claimed; the name appears on these pages", "未填证书编号；姓名见于以下页面"
            )
            result.evidence = [p.evidence(teacher.name) for p in hits[:3]]
        return result
    number = identifier(teacher.certificate_no)
    verdicts: list[ClaimResult] = []
    for p in pages:
        exact = number in p.compact
        near = None if exact else near_identifier(number, p.runs)
        has_name = teacher.name in p.compact
        if not (exact or near or has_name):
            continue
        found = _teacher_on_page(teacher, level, is_title, p, exact, near, has_name)
        if found is not None:
            found.claim, found.key = claim, teacher.name
            verdicts.append(found)
    return _best(verdicts) or result


def _teacher_on_page(
    teacher: Teacher,
    level: str | None,
    is_title: bool,
    p: _Prepared,
    exact: bool,
    near: NearMiss | None,
    has_name: bool,
) -> ClaimResult | None:
    number = identifier(teacher.certificate_no or "")
    shown = level_on_page(p.compact, is_title)
    on_page = number if exact else (near.found if near else teacher.name)
    evidence = [p.evidence(on_page, highlight=tuple(dict.fromkeys((teacher.name, on_page))))]
    if (exact or near) and has_name:
        if level and shown and shown != level:
            return ClaimResult(
                "teacher",
                "",
                Match.contradicted,
                Said(f"the certificate shows {shown}, {level} claimed", f"证书显示为{shown}，申报为{level}"),
                evidence,
            )
        if near:
            return ClaimResult(
                "teacher",
                "",
                Match.near,
                Said(
                    f"certificate number {near.found} on the page: {near.difference}",
                    f"页面证书编号为{near.found}（{near.difference.zh}）",
                ),
                evidence,
            )
        if level and not shown:
            return ClaimResult(
                "teacher",
                "",
                Match.near,
                Said("name and number found; the level could not be read", "姓名、编号相符，等级无法识读"),
                evidence,
            )
        return ClaimResult(
            "teacher",
            "",
            Match.backed,
            Said(f"name, number and level ({shown or '—'}) agree", f"姓名、编号、等级（{shown or '—'}）相符"),
            evidence,
        )
    if exact:
        other = name_on_page(p.page.text)
        if other and _one_apart(other, teacher.name):
            return ClaimResult(
                "teacher",
                "",
                Match.near,
                Said(
                    f"number found; the name reads {other} (a hint only: names must match)",
                    f"编号相符，姓名识读为{other}（仅供参考：姓名须一致）",
                ),
                evidence,
            )
        return ClaimResult(
            "teacher",
            "",
            Match.contradicted,
            Said(
                f"this certificate number is on a certificate of {other or 'someone else'}",
                f"该证书编号属于{other or '他人'}的证书",
            ),
            evidence,
        )
    # the name without the number: a contradiction only on a certificate that shows another number
    certificate = p.page.evidence_type == "teacher_certificates" and "证书编号" in p.compact
    others = [r for r in p.runs if r != number]
    if certificate and others and name_on_page(p.page.text) == teacher.name:
        detail = Said(
            f"{teacher.name}'s certificate shows number {others[0]}", f"{teacher.name}的证书编号为{others[0]}"
        )
        return ClaimResult("teacher", "", Match.contradicted, detail, evidence)
    return None


def _one_apart(a: str, b: str) -> bool:
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b, strict=True)) == 1


def _best(results: Iterable[ClaimResult]) -> ClaimResult | None:
    ordered = sorted(results, key=lambda r: _ORDER.index(r.match))
    return ordered[0] if ordered else None


# --- equipment ----------------------------------------------------------------------------


def check_equipment(item: Equipment, pages: list[_Prepared]) -> ClaimResult:
    claim = f"{item.name} {item.model or ''} × {item.quantity}".replace("  ", " ")
    key = item.model or item.name
    results: list[ClaimResult] = []
    for p in _in_types(pages, "equipment_list", "other"):
        for line in p.page.text.splitlines():
            if item.model:
                if not model_in_line(item.model, line):
                    damaged = model_run_together(item.model, line)
                    if damaged:
                        detail = Said(
                            f"the line reads {damaged}: model and quantity unclear",
                            f"页面识读为{damaged}，型号与数量不清",
                        )
                        evidence = [Evidence(p.page.archival_code, p.page.page, compact(line), (damaged,))]
                        results.append(ClaimResult("equipment", claim, Match.near, detail, evidence))
                    continue
                numbers = numbers_after_model(item.model, line)
            else:
                if item.name not in compact(line):
                    continue
                numbers = numbers_after_name(item.name, line)
            evidence = [Evidence(p.page.archival_code, p.page.page, compact(line), (item.model or item.name,))]
            if item.quantity in numbers:
                results.append(
                    ClaimResult(
                        "equipment",
                        claim,
                        Match.backed,
                        Said(f"{key} × {item.quantity} listed", f"清单列有{key}×{item.quantity}"),
                        evidence,
                    )
                )
            elif numbers:
                results.append(
                    ClaimResult(
                        "equipment",
                        claim,
                        Match.contradicted,
                        Said(
                            f"the page lists {key} × {numbers[0]}, {item.quantity} claimed",
                            f"页面为{key}×{numbers[0]}，申报为{item.quantity}",
                        ),
                        evidence,
                    )
                )
            else:
                results.append(
                    ClaimResult(
                        "equipment",
                        claim,
                        Match.near,
                        Said(f"{key} listed; no quantity read", f"列有{key}，数量无法识读"),
                        evidence,
                    )
                )
    best = _best(results)
    if best is None:
        return ClaimResult(
            "equipment",
            claim,
            Match.not_found,
            Said(f"no equipment page mentions {key}", f"设备清单中未见{key}"),
            key=key,
        )
    best.evidence = [e for r in results for e in r.evidence][:3]
    best.key = key
    return best


# --- site and unit ------------------------------------------------------------------------


def check_site(applicant: Applicant, pages: list[_Prepared]) -> list[ClaimResult]:
    site = applicant.site
    chosen = _in_types(pages, "site_documents")
    area_claim = f"建筑面积 {number_text(site.area_m2)}平方米"
    area = ClaimResult(
        "site",
        area_claim,
        Match.not_found,
        Said("no area figure found on the site documents", "场地证明中未见面积数字"),
        key="area",
    )
    seen: list[tuple[Decimal, _Prepared]] = [(a, p) for p in chosen for a in areas_on_page(p.compact)]
    same = [(a, p) for a, p in seen if abs(a - site.area_m2) < Decimal("0.5")]
    if same:
        area.match, area.detail = (
            Match.backed,
            Said(f"{number_text(same[0][0])}平方米 on the page", f"页面面积为{number_text(same[0][0])}平方米"),
        )
        area.evidence = [p.evidence("平方米") for _, p in same[:3]]
    elif seen:
        shown = "、".join(f"{number_text(a)}平方米" for a, _ in seen[:3])
        area.match, area.detail = Match.contradicted, Said(f"the site documents show {shown}", f"场地证明面积为{shown}")
        area.evidence = [p.evidence("平方米") for _, p in seen[:3]]
    owned_claim = "场地自有" if site.owned else "场地租赁"
    ownership = ClaimResult(
        "site", owned_claim, Match.not_found, Said("no deed or lease found", "未见产权证明或租赁合同"), key="ownership"
    )
    deeds = [p for p in chosen if any(w in p.compact for w in ("不动产权", "房屋所有权", "土地使用权"))]
    leases = [p for p in chosen if "租赁" in p.compact]
    agreeing, disagreeing = (deeds, leases) if site.owned else (leases, deeds)
    if agreeing:
        ownership.match, ownership.detail = (
            Match.backed,
            Said("a deed is on file", "有产权证明") if site.owned else Said("a lease is on file", "有租赁合同"),
        )
        ownership.evidence = [p.evidence("不动产权" if site.owned else "租赁") for p in agreeing[:3]]
    elif disagreeing:
        ownership.match = Match.contradicted
        ownership.detail = (
            Said("the site documents are a lease", "场地证明为租赁合同")
            if site.owned
            else Said("the site documents are a deed of ownership", "场地证明为产权证书")
        )
        ownership.evidence = [p.evidence("租赁" if site.owned else "不动产权") for p in disagreeing[:3]]
    return [area, ownership]


def check_unit(applicant: Applicant, pages: list[_Prepared]) -> ClaimResult:
    code = identifier(applicant.credit_code)
    claim = f"{applicant.name} {applicant.credit_code}"
    result = ClaimResult(
        "unit",
        claim,
        Match.not_found,
        Said("no licence page carries the credit code", "执照或法人证书中未见该统一社会信用代码"),
        key="unit",
    )
    results = []
    for p in _in_types(pages, "business_licence"):
        named = compact(applicant.name) in p.compact
        if code in p.compact:
            match = Match.backed if named else Match.near
            detail = (
                Said("name and credit code agree", "名称、统一社会信用代码相符")
                if named
                else Said("credit code found; the unit's name is not on the page", "代码相符，页面未见单位名称")
            )
            results.append(ClaimResult("unit", claim, match, detail, [p.evidence(code)]))
            continue
        near = near_identifier(code, p.runs)
        if near:
            detail = Said(
                f"credit code {near.found} on the page: {near.difference}",
                f"页面代码为{near.found}（{near.difference.zh}）",
            )
            results.append(ClaimResult("unit", claim, Match.near, detail, [p.evidence(near.found)]))
        elif named and p.page.evidence_type == "business_licence":
            others = [r for r in p.runs if len(r) == 18]
            if others:
                detail = Said(f"the licence shows credit code {others[0]}", f"执照代码为{others[0]}")
                results.append(ClaimResult("unit", claim, Match.contradicted, detail, [p.evidence(applicant.name)]))
    best = _best(results)
    if best is not None:
        best.key = "unit"
    return best or result


# --- per condition ------------------------------------------------------------------------


def summarise(applicant: Applicant, policy: Policy, claims: list[ClaimResult]) -> list[Summary]:
    summaries = []
    check = policy.teacher_share()
    if check is not None:
        for project in applicant.projects:
            teachers = {c.key: c for c in claims if c.kind == "teacher" and c.project == project.name}
            counted = [t for t in project.teachers if qualifies(t, check)]
            backed = [t for t in counted if teachers[t.name].match is Match.backed]
            near = [t for t in counted if teachers[t.name].match is Match.near]
            total = len(project.teachers)
            bar = check.min_share * total
            share = Decimal(len(backed)) / total if total else Decimal(0)
            if total and len(backed) >= bar:
                verdict = Verdict.passed
            elif total and len(backed) + len(near) >= bar:
                verdict = Verdict.review
            else:
                verdict = Verdict.failed
            detail = Said(
                f"{project.name}: {len(counted)} of {total} teachers qualify as claimed, {len(backed)} backed by "
                f"evidence ({share:.0%}), {len(near)} near; bar {check.min_share:.0%}",
                f"{project.name}：申报达标教师{len(counted)}人（共{total}人），有证据支持{len(backed)}人"
                f"（{share:.0%}），近似{len(near)}人；要求不低于{check.min_share:.0%}",
            )
            summaries.append(Summary("合格师资（证据）", verdict, detail))
    equipment = [c for c in claims if c.kind == "equipment"]
    if equipment:
        summaries.append(_counted("设施设备（证据）", equipment))
    site = [c for c in claims if c.kind == "site"]
    summaries.append(_counted("场地（证据）", site))
    summaries.append(_counted("单位身份（证据）", [c for c in claims if c.kind == "unit"]))
    return summaries


def _counted(condition: str, claims: list[ClaimResult]) -> Summary:
    counts = {m: sum(1 for c in claims if c.match is m) for m in _ORDER}
    detail = Said(
        ", ".join(f"{m.value} {n}" for m, n in counts.items() if n) + f" of {len(claims)}",
        "，".join(f"{ZH[m]}{n}项" for m, n in counts.items() if n) + f"（共{len(claims)}项）",
    )
    if counts[Match.contradicted]:
        verdict = Verdict.failed
    elif counts[Match.backed] == len(claims):
        verdict = Verdict.passed
    else:
        verdict = Verdict.review
    return Summary(condition, verdict, detail)


def review_json(result: Review) -> dict[str, object]:
    return {
        "applicant": result.applicant.name,
        "credit_code": result.applicant.credit_code,
        "year": result.year,
        "pages": result.pages,
        "claims": [
            {
                "kind": c.kind,
                "project": c.project,
                "claim": c.claim,
                "verdict": c.match.value,
                "detail": c.detail,
                "detail_zh": zh(c.detail),
                "evidence": [
                    {"archival_code": e.archival_code, "page": e.page, "snippet": e.snippet} for e in c.evidence
                ],
                "shared": [s.to_json() for s in c.shared],
            }
            for c in result.claims
        ],
        "summary": [
            {"condition": s.condition, "verdict": s.verdict.value, "detail": s.detail} for s in result.summaries
        ],
        "missing_types": [
            {"type": m.type_id, "type_name": m.type_name, "kind": m.kind, "claims": m.claims} for m in result.missing
        ],
    }
