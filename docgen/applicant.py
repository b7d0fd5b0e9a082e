"""An applicant unit's data file (申报单位信息), portable between cities' programmes.

Key names are English so one file serves any programme; values a clerk types are Chinese.
"""

from __future__ import annotations

import typing
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, Field, ValidationInfo, field_validator

from docgen import credit_code
from docgen.datafiles import Area, Count, Line, Name, Strict, Years, Yuan, load_model


class ApplicantKind(StrEnum):
    """Canonical kinds of unit; each programme lists which of them are eligible (适用范围)."""

    industry_association = "行业协会"
    manufacturer = "生产型企业"
    enterprise = "企业"
    university = "普通高校"
    vocational_college = "职业院校"
    technical_school = "技工院校"
    training_institution = "职业培训机构"
    other = "其他"


class Qualification(StrEnum):
    """职业资格 / 职业技能等级, lowest to highest."""

    junior_worker = "初级工"
    intermediate_worker = "中级工"
    senior_worker = "高级工"
    technician = "技师"
    senior_technician = "高级技师"

    @property
    def rank(self) -> int:
        return list(Qualification).index(self)


class Title(StrEnum):
    """专业技术职称, lowest to highest."""

    none = "无"
    junior = "初级"
    intermediate = "中级"
    associate_senior = "副高级"
    senior = "正高级"

    @property
    def rank(self) -> int:
        return list(Title).index(self)


def _text_or_number(value: object) -> object:
    """YAML reads 0512... as text but 123456 as a number; identifiers are always text."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


Identifier = Annotated[str, BeforeValidator(_text_or_number), Field(min_length=1)]


class Contact(Strict):
    name: Name
    phone: Identifier


class Site(Strict):
    """实训场地: 建筑面积 and whether the unit owns it (自有, 不含租赁)."""

    area_m2: Area
    owned: bool
    fire_ventilation_lighting_temperature: bool | None = None  # 消防、通风、照明、控温 in place


class Equipment(Strict):
    name: Name
    model: Identifier | None = None
    quantity: int = Field(ge=1, le=100_000)
    unit_price_yuan: Yuan
    owned: bool = True

    @property
    def value_yuan(self) -> Decimal:
        return self.unit_price_yuan * self.quantity


class Teacher(Strict):
    name: Name
    qualification: Qualification | None = None
    title: Title = Title.none
    certificate_no: Identifier | None = None
    full_time: bool = True


class Project(Strict):
    """实训项目."""

    name: Name
    occupation: Line  # 职业(工种)
    equipment: list[Equipment] = Field(default_factory=list)
    teachers: list[Teacher] = Field(default_factory=list)

    @property
    def equipment_value_yuan(self) -> Decimal:
        return sum((e.value_yuan for e in self.equipment), Decimal(0))


class Applicant(Strict):
    name: Name
    credit_code: Identifier
    kind: ApplicantKind
    district: Name
    address: Line
    contact: Contact
    legal_person: bool = True  # 具有独立法人资格
    site: Site
    experience_years: Years  # years of 高级工-and-above training already run
    projects: list[Project] = Field(min_length=1)
    trainees_last_year: Count | None = None
    certified_last_year: Count | None = None
    full_time_managers: Count | None = None

    @field_validator("credit_code")
    @classmethod
    def _valid_credit_code(cls, value: str) -> str:
        try:
            return credit_code.validate(value)
        except credit_code.CreditCodeError as exc:
            raise ValueError(str(exc)) from None

    @field_validator("certified_last_year")
    @classmethod
    def _not_more_certified_than_trained(cls, value: int | None, info: ValidationInfo) -> int | None:
        trained = info.data.get("trainees_last_year")
        if value is not None and trained is not None and value > trained:
            raise ValueError(f"{value} certified is more than the {trained} trainees_last_year")
        return value

    @property
    def teachers(self) -> list[Teacher]:
        return [t for p in self.projects for t in p.teachers]

    @property
    def equipment_value_yuan(self) -> Decimal:
        return sum((p.equipment_value_yuan for p in self.projects), Decimal(0))


def load_applicant(path: Path) -> Applicant:
    return load_model(Path(path), Applicant)


def field_values(applicant: Applicant, path: str) -> list[object]:
    """Values at a dotted path; 'projects[].teachers[].full_time' gives one value per teacher."""
    values: list[object] = [applicant]
    for part in path.split("."):
        name, every = (part[:-2], True) if part.endswith("[]") else (part, False)
        nxt: list[object] = []
        for value in values:
            item = getattr(value, name)
            nxt.extend(item if every else [item])
        values = nxt
    return values


def check_field_path(path: str) -> None:
    """Raise ValueError unless `path` names an applicant field ('[]' after each list)."""
    model: Any = Applicant
    for part in path.split("."):
        name, every = (part[:-2], True) if part.endswith("[]") else (part, False)
        fields = model.model_fields if isinstance(model, type) and issubclass(model, BaseModel) else {}
        props = {n for n in dir(model) if isinstance(getattr(model, n, None), property)}
        if name not in fields and name not in props:
            raise ValueError(f"'{path}' is not an applicant field ('{name}' unknown)")
        if name in props:
            annotation = typing.get_type_hints(getattr(model, name).fget).get("return")
        else:
            annotation = fields[name].annotation
        is_list = typing.get_origin(annotation) is list
        if is_list != every:
            raise ValueError(f"'{path}': write '{name}[]' for a list, '{name}' otherwise")
        model = typing.get_args(annotation)[0] if is_list else annotation
