"""Turn pydantic validation errors into `path:line: field: message` problems for contributors."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import Problem
from ..schemas import FREE_TEXT
from .yamlsource import LineMap, Path_

_TYPE_NAMES = {
    str: "text",
    int: "a whole number",
    float: "a number",
    bool: "true or false",
    list: "a list",
    dict: "a group of fields",
}


def show(value: Any) -> str:
    """Show a YAML value the way the contributor wrote it."""
    if value is None:
        return "nothing"
    if isinstance(value, str):
        return repr(value) if len(value) <= 80 else repr(value[:60] + "…")
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        keys = [str(key)[:40] for key in list(value)[:10]]
        return "a group of fields (" + ", ".join(keys) + ")"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, int) and abs(value) >= 10**20:  # str() of a huge int is slow or fails
        if value.bit_length() > 14_000:  # beyond Python's 4300-digit conversion limit
            return "a number of thousands of digits"
        return f"a number of {len(str(abs(value)))} digits"
    text = str(value)
    return text if len(text) <= 40 else f"a number of {len(text)} characters"


def field_name(loc: Iterable[str | int]) -> str:
    """Write a pydantic location as a dotted field name: venue.city, ambassadors[2].role."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "front matter"


def _allowed_fields(model: type[BaseModel], loc: tuple[str | int, ...]) -> list[str]:
    """Find the field names allowed at `loc` (the parent of an unknown field)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        field = getattr(current, "model_fields", {}).get(part)
        if field is None:
            return []
        current = _model_in(field.annotation)
        if current is None:
            return []
    fields = getattr(current, "model_fields", {})
    return [f.alias or name for name, f in fields.items()]


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _model_in(arg)
        if found is not None:
            return found
    return None


# A line a contributor can copy when a required field is missing.
EXAMPLES = {
    "title": "title: Sand dunes in winter",
    "date": "date: 2026-05-01",
    "author": "author: amy-chen",
    "summary": "summary: One or two sentences for lists and feeds.",
    "start": "start: 2026-12-05 18:30",
    "organizer": "organizer: amy-chen",
    "code": "code: JP-31",
    "name": "name: {en: Tottori, ja: 鳥取県}",
    "en": "en: Tottori",
    "ja": "ja: 鳥取県",
    "region": "region: chugoku",
    "capital": "capital: {en: Tottori, ja: 鳥取市}",
    "tile": "tile: {col: 3, row: 8}",
    "introduction": "introduction: {en: Two or three factual sentences., ja: 日本語の紹介文です。}",
    "id": "id: amy-chen",
    "role": "role: CIR",
    "bio": "bio: One or two sentences about you.",
    "label": "label: Prefectural government",
    "url": "url: https://example.org/",
    "city": "city: London",
    "country": "country: United Kingdom",
    "amount": "amount: 1250",
    "currency": "currency: GBP",
    "from": "from: 2019",
    "col": "col: 3",
    "row": "row: 8",
}


def _message(error: dict[str, Any], model: type[BaseModel]) -> str:
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    loc = tuple(error["loc"])
    if kind == "missing":
        example = EXAMPLES.get(str(loc[-1]))
        hint = f"add a line such as '{example}'" if example else "add it (see the template)"
        return f"this field is required but missing; {hint}"
    if kind == "extra_forbidden":
        allowed = _allowed_fields(model, loc[:-1])
        guess = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        hint = f"did you mean {guess[0]!r}? " if guess else ""
        return f"unknown field; {hint}allowed fields here: {', '.join(allowed)}"
    if kind == "literal_error":
        expected = ctx.get("expected", "").replace("'", "")
        return f"{show(value)} is not allowed here; use one of: {expected.replace(' or ', ', ')}"
    if kind == "string_pattern_mismatch" and str(ctx.get("pattern", "")).startswith("^JP-"):
        return f"{show(value)} is not a prefecture code; use JP-01 (Hokkaido) … JP-47 (Okinawa)"
    if kind == "string_pattern_mismatch" and "A-Z]{3}" in str(ctx.get("pattern", "")):
        return (
            f"{show(value)} is not a currency code; use a three-letter ISO 4217 code "
            "such as JPY, GBP or USD"
        )
    if kind == "string_pattern_mismatch":
        return (
            f"{show(value)} is not a valid id; use lowercase ascii letters, digits and "
            "hyphens, such as 'amy-chen' or 'sand-dunes-in-winter'"
        )
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_too_long":
        limit = ctx.get("max_length")
        return f"is too long ({len(str(value))} characters); use at most {limit}"
    if kind == "too_long":
        limit = ctx.get("max_length")
        count = ctx.get("actual_length") or len(value or ())
        return f"has {count} items; use at most {limit}"
    if kind == "finite_number":
        shown = {"inf": ".inf", "-inf": "-.inf", "nan": ".nan"}.get(str(value), show(value))
        return f"expected a number such as 42, found {shown}"
    if kind == "int_from_float":
        return f"expected a whole number, found {show(value)}"
    if value is None and kind.endswith("_type"):
        return "this field is empty; write a value after the colon"
    if kind in (
        "string_type",
        "int_type",
        "int_parsing",
        "bool_type",
        "bool_parsing",
        "decimal_parsing",
        "decimal_type",
        "float_parsing",
        "dict_type",
        "model_type",
        "tuple_type",
        "list_type",
        "model_attributes_type",
    ):
        expected = {
            "string_type": "text",
            "int_type": "a whole number",
            "int_parsing": "a whole number",
            "bool_type": "true or false",
            "bool_parsing": "true or false",
            "decimal_parsing": "a number",
            "decimal_type": "a number",
            "float_parsing": "a number",
            "dict_type": "a group of indented fields",
            "model_type": "a group of indented fields",
            "model_attributes_type": "a group of indented fields",
            "tuple_type": "a list (one '- item' per line, or [a, b])",
            "list_type": "a list (one '- item' per line, or [a, b])",
        }[kind]
        return f"expected {expected}, found {show(value)}"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        bound = next(iter(ctx.values()), "")
        relation = {
            "greater_than_equal": "at least",
            "less_than_equal": "at most",
            "greater_than": "more than",
            "less_than": "less than",
        }[kind]
        return f"{show(value)} is out of range; it must be {relation} {bound}"
    if kind in ("decimal_max_places", "decimal_max_digits", "decimal_whole_digits"):
        return f"{show(value)} has too many digits; write an amount such as 1250 or 1250.50"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    return f"{error['msg']} (found {show(value)})"


def problems_from(
    exc: ValidationError, path: str, lines: LineMap, model: type[BaseModel]
) -> list[Problem]:
    """Convert every error of one validation into a Problem pointing at its line."""
    problems = []
    for error in exc.errors(include_url=False):
        loc = tuple(error["loc"])
        line = lines.line_of(loc)
        problems.append(Problem(path, line, field_name(loc), _message(error, model)))
    return problems


def yaml_findings(lines: LineMap, path: str) -> list[Problem]:
    """Return the problems recorded while reading the YAML (such as a control character)."""
    return [
        Problem(path, line, field_name(loc) if loc else "YAML", message)
        for loc, line, message in lines.findings
    ]


def comment_cuts(lines: LineMap, path: str, model: type[BaseModel]) -> list[Problem]:
    """Report free-text values that YAML cut short at ` #`, reading the rest as a comment.

    Only fields of free text count (see model.FreeText): a note after a number, a date or
    an id (`attendance: 40  #estimate`) loses nothing the schema would keep.
    """
    return [
        Problem(
            path,
            line,
            field_name(loc),
            f"the text after ' #' was read as a comment; put the {_spoken(loc)} in quotes",
        )
        for loc, line in lines.comment_cuts
        if _is_free_text(model, loc)
    ]


def _spoken(loc: Path_) -> str:
    """Name a field in words: title, venue name, English name, tag."""
    words = [part for part in loc if isinstance(part, str)]
    last = words[-1].replace("_", " ")
    if isinstance(loc[-1], int):  # an item of a list: tags[2] is a tag
        return last.removesuffix("s")
    if last in ("en", "ja") and len(words) > 1:
        language = "English" if last == "en" else "Japanese"
        return f"{language} {words[-2].replace('_', ' ')}"
    parent = loc[-2] if len(loc) > 1 else None
    return f"{parent.replace('_', ' ')} {last}" if isinstance(parent, str) else last


def _is_free_text(model: type[BaseModel], loc: Path_) -> bool:
    """Say whether the schema declares the field at `loc` as free text."""
    annotation: Any = model
    metadata: list[Any] = []
    for part in loc:
        annotation, metadata = _unwrap(annotation, metadata)
        if isinstance(part, int):
            args = getattr(annotation, "__args__", ())
            if not args:
                return False
            annotation, metadata = args[0], []
            continue
        fields = getattr(annotation, "model_fields", None)
        if not fields:
            return False
        info = fields.get(part) or next((f for f in fields.values() if f.alias == part), None)
        if info is None:
            return False
        annotation, metadata = info.annotation, list(info.metadata)
    annotation, metadata = _unwrap(annotation, metadata)
    return any(item is FREE_TEXT for item in metadata)


def _unwrap(annotation: Any, metadata: list[Any]) -> tuple[Any, list[Any]]:
    """Look through Optional[...] and Annotated[...] to the type, gathering its metadata."""
    while True:
        extra = getattr(annotation, "__metadata__", None)
        if extra is not None:
            metadata = [*metadata, *extra]
            annotation = annotation.__origin__
            continue
        args = getattr(annotation, "__args__", ())
        if type(None) in args:  # X | None
            rest = [arg for arg in args if arg is not type(None)]
            if len(rest) == 1:
                annotation = rest[0]
                continue
        return annotation, metadata
