"""The text of an applicant's paper evidence, and scans of it: certificates, equipment list, licence, site.

For the demo, the tests and the benchmarks: what a box of evidence would hold for an applicant file,
rendered as scanned pages (docgen.samples.scans). Nothing here is used on real data.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from docgen.applicant import Applicant, Teacher
from docgen.samples.scans import page_image, save_pdf
from docgen.verdict import number_text


@dataclass(frozen=True)
class Certificate:
    name: str
    level: str  # 等级 as printed: 高级技师, 技师, 高级工 ...; or a title (中级) on a 职称 certificate
    number: str
    occupation: str = ""


def certificate_lines(cert: Certificate, issuer: str) -> list[str]:
    if cert.level in ("正高级", "副高级", "中级", "初级"):
        return [
            "专业技术资格证书",
            f"姓名：{cert.name}",
            f"专业：{cert.occupation}",
            f"资格级别：{cert.level}",
            f"证书编号：{cert.number}",
            f"发证机关：{issuer}",
        ]
    return [
        "职业资格证书",
        f"姓名：{cert.name}",
        f"职业：{cert.occupation}",
        f"等级：{cert.level}",
        f"证书编号：{cert.number}",
        f"发证机关：{issuer}",
        "发证日期：2019年6月18日",
    ]


def certificates_of(applicant: Applicant) -> list[Certificate]:
    """What each teacher's certificate says when it agrees with the application."""
    found = []
    for project in applicant.projects:
        for t in project.teachers:
            found.append(Certificate(t.name, _level(t), t.certificate_no or "", project.occupation))
    return found


def _level(teacher: Teacher) -> str:
    return teacher.qualification or teacher.title.value


def equipment_lines(applicant: Applicant, quantities: dict[str, int] | None = None) -> list[str]:
    """教学实训设备清单; `quantities` (model -> number) prints other numbers than the application's."""
    lines = ["教学实训设备清单", f"单位：{applicant.name}", "序号    设备名称    型号    数量（台/套）"]
    number = 0
    for project in applicant.projects:
        for e in project.equipment:
            number += 1
            quantity = (quantities or {}).get(e.model or "", e.quantity)
            lines.append(f"{number}    {e.name}    {e.model or ''}    {quantity}")  # a printed table's columns
    return lines


def licence_lines(applicant: Applicant) -> list[str]:
    title = "营业执照" if "公司" in applicant.name else "事业单位法人证书"
    return [
        title,
        f"统一社会信用代码：{applicant.credit_code}",
        f"名称：{applicant.name}",
        f"住所：{applicant.address}",
        "登记机关：市场监督管理局",
    ]


def site_lines(applicant: Applicant, area_text: str | None = None) -> list[str]:
    """不动产权证书 (owned) or 租赁合同 (leased); `area_text` replaces the printed area, e.g. in Chinese numerals."""
    area = area_text or f"{number_text(applicant.site.area_m2)}平方米"
    if applicant.site.owned:
        return ["不动产权证书", f"权利人：{applicant.name}", f"坐落：{applicant.address}", f"建筑面积：{area}"]
    return ["房屋租赁合同", f"承租方：{applicant.name}", f"租赁地址：{applicant.address}", f"租赁面积：{area}"]


def make_evidence(applicant: Applicant, folder: Path, *, seed: int = 0) -> list[tuple[str, list[Path]]]:
    """Scanned PDFs of the applicant's evidence, one per evidence type; returns (type, [file]) pairs."""
    folder.mkdir(parents=True, exist_ok=True)
    issuer = "人力资源和社会保障局"
    pages = [page_image(certificate_lines(c, issuer), seed=seed + i) for i, c in enumerate(certificates_of(applicant))]
    made = []
    if pages:
        made.append(("teacher_certificates", [save_pdf(pages, folder / "师资资质证明.pdf")]))
    made.append(
        (
            "equipment_list",
            [save_pdf([page_image(equipment_lines(applicant), seed=seed + 50)], folder / "设备清单.pdf")],
        )
    )
    made.append(
        (
            "business_licence",
            [save_pdf([page_image(licence_lines(applicant), seed=seed + 60)], folder / "营业执照.pdf")],
        )
    )
    made.append(
        ("site_documents", [save_pdf([page_image(site_lines(applicant), seed=seed + 70)], folder / "场地证明.pdf")])
    )
    return made
