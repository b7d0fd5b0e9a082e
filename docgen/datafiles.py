"""The one place that reads users' YAML files and validates them into models.

Everything a clerk writes (applicants, reports, assessments, policies, document data) comes
through `load_model`, so every such file gets the same guarantees:

* safe YAML only: tags such as ``!!python/object`` are refused, never constructed;
* a size limit checked before reading, empty files and non-mapping documents refused;
* duplicate keys refused (PyYAML would silently keep the last one);
* errors as one line: ``file: field.path[1]: message (line N)``, list positions counted from 1,
  unknown keys answered with the closest known name.
"""

from __future__ import annotations

import functools
import re
import types
import typing
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, TypeVar

import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node, SequenceNode

from archive import INVISIBLE
from docgen.errors import BadInputError, did_you_mean, located

MAX_DATA_FILE_BYTES = 5 * 1024 * 1024
MAX_EXPANDED_VALUES = 1_000_000  # far above any real data file
MAX_NESTING = 200  # deeper than any docgen file; PyYAML would recurse until Python gives up

_HIDDEN = re.compile(f"[{INVISIBLE}]")


def _plain_text(limit: int) -> AfterValidator:
    def check(value: str) -> str:
        if len(value) > limit:
            raise ValueError(f"{len(value)} characters; at most {limit}")
        hidden = _HIDDEN.search(value)
        if hidden:
            raise ValueError(
                f"holds the invisible or control character U+{ord(hidden.group()):04X} at character "
                f"{hidden.start() + 1}; type the text again without it"
            )
        return value

    return AfterValidator(check)


# One line of plain text: a unit's, a person's or a project's name (Name), an address or occupation (Line).
Name = Annotated[str, Field(min_length=1), _plain_text(100)]
Line = Annotated[str, Field(min_length=1), _plain_text(200)]
# Figures with the range a real one falls in, so that 1e999999999 is refused, never computed with.
Area = Annotated[Decimal, Field(ge=0, le=10_000_000)]  # m², up to 10 km²
Yuan = Annotated[Decimal, Field(ge=0, le=100_000_000_000)]  # up to 1,000 亿元
Years = Annotated[Decimal, Field(ge=0, le=200)]
Count = Annotated[int, Field(ge=0, le=10_000_000)]
Points = Annotated[Decimal, Field(ge=0, le=1000)]

ModelT = TypeVar("ModelT", bound=BaseModel)


class Strict(BaseModel):
    """Base for every model read from a user's file: unknown keys are errors, values immutable."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


_FAST_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_written_yaml(text: str) -> Any:
    """YAML that docgen wrote itself (decisions, users, notes), read with libyaml's safe loader where
    PyYAML has it: about ten times faster than the pure-Python one, which matters when every page
    of the web interface replays the journal. Users' own files go through read_yaml (line numbers,
    duplicate keys refused)."""
    return yaml.load(text, Loader=_FAST_LOADER)


class _StrictSafeLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys."""

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, list | dict):
                raise ConstructorError(None, None, "a key must be plain text", key_node.start_mark)
            if key in seen:
                raise ConstructorError(None, None, f"duplicate key '{key}'", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _decode(path: Path, raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        hint = "save it as UTF-8"
        try:
            raw.decode("gb18030")
            hint = "it looks GBK/GB18030-encoded; save it as UTF-8"
        except UnicodeDecodeError:
            pass
        raise BadInputError(located(path, f"byte {exc.start}", f"not UTF-8 text ({hint})")) from None


def read_yaml(path: Path, *, max_bytes: int = MAX_DATA_FILE_BYTES) -> tuple[dict[str, Any], Node]:
    """Read one YAML mapping safely; return the data and its node tree (for line numbers)."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise BadInputError(located(path, "", "not a file"))
        if size > max_bytes:
            raise BadInputError(
                located(
                    path,
                    "",
                    f"file is {size / 2**20:.1f} MiB; data files are limited to {max_bytes / 2**20:g} MiB",
                )
            )
        raw = path.read_bytes()
    except FileNotFoundError:
        raise BadInputError(located(path, "", "no such file")) from None
    except PermissionError:
        raise BadInputError(located(path, "", "permission denied")) from None
    except IsADirectoryError:
        raise BadInputError(located(path, "", "is a folder, not a file")) from None
    text = _decode(path, raw)
    if not text.strip():
        raise BadInputError(located(path, "", "file is empty"))
    loader = _StrictSafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except ConstructorError as exc:
        raise BadInputError(located(path, _line(exc.problem_mark), _tag_message(exc))) from None
    except RecursionError:
        raise BadInputError(located(path, "", f"nested more than {MAX_NESTING} levels deep")) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise BadInputError(located(path, _line(mark), f"not valid YAML: {problem}")) from None
    finally:
        loader.dispose()
    if not isinstance(data, dict) or node is None:
        kind = "empty" if data is None else type(data).__name__
        raise BadInputError(located(path, "", f"expected a mapping of keys to values at the top, got {kind}"))
    if _expanded_size(node, {}) > MAX_EXPANDED_VALUES:
        raise BadInputError(
            located(path, "", f"its aliases (*name) expand to more than {MAX_EXPANDED_VALUES:,} values; write them out")
        )
    return data, node


def _expanded_size(node: Node, seen: dict[int, int]) -> int:
    """How many values the document holds once every alias is expanded (a 'billion laughs' file
    is a few lines that expand to billions); each node counted once, then reused."""
    if id(node) in seen:
        return seen[id(node)]
    size = 1
    if isinstance(node, SequenceNode):
        size += sum(_expanded_size(child, seen) for child in node.value)
    elif isinstance(node, MappingNode):
        size += sum(_expanded_size(k, seen) + _expanded_size(v, seen) for k, v in node.value)
    seen[id(node)] = size
    return size


def _line(mark: Any) -> str:
    return f"line {mark.line + 1}" if mark is not None else ""


def _tag_message(exc: ConstructorError) -> str:
    problem = exc.problem or "cannot be read"
    if "could not determine a constructor for the tag" in problem:
        tag = problem.split("tag", 1)[1].strip().strip("'")
        tag = tag.replace("tag:yaml.org,2002:", "!!")
        return f"tag {tag} is not allowed (only plain YAML data is read)"
    return problem


def load_model(path: Path, model: type[ModelT], *, max_bytes: int = MAX_DATA_FILE_BYTES) -> ModelT:
    """Read `path` and validate it as `model`, or raise BadInputError naming file, field and line.

    A frozen model read before from the same unchanged file (size, modification time and inode) is
    given again without parsing: the strict loader keeps line numbers and costs ~15 ms a file, and the
    web interface reads the same applicant and policy files on every page."""
    if model.model_config.get("frozen"):
        try:
            stat = Path(path).stat()
        except OSError:
            pass
        else:
            version = (stat.st_size, stat.st_mtime_ns, stat.st_ino, max_bytes)
            return _cached_model(Path(path).resolve(), model, version)  # type: ignore[return-value]
    return _parsed_model(path, model, max_bytes)


def _parsed_model(path: Path, model: type[ModelT], max_bytes: int) -> ModelT:
    data, node = read_yaml(path, max_bytes=max_bytes)
    return validate_data(path, data, model, node=node)


@functools.lru_cache(maxsize=2048)
def _cached_model(path: Path, model: type[BaseModel], version: tuple[int, int, int, int]) -> BaseModel:
    return _parsed_model(path, model, version[3])


def validate_data(source: object, data: Any, model: type[ModelT], *, node: Node | None = None) -> ModelT:
    """Validate already-read data as `model`; errors are formatted as for `load_model`."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise BadInputError(describe_validation_error(source, exc, model, node)) from None


def describe_validation_error(
    source: object, exc: ValidationError, model: type[BaseModel], node: Node | None = None
) -> str:
    """The first error of `exc` as one line; '(and N more)' when there are others."""
    errors = exc.errors(include_url=False)
    # a misspelt key shows up as 'unknown' plus 'missing': the unknown one explains both
    errors.sort(key=lambda e: e["type"] != "extra_forbidden")
    first = errors[0]
    loc = tuple(first["loc"])
    where = field_path(loc)
    message = _message(first, model, loc)
    line = _line_of(node, loc)
    text = located(source, where, message)
    if line:
        text += f" ({line})"
    if len(errors) > 1:
        text += f" (and {len(errors) - 1} more)"
    return text


def field_path(loc: tuple[Any, ...]) -> str:
    """('projects', 0, 'teachers', 2, 'title') -> 'projects[1].teachers[3].title' (counted from 1)."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        elif isinstance(part, str) and not part.startswith(("function-", "literal[")):
            out += f".{part}" if out else part
    return out


def _message(error: Any, model: type[BaseModel], loc: tuple[Any, ...]) -> str:
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "extra_forbidden":
        key = loc[-1] if loc else value
        return f"unknown key '{key}'{did_you_mean(str(key), _known_fields(model, loc[:-1]))}"
    if kind == "missing":
        return "required field is missing"
    if kind in ("enum", "literal_error"):
        expected = str(ctx.get("expected", "")).replace("'", "")
        expected = expected.replace(" or ", ", ")
        return f"'{value}' is not one of {expected}"
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        sign = {"greater_than_equal": "≥", "greater_than": ">", "less_than_equal": "≤", "less_than": "<"}[kind]
        bound = next(iter(ctx.values()), "")
        shown = str(value) if len(str(value)) <= 30 else f"{str(value)[:12]}… ({len(str(value))} digits)"
        return f"must be {sign} {bound}, got {shown}"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"expected a whole number, got {value!r}"
    if kind in ("float_parsing", "float_type", "decimal_parsing", "decimal_type"):
        return f"expected a number, got {value!r}"
    if kind in ("bool_parsing", "bool_type"):
        return f"expected true or false, got {value!r}"
    if kind in ("string_type",):
        return f"expected text, got {value!r}"
    if kind in ("list_type",):
        return f"expected a list, got {type(value).__name__}"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"expected a mapping of keys to values, got {type(value).__name__}"
    if kind in ("date_parsing", "date_type", "date_from_datetime_parsing"):
        return f"expected a date like 2021-11-26, got {value!r}"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    return str(error["msg"])


def _known_fields(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Names accepted by the model found at `loc` below `model` (aliases first)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        sub = _model_in(current)
        if sub is None or part not in sub.model_fields:
            return []
        current = sub.model_fields[part].annotation
    sub = _model_in(current)
    if sub is None:
        return []
    return [f.alias or name for name, f in sub.model_fields.items()]


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The model class inside `annotation` (itself, or inside list[...], X | None, dict[..., X])."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (list, tuple, dict, typing.Union, types.UnionType):
        for arg in reversed(typing.get_args(annotation)):
            found = _model_in(arg)
            if found is not None:
                return found
    return None


def _line_of(node: Node | None, loc: tuple[Any, ...]) -> str:
    """The line of the deepest node of `loc` that exists in the YAML tree."""
    if node is None:
        return ""
    current = node
    for part in loc:
        nxt: Node | None = None
        if isinstance(current, MappingNode) and isinstance(part, str):
            nxt = next((v for k, v in current.value if getattr(k, "value", None) == part), None)
        elif isinstance(current, SequenceNode) and isinstance(part, int) and part < len(current.value):
            nxt = current.value[part]
        if nxt is None:
            break
        current = nxt
    return _line(current.start_mark)
