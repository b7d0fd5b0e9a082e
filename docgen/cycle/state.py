"""Where things stand, replayed from the decision journal: each year's applicants and the register of bases.

Nothing here is stored: the journal is the only record, so state can never disagree with history.
A later decision on the same step and applicant supersedes the earlier one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from docgen.cycle.details import Confirmed, Published, Resolved
from docgen.cycle.journal import Decision, Step


@dataclass
class ApplicantState:
    code: str
    unit: str
    received: Decision
    preliminary: Decision | None = None
    expert: Decision | None = None
    objections: list[Decision] = field(default_factory=list)
    resolutions: dict[str, Decision] = field(default_factory=dict)  # objection id -> resolution

    @property
    def recommended(self) -> bool:
        return self.preliminary is not None and self.preliminary.outcome == "recommended"

    @property
    def candidate(self) -> bool:
        return self.expert is not None and self.expert.outcome == "candidate"

    @property
    def open_objections(self) -> list[Decision]:
        return [o for o in self.objections if o.id not in self.resolutions]

    @property
    def withdrawn(self) -> bool:
        """An objection was upheld: no longer a candidate."""
        return any(r.outcome == "upheld" for r in self.resolutions.values())


@dataclass
class YearState:
    year: int
    has_preliminary: bool  # the programme has a 区镇初审 step
    opened: Decision | None = None
    applicants: dict[str, ApplicantState] = field(default_factory=dict)
    publicity: Decision | None = None
    confirmation: Decision | None = None

    @property
    def publicity_end(self) -> dt.date | None:
        return dt.date.fromisoformat(self.publicity.facts_as(Published).end) if self.publicity else None

    def in_expert_review(self) -> list[ApplicantState]:
        """Applicants the expert group has to see."""
        if not self.has_preliminary:
            return list(self.applicants.values())
        return [a for a in self.applicants.values() if a.recommended]

    def candidates(self) -> list[ApplicantState]:
        return [a for a in self.applicants.values() if a.candidate and not a.withdrawn]

    def next_action(self) -> tuple[str, str]:
        """What comes next, as (step, detail): open, receive, preliminary (how many), expert (how many),
        publicise, resolve (objection ids), confirm (publicity end), assess, none. Both shells word it."""
        if self.opened is None:
            return "open", ""
        if not self.applicants:
            return "receive", ""
        if self.confirmation is not None:
            return "assess", ""
        if self.publicity is not None:
            waiting = [o for a in self.applicants.values() for o in a.open_objections]
            if waiting:
                return "resolve", ", ".join(o.id for o in waiting)
            return "confirm", str(self.publicity_end)
        if self.has_preliminary:
            pending = [a for a in self.applicants.values() if a.preliminary is None]
            if pending:
                return "preliminary", str(len(pending))
        pending = [a for a in self.in_expert_review() if a.expert is None]
        if pending:
            return "expert", str(len(pending))
        if not self.candidates():
            return "none", ""
        return "publicise", ""

    def next_step(self) -> str:
        """What the clerk does next, in words, with the command."""
        step, detail = self.next_action()
        return {
            "open": f"open the {self.year} call: docgen open --year {self.year}",
            "receive": "receive applications: docgen receive APPLICANT.yaml --evidence TYPE=FILES",
            "assess": "confirmed; next: yearly assessments (docgen assess) and the register (docgen register)",
            "resolve": f"resolve objection(s) {detail}: docgen objection resolve ID --upheld|--dismissed --reason ...",
            "confirm": f"after the publicity ends ({detail}): docgen confirm --doc-number ... --date ...",
            "preliminary": f"preliminary review of {detail} applicant(s): docgen preliminary UNIT --recommend|--reject",
            "expert": f"expert review of {detail} applicant(s): docgen expert UNIT --candidate|--not-candidate",
            "none": "no candidates: the year ends without new bases",
            "publicise": "publish the candidates: docgen publicise --date ...",
        }[step]


@dataclass
class Base:
    """A confirmed base in the register (台账)."""

    code: str
    unit: str
    base_name: str
    year: int
    confirmation: Decision
    assessments: list[Decision] = field(default_factory=list)
    revocation: Decision | None = None

    @property
    def state(self) -> str:
        return "revoked" if self.revocation else "active"

    def latest_assessment(self) -> Decision | None:
        return self.assessments[-1] if self.assessments else None


@dataclass
class Standing:
    years: dict[int, YearState]
    bases: dict[str, Base]  # credit code -> base (a unit is confirmed once per programme)
    decisions: list[Decision]
    has_preliminary: bool

    def year(self, year: int) -> YearState:
        return self.years.get(year) or YearState(year, self.has_preliminary)

    def find(self, decision_id: str) -> Decision | None:
        return next((d for d in self.decisions if d.id == decision_id), None)


def replay(decisions: list[Decision], has_preliminary: bool) -> Standing:
    years: dict[int, YearState] = {}
    bases: dict[str, Base] = {}
    for d in decisions:
        state = years.setdefault(d.year, YearState(d.year, has_preliminary))
        code = d.applicant or ""
        if d.step is Step.open:
            state.opened = d
        elif d.step is Step.receive:
            previous = state.applicants.get(code)
            if previous is None:
                state.applicants[code] = ApplicantState(code, d.unit or code, d)
            else:  # a revised application keeps its review history
                previous.received, previous.unit = d, d.unit or code
        elif d.step is Step.preliminary:
            state.applicants[code].preliminary = d
        elif d.step is Step.expert:
            state.applicants[code].expert = d
        elif d.step is Step.publicity:
            state.publicity = d
        elif d.step is Step.objection:
            state.applicants[code].objections.append(d)
        elif d.step is Step.resolution:
            state.applicants[code].resolutions[d.facts_as(Resolved).objection] = d
        elif d.step is Step.confirmation:
            state.confirmation = d
            for entry in d.facts_as(Confirmed).bases:
                bases[entry.code] = Base(entry.code, entry.unit, entry.base_name, d.year, d)
        elif d.step is Step.assessment:
            base = bases[code]
            base.assessments = [a for a in base.assessments if a.id != d.supersedes] + [d]
        elif d.step is Step.revocation:
            bases[code].revocation = d
    return Standing(years, bases, decisions, has_preliminary)
