"""The main job: a sample workspace per built-in programme, run through a whole year and beyond.

Used by the README's first command to show a new installation working end to end. Each
programme's year is written out step by step as a clerk would run it (the same library calls the
commands make), with fictional applicants that pass and fail for different reasons, scans of their
evidence made on the spot, an objection, the confirmation, an assessment and a revocation.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from docgen.applicant import load_applicant
from docgen.crosscheck.review import Match
from docgen.cycle import steps
from docgen.cycle.campaign import draft_campaign
from docgen.cycle.details import Received
from docgen.cycle.report import register_rows
from docgen.cycle.steps import Cycle, Signed, StepResult
from docgen.documents.make import export_pdfs
from docgen.errors import BadInputError
from docgen.evidence import review_applicant, search
from docgen.paths import project_folder
from docgen.samples.evidence import make_evidence
from docgen.users import Role, add_user, generate_password
from docgen.workspace import WORKSPACE_FILE, Workspace, init_workspace

MARKER = ".docgen-demo"
# who the demo's web logins sign decisions as
DEMO_NAMES = {"clerk": "韩睿（经办）", "reviewer": "周立（审核）", "archivist": "陈静（档案）", "admin": "管理员"}


@dataclass
class DemoReport:
    root: Path
    echo: Callable[[str], None] = print  # each line as it happens: the demo takes minutes
    lines: list[str] = field(default_factory=list)
    documents: int = 0
    pages: int = 0
    logins: dict[str, tuple[str, str]] = field(default_factory=dict)  # login -> (role, password)
    workspaces: list[Path] = field(default_factory=list)

    def add(self, line: str) -> None:
        self.lines.append(line)
        self.echo(line)

    def step(self, result: StepResult) -> StepResult:
        self.documents += len(result.documents)
        d = result.decision
        who = f"{d.unit}: " if d.unit else ""
        self.add(f"  {d.id} {d.step.value:<12} {who}{d.outcome}")
        for note in result.notes:
            self.add(f"      note: {note}")
        return result


def run_demo(root: Path, *, pdf: bool = True, scans: bool = True, echo: Callable[[str], None] = print) -> DemoReport:
    """Build fresh sample workspaces under `root` (replacing earlier demo ones) and run their cycles."""
    root = Path(root)
    if root.exists() and any(root.iterdir()) and not (root / MARKER).exists():
        raise BadInputError(f"{root}: folder exists and is not a docgen demo folder; choose an empty or new one")
    root.mkdir(parents=True, exist_ok=True)
    (root / MARKER).write_text("sample workspaces made by 'docgen demo'\n", encoding="utf-8")
    report = DemoReport(root, echo)
    report.logins = {f"demo-{role.value}": (role.value, generate_password()) for role in Role}
    for policy_id, run in (("kunshan-2021", _kunshan), ("hangzhou-2024", _hangzhou)):
        ws_root = root / policy_id
        if (ws_root / WORKSPACE_FILE).exists():
            shutil.rmtree(ws_root)  # a demo starts from nothing each time
        workspace = init_workspace(ws_root, policy_id, f"sample workspace ({policy_id})")
        draft_campaign(workspace)
        report.add(f"{policy_id} — {ws_root}")
        report.workspaces.append(ws_root)
        for login, (role, password) in report.logins.items():
            add_user(workspace, login, role, password, full_name=DEMO_NAMES[role])
        run(_Clerk(workspace, report, scans))
        if pdf:
            written = [ws_root / d for x in Cycle.load(workspace).standing.decisions for d in x.documents]
            export_pdfs([p for p in written if p.suffix == ".docx" and p.exists()])
            report.add(f"  PDF beside each of the {len(written)} documents")
        _register(workspace, report)
        if scans:
            _searches(workspace, report)
            _reviews(workspace, report)
    return report


@dataclass
class _Clerk:
    """Runs steps on one workspace with one clerk's name, logging each decision."""

    workspace: Workspace
    report: DemoReport
    scans: bool

    def __call__(self, step: Callable[..., StepResult], *args: Any, **kwargs: Any) -> StepResult:
        return self.report.step(step(self.workspace, *args, **kwargs))

    def receive(self, year: int, example: Path, on: dt.date, by: str) -> None:
        evidence: steps.Evidence = []
        if self.scans:
            applicant = load_applicant(example)
            folder = self.workspace.root / "scans" / applicant.credit_code
            evidence = make_evidence(applicant, folder, seed=len(applicant.name))
        result = self(steps.receive, year, example, evidence, Signed(by, on), jobs=2)
        self.report.pages += sum(e.pages for e in result.decision.facts_as(Received).evidence)


def _on(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _kunshan(clerk: _Clerk) -> None:
    examples = project_folder("examples") / "kunshan"
    city, town = "韩睿（市人社局）", "张浦镇社保所"
    clerk(steps.open_year, 2021, Signed(city, _on("2021-11-26")))
    for name in ("pass", "school", "small-site", "teachers", "outside"):
        clerk.receive(2021, examples / f"applicant-{name}.yaml", _on("2021-12-10"), city)
    prelim = [
        ("昆山精工数控技术有限公司", True, "材料齐全，设备、师资、场地符合申报条件，同意推荐"),
        ("昆山花桥技工学校", True, "符合申报条件，同意推荐"),
        ("昆山巨匠职业培训学校", False, "建筑面积800平方米，未达1000平方米"),
        ("昆山市鹿城职业技术学校", True, "焊接项目师资偏弱，请专家组把关"),
        ("苏州远航精密机械有限公司", False, "注册地在苏州工业园区，不属于昆山市范围"),
    ]
    for unit, recommend, opinion in prelim:
        clerk(steps.preliminary, 2021, unit, recommend, opinion, Signed(town, _on("2021-12-20")))
    experts = Signed("专家组（组长 陆明）", _on("2022-01-10"))
    clerk(steps.expert, 2021, "昆山精工数控技术有限公司", True, "设备先进，实训规模大", experts)
    clerk(steps.expert, 2021, "昆山花桥技工学校", True, "师资结构合理", experts)
    clerk(steps.expert, 2021, "昆山市鹿城职业技术学校", False, "焊接项目技师以上教师占比1/3，未达50%", experts)
    clerk(steps.publicise, 2021, Signed(city, _on("2022-01-12")))
    raised = clerk(
        steps.object_to, 2021, "昆山花桥技工学校", "来信反映实训场地不足（匿名）", Signed(city, _on("2022-01-14"))
    )
    clerk(
        steps.resolve_objection,
        raised.decision.id,
        False,
        "经现场核查，场地2400平方米属实",
        Signed(city, _on("2022-01-18")),
    )
    clerk(steps.confirm, 2021, "昆人社发〔2022〕3号", Signed(city, _on("2022-01-24")))
    clerk(
        steps.assess,
        "昆山精工数控技术有限公司",
        examples / "yearly-2022-ok.yaml",
        "昆人社发〔2023〕5号",
        Signed(city, _on("2023-02-20")),
    )
    clerk(
        steps.assess,
        "昆山花桥技工学校",
        examples / "yearly-2022-short.yaml",
        "昆人社发〔2023〕6号",
        Signed(city, _on("2023-02-20")),
    )
    facts = "该基地2022年度培训高技能人才140人，取得证书87人（62.1%），未报送总结材料。"
    clerk(
        steps.revoke,
        "昆山花桥技工学校",
        "assessment_failed",
        facts,
        "昆人社发〔2023〕8号",
        Signed(city, _on("2023-03-01")),
    )


def _hangzhou(clerk: _Clerk) -> None:
    examples = project_folder("examples") / "hangzhou"
    city = "沈晓燕（市人力社保局）"
    clerk(steps.open_year, 2026, Signed(city, _on("2026-03-02")))
    for name in ("pass", "xihu", "leased"):
        clerk.receive(2026, examples / f"applicant-{name}.yaml", _on("2026-04-20"), city)
    experts = Signed("专家组（组长 钱立）", _on("2026-05-15"))
    clerk(steps.expert, 2026, "杭州钱江智能制造技工学校", True, "现场考察合格", experts, short_name="萧山")
    clerk(steps.expert, 2026, "杭州西湖职业技能培训学校", True, "现场考察合格", experts, short_name="西湖")
    clerk(steps.expert, 2026, "杭州云栖数字技能培训有限公司", False, "实训场地为租赁，不符合自有场地要求", experts)
    clerk(steps.publicise, 2026, Signed(city, _on("2026-05-20")))
    clerk(steps.confirm, 2026, "杭人社发〔2026〕41号", Signed(city, _on("2026-06-01")))
    sheets = clerk.workspace.data_dir
    for example, doc_number in (
        ("assessment-good", "杭人社发〔2028〕9号"),
        ("assessment-fail", "杭人社发〔2028〕10号"),
    ):
        sheet = yaml.safe_load((examples / f"{example}.yaml").read_text(encoding="utf-8"))
        sheet["period"] = "2026-2027"
        path = sheets / f"{example}-2026-2027.yaml"
        path.write_text(yaml.safe_dump(sheet, allow_unicode=True, sort_keys=False), encoding="utf-8")
        clerk(steps.assess, sheet["base"], path, doc_number, Signed("考核组", _on("2028-03-10")))
    clerk(
        steps.revoke,
        "杭州市公共实训基地西湖分基地",
        "assessment_failed",
        "该分基地2026—2027年度考核得分59.5分，等级为不合格。",
        "杭人社发〔2028〕15号",
        Signed(city, _on("2028-03-25")),
    )


def _register(workspace: Workspace, report: DemoReport) -> None:
    for row in register_rows(Cycle.load(workspace)):
        results = "；".join(f"{a['period']} {a['result']}" for a in row["assessments"]) or "未考核"
        state = "在册" if row["state"] == "active" else f"已撤销 {row['revoked_on']}"
        report.add(f"  register {row['base_name']}: {results}; {state}")


def _searches(workspace: Workspace, report: DemoReport) -> None:
    for query in ("高级技师", "CK6150", "人力资源和社会保障局", "建筑面积"):
        found = search(workspace, query)
        where = ", ".join(f"{h.archival_code} p.{h.page}" for h in found.hits[:3])
        count = found.total if found.exact else f"at least {found.total}"
        report.add(f"  search {query}: {count} pages ({where})")


def _reviews(workspace: Workspace, report: DemoReport) -> None:
    """The evidence cross-check of every received applicant."""
    cycle = Cycle.load(workspace)
    for year, state in sorted(cycle.standing.years.items()):
        for a in state.applicants.values():
            result = review_applicant(workspace, cycle.applicant_file(year, a.code), year)
            counts = ", ".join(f"{m.value} {result.count(m)}" for m in Match if result.count(m))
            report.add(f"  review {a.unit}: {counts}")
