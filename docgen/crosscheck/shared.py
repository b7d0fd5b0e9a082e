"""Claims shared between applications: the same certificate, the same teacher full-time in two units,
the same equipment list, across the applicant files of a workspace (applicants/YEAR/*.yaml).

A unit lending another's teachers or copying its equipment list to pass a bar is what an expert
review is for; one unit's review only sees its own pages. Everything here is computed from the
applicant files each time it is asked for, never stored: the same files give the same answer.

What is shared, against the applications of the same year and of earlier years, other units only
(a unit applying again names its own teachers again):
- a certificate number another unit claims too: shown for the expert to judge (a teacher may
  teach part-time in two places); under another name it is shown with that name;
- a teacher (the same name and certificate number) claimed **full-time** by two units of the same
  year: a contradiction, a person works full-time in one place;
- an equipment list (one project's lines, by model, or by name where no model is given) that is
  another unit's list, identical or with few lines changed.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from docgen.applicant import Applicant, Equipment, Project, load_applicant
from docgen.crosscheck.review import Match, Review, summarise
from docgen.crosscheck.text import compact, identifier, upper_fold
from docgen.datafiles import MAX_DATA_FILE_BYTES
from docgen.errors import BadInputError
from docgen.policy import Policy
from docgen.verdict import Said, zh
from docgen.workspace import Workspace

_FAST_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MIN_COPIED_LINES = 3  # an equipment list shares at least this many lines with another to count as copied


@dataclass(frozen=True)
class Filed:
    """One application file of the workspace."""

    year: int
    applicant: Applicant
    path: Path

    @property
    def unit(self) -> str:
        return self.applicant.name

    @property
    def code(self) -> str:
        return self.applicant.credit_code

    def named(self) -> Said:
        return Said(f"{self.unit} ({self.year})", f"{self.unit}（{self.year}）")


@dataclass(frozen=True)
class SharedClaim:
    """Another application that claims the same thing as one claim of the reviewed application."""

    kind: str  # certificate, teacher (full-time twice), equipment
    other: Filed
    project: str  # the other application's project
    contradiction: bool
    detail: Said

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "unit": self.other.unit,
            "credit_code": self.other.code,
            "year": self.other.year,
            "project": self.project,
            "contradiction": self.contradiction,
            "detail": str(self.detail),
            "detail_zh": zh(self.detail),
        }


# --- reading the workspace's applications -------------------------------------------------


def _read(path: Path) -> Applicant:
    """An applicant file, read with libyaml (a year of 200 files in well under a second); a file it
    cannot take is read again the strict way, whose error names the field and line."""
    try:
        if path.stat().st_size > MAX_DATA_FILE_BYTES:
            raise ValueError("too large: the strict reading says so")
        data = yaml.load(path.read_text(encoding="utf-8-sig"), Loader=_FAST_LOADER)
        return Applicant.model_validate(data)
    except (OSError, UnicodeDecodeError, yaml.YAMLError, ValueError, TypeError):  # ValidationError is a ValueError
        return load_applicant(path)  # raises BadInputError with the line, or gives the applicant


def applications(workspace: Workspace, up_to: int | None = None) -> tuple[list[Filed], list[str]]:
    """Every application file of the workspace of `up_to` and earlier years (all years when None), in
    year and file order, and one line for each file that could not be read (skipped)."""
    filed: list[Filed] = []
    skipped: list[str] = []
    root = workspace.applicants_dir()
    if not root.is_dir():
        return filed, skipped
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and re.fullmatch(r"\d{4}", p.name)):
        year = int(folder.name)
        if up_to is not None and year > up_to:
            continue
        for path in sorted(folder.glob("*.yaml")):
            try:
                filed.append(Filed(year, _read(path), path))
            except BadInputError as exc:
                skipped.append(exc.message)
    return filed, skipped


def application_year(workspace: Workspace, path: Path | None, default: int) -> int:
    """The year of an application: its folder's under applicants/YEAR/, else `default`."""
    if path is not None:
        try:
            relative = path.resolve().relative_to(workspace.applicants_dir().resolve())
        except ValueError:
            return default
        if len(relative.parts) == 2 and relative.parts[0].isdigit():
            return int(relative.parts[0])
    return default


# --- the claims of every application, indexed ---------------------------------------------


def line_key(item: Equipment) -> str:
    """An equipment line as compared between lists: its model, or its name where it has none."""
    return "M:" + upper_fold(item.model).replace(" ", "") if item.model else "N:" + compact(item.name)


def full_line(item: Equipment) -> tuple[str, int, str]:
    return (line_key(item), item.quantity, str(item.unit_price_yuan.normalize()))


@dataclass
class _List:
    filed: Filed
    project: Project
    keys: frozenset[str]
    full: frozenset[tuple[str, int, str]]


@dataclass(frozen=True)
class _Holder:
    filed: Filed
    project: str
    name: str
    full_time: bool


@dataclass
class ClaimIndex:
    """The certificates and equipment lists of a set of applications, for looking up who else claims them."""

    filed: list[Filed]
    certificates: dict[str, list[_Holder]] = field(default_factory=lambda: defaultdict(list))
    lists: list[_List] = field(default_factory=list)
    postings: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))  # line key -> lists

    def __post_init__(self) -> None:
        for f in self.filed:
            self.add(f)

    def add(self, f: Filed) -> None:
        for project in f.applicant.projects:
            for t in project.teachers:
                if t.certificate_no:
                    self.certificates[identifier(t.certificate_no)].append(
                        _Holder(f, project.name, t.name, t.full_time)
                    )
            if project.equipment:
                keys = frozenset(line_key(e) for e in project.equipment)
                at = len(self.lists)
                self.lists.append(_List(f, project, keys, frozenset(full_line(e) for e in project.equipment)))
                for key in keys:
                    self.postings[key].append(at)

    def teacher(
        self, name: str, certificate_no: str | None, full_time: bool, code: str, year: int
    ) -> list[SharedClaim]:
        """Other units (of `year` and before) claiming this certificate; full-time twice in one year contradicts."""
        if not certificate_no:
            return []
        number = identifier(certificate_no)
        found: dict[tuple[str, int], SharedClaim] = {}
        for h in self.certificates.get(number, []):
            if h.filed.code == code or h.filed.year > year:
                continue
            key = (h.filed.code, h.filed.year)
            other = h.filed.named()
            if h.name != name:
                shared = SharedClaim(
                    "certificate",
                    h.filed,
                    h.project,
                    False,
                    Said(
                        f"the same certificate number {number} is claimed by {other} for {h.name}",
                        f"同一证书编号 {number} 亦由 {other.zh} 申报，姓名为{h.name}",
                    ),
                )
            elif full_time and h.full_time and h.filed.year == year:
                shared = SharedClaim(
                    "teacher",
                    h.filed,
                    h.project,
                    True,
                    Said(
                        f"{name} ({number}) is claimed as full-time by {other} too",
                        f"{name}（{number}）亦由 {other.zh} 申报为专职教师，一人不能同时在两个单位专职",
                    ),
                )
            else:
                shared = SharedClaim(
                    "certificate",
                    h.filed,
                    h.project,
                    False,
                    Said(
                        f"the same certificate {number} is claimed by {other} too",
                        f"同一证书 {number} 亦由 {other.zh} 申报",
                    ),
                )
            if key not in found or (shared.contradiction and not found[key].contradiction):
                found[key] = shared
        return list(found.values())

    def similar_lists(self, keys: frozenset[str], code: str, year: int) -> list[tuple[_List, int]]:
        """Other units' lists (of `year` and before) that this list of line keys copies: identical, or
        at least MIN_COPIED_LINES lines in common with at most one line in five (at least one) different."""
        counts: Counter[int] = Counter()
        for key in keys:
            for at in self.postings.get(key, ()):
                counts[at] += 1
        found = []
        for at, common in sorted(counts.items()):
            other = self.lists[at]
            if other.filed.code == code or other.filed.year > year:
                continue
            size = max(len(keys), len(other.keys))
            identical = other.keys == keys and len(keys) >= 2
            if identical or (common >= MIN_COPIED_LINES and size - common <= max(1, size // 5)):
                found.append((other, common))
        return found

    def equipment(self, project: Project, code: str, year: int) -> list[list[SharedClaim]]:
        """For each line of the project's equipment list, the other lists it was copied with."""
        shared: list[list[SharedClaim]] = [[] for _ in project.equipment]
        if not project.equipment:
            return shared
        keys = frozenset(line_key(e) for e in project.equipment)
        full = frozenset(full_line(e) for e in project.equipment)
        for other, common in self.similar_lists(keys, code, year):
            detail = _list_detail(other, common, len(keys), full == other.full)
            claim = SharedClaim("equipment", other.filed, other.project.name, False, detail)
            for i, e in enumerate(project.equipment):
                if line_key(e) in other.keys:
                    shared[i].append(claim)
        return shared


def _list_detail(other: _List, common: int, size: int, identical: bool) -> Said:
    who = other.filed.named()
    project = other.project.name
    if identical:
        return Said(
            f"the equipment list is identical to {who}'s list for {project} (models, quantities, prices)",
            f"设备清单与 {who.zh}「{project}」的清单完全相同（型号、数量、单价一致）",
        )
    if common == size == len(other.keys):
        return Said(
            f"the equipment list has the same {size} models as {who}'s list for {project}",
            f"设备清单与 {who.zh}「{project}」的清单型号相同（共{size}行，数量或单价有不同）",
        )
    return Said(
        f"{common} of the {size} equipment lines are on {who}'s list for {project} ({len(other.keys)} lines)",
        f"设备清单{size}行中{common}行与 {who.zh}「{project}」的清单（{len(other.keys)}行）相同",
    )


def attach_shared(result: Review, policy: Policy, index: ClaimIndex, year: int) -> None:
    """Each teacher and equipment claim of `result` with the other applications claiming the same
    (of `year`, the application's, and before); a teacher full-time in two units of the year
    becomes a contradiction and the conditions' summary lines are counted again."""
    applicant, code = result.applicant, result.applicant.credit_code
    contradicted = False
    for project in applicant.projects:
        teachers = [c for c in result.claims if c.kind == "teacher" and c.project == project.name]
        for claim, t in zip(teachers, project.teachers, strict=True):
            claim.shared = index.teacher(t.name, t.certificate_no, t.full_time, code, year)
            clash = next((s for s in claim.shared if s.contradiction), None)
            if clash is not None:
                claim.match, contradicted = Match.contradicted, True
                claim.detail = Said(
                    f"{clash.detail}; evidence: {claim.detail}", f"{clash.detail.zh}；证据：{zh(claim.detail)}"
                )
        lines = [c for c in result.claims if c.kind == "equipment" and c.project == project.name]
        for claim, shared in zip(lines, index.equipment(project, code, year), strict=True):
            claim.shared = shared
    if contradicted:
        result.summaries = summarise(applicant, policy, result.claims)


def with_shared(workspace: Workspace, result: Review, policy: Policy, path: Path | None = None) -> Review:
    """`result` with the claims other applications of the workspace share (see attach_shared); the
    application's year is its folder's (applicants/YEAR/), else the evidence year."""
    year = application_year(workspace, path, result.year)
    filed, _ = applications(workspace, up_to=year)  # an unreadable file is 'docgen check's to report
    attach_shared(result, policy, ClaimIndex(filed), year)
    return result


# --- one year, every shared claim ---------------------------------------------------------


@dataclass(frozen=True)
class Member:
    filed: Filed
    project: str
    name: str = ""  # the teacher's name in that application (certificates)
    full_time: bool = False

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "unit": self.filed.unit,
            "credit_code": self.filed.code,
            "year": self.filed.year,
            "project": self.project,
        }
        if self.name:
            out.update(name=self.name, full_time=self.full_time)
        return out


@dataclass(frozen=True)
class Group:
    kind: str  # certificate, teacher, equipment
    key: str  # the certificate number; the teacher; the list's first lines
    members: tuple[Member, ...]
    contradiction: bool
    detail: Said

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "key": self.key,
            "contradiction": self.contradiction,
            "detail": str(self.detail),
            "detail_zh": zh(self.detail),
            "members": [m.to_json() for m in self.members],
        }


@dataclass
class YearShared:
    year: int
    applications: int  # of the year
    compared: int  # applications of the year and earlier years
    certificates: list[Group]
    teachers: list[Group]
    equipment: list[Group]
    skipped: list[str]

    @property
    def groups(self) -> list[Group]:
        return self.teachers + self.certificates + self.equipment

    def to_json(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "applications": self.applications,
            "compared": self.compared,
            "teachers": [g.to_json() for g in self.teachers],
            "certificates": [g.to_json() for g in self.certificates],
            "equipment": [g.to_json() for g in self.equipment],
            "skipped": self.skipped,
        }


def year_shared(workspace: Workspace, year: int) -> YearShared:
    """Every claim of `year`'s applications that another unit claims too (this year or before)."""
    filed, skipped = applications(workspace, up_to=year)
    return shared_of(filed, year, skipped)


def shared_of(filed: list[Filed], year: int, skipped: list[str] | None = None) -> YearShared:
    index = ClaimIndex(filed)
    certificates, teachers = [], []
    for number, holders in sorted(index.certificates.items()):
        if not any(h.filed.year == year for h in holders) or len({h.filed.code for h in holders}) < 2:
            continue
        members = tuple(Member(h.filed, h.project, h.name, h.full_time) for h in holders)
        units = sorted({h.filed.code for h in holders})
        names = sorted({h.name for h in holders})
        for name in names:  # the same person (name and number) full-time in two units of the year
            full_time = {h.filed.code for h in holders if h.name == name and h.full_time and h.filed.year == year}
            if len(full_time) < 2:
                continue
            teachers.append(
                Group(
                    "teacher",
                    f"{name} {number}",
                    tuple(m for m in members if m.name == name and m.filed.year == year and m.full_time),
                    True,
                    Said(
                        f"{name} is claimed as full-time by {len(full_time)} units of {year}",
                        f"{name}在{year}年被{len(full_time)}个单位申报为专职教师",
                    ),
                )
            )
        certificates.append(
            Group(
                "certificate",
                number,
                members,
                False,
                Said(
                    f"certificate {number} is claimed by {len(units)} units" + (f" ({', '.join(names)})"),
                    f"证书 {number} 由{len(units)}个单位申报（姓名：{'、'.join(names)}）",
                ),
            )
        )
    return YearShared(
        year,
        sum(1 for f in filed if f.year == year),
        len(filed),
        certificates,
        teachers,
        _equipment_groups(index, year),
        skipped or [],
    )


def _equipment_groups(index: ClaimIndex, year: int) -> list[Group]:
    """Lists copied between units, joined into groups (three units with one list: one group)."""
    parent = list(range(len(index.lists)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    ids = {id(lst): at for at, lst in enumerate(index.lists)}
    linked: set[int] = set()
    for at, lst in enumerate(index.lists):
        if lst.filed.year != year:
            continue
        for other, _ in index.similar_lists(lst.keys, lst.filed.code, year):
            other_at = ids[id(other)]
            parent[root(at)] = root(other_at)
            linked.update((at, other_at))
    clusters: dict[int, list[int]] = defaultdict(list)
    for at in sorted(linked):
        clusters[root(at)].append(at)
    groups = []
    for members in clusters.values():
        lists = [index.lists[at] for at in members]
        common = frozenset.intersection(*(lst.keys for lst in lists))
        identical = all(lst.full == lists[0].full for lst in lists)
        shown = "、".join(k[2:] for k in sorted(common)[:3]) + ("…" if len(common) > 3 else "")
        units = len({lst.filed.code for lst in lists})
        groups.append(
            Group(
                "equipment",
                shown,
                tuple(Member(lst.filed, lst.project.name) for lst in lists),
                False,
                Said(
                    f"{units} units' equipment lists "
                    + ("are identical" if identical else f"share {len(common)} lines")
                    + f" ({shown})",
                    f"{units}个单位的设备清单"
                    + ("完全相同" if identical else f"有{len(common)}行相同")
                    + f"（{shown}）",
                ),
            )
        )
    return sorted(groups, key=lambda g: (g.members[0].filed.year, g.members[0].filed.code, g.key))
