"""The stages of the yearly cycle in one table: the journal's step, the policy procedure's id, the
Chinese name a clerk reads, the output folder and the stage number of the call's procedure.

Journal, status report, steps and CLI read their names from here, so one stage has one spelling
per use, and a new stage is one row.
"""

from __future__ import annotations

from dataclasses import dataclass

from docgen.cycle.journal import Step
from docgen.policy import PRELIMINARY_REVIEW


@dataclass(frozen=True)
class Stage:
    step: Step  # as the journal records it
    number: int  # the stage of the procedure (1 call ... 8 revocation); sub-steps share their stage's
    name: str  # 中文名称, as status and the web pages show it
    folder: str  # below output/YEAR/ (plaques go to output/YEAR/plaques/)
    procedure_id: str | None = None  # the step's id in a policy's `procedure`, where the policy lists it
    per_unit: bool = False  # its documents are one unit's (a form, a result notice), not the year's


STAGES = (
    Stage(Step.open, 1, "发布申报通知", "1-open", "application"),
    Stage(Step.receive, 2, "受理申报", "2-receive", "application", per_unit=True),
    Stage(Step.preliminary, 3, "区镇初审", "3-preliminary", PRELIMINARY_REVIEW),
    Stage(Step.expert, 4, "专家评审", "4-expert", "expert_review"),
    Stage(Step.publicity, 5, "公示", "5-publicity", "publicity"),
    Stage(Step.objection, 5, "公示异议", "5-publicity"),
    Stage(Step.resolution, 5, "异议处理", "5-publicity"),
    Stage(Step.confirmation, 6, "发文确认并挂牌", "6-confirmation", "confirmation"),
    Stage(Step.plaque, 6, "铭牌补发", "plaques", per_unit=True),
    Stage(Step.assessment, 7, "考核", "7-assessment", per_unit=True),
    Stage(Step.revocation, 8, "撤销", "8-revocation", per_unit=True),
)

_BY_STEP = {s.step: s for s in STAGES}


def stage(step: Step) -> Stage:
    return _BY_STEP[step]
