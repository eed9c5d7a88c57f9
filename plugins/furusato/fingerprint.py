"""Fingerprint the data a template is given, so unchanged pages need not be rendered again."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel

from .entities import Article, Event, Page, Prefecture
from .regions import Region


def _document(value: Article | Event, out: list[str]) -> None:
    # A document is its bytes, its file name (the slug, hence its URL, may come from it) and,
    # for articles and events, its prefecture's profile (author and organizer live there).
    out.append(
        f"{value.kind_name}:{value.source}:{value.slug}:{value.digest}:{value.prefecture.digest}"
    )


def _page(value: Page, out: list[str]) -> None:
    out.append(f"page:{value.source}:{value.slug}:{value.digest}")


def _prefecture(value: Prefecture, out: list[str]) -> None:
    out.append(f"pref:{value.digest}")


def _region(value: Region, out: list[str]) -> None:
    out.append(f"region:{value.slug}")


def _model(value: BaseModel, out: list[str]) -> None:
    out.append(value.model_dump_json())


def _mapping(value: dict, out: list[str]) -> None:
    for key in sorted(value, key=str):
        out.append(f"{key}=")
        _parts(value[key], out)


def _sequence(value: list | tuple, out: list[str]) -> None:
    out.append(f"[{len(value)}")
    for item in value:
        _parts(item, out)
    out.append("]")


def _scalar(value: Any, out: list[str]) -> None:
    out.append(repr(value))


# The handler of each exact type met on every page (a lookup instead of a chain of
# isinstance() calls: a build fingerprints millions of values); subclasses take the chain.
_BY_TYPE: dict[type, Any] = {
    Article: _document,
    Event: _document,
    Page: _page,
    Prefecture: _prefecture,
    Region: _region,
    dict: _mapping,
    list: _sequence,
    tuple: _sequence,
    str: _scalar,
    int: _scalar,
    float: _scalar,
    bool: _scalar,
    type(None): _scalar,
    date: _scalar,
    datetime: _scalar,
}


def _parts(value: Any, out: list[str]) -> None:
    handler = _BY_TYPE.get(type(value))
    if handler is not None:
        handler(value, out)
    elif isinstance(value, Article | Event):
        _document(value, out)
    elif isinstance(value, Page):
        _page(value, out)
    elif isinstance(value, Prefecture):
        _prefecture(value, out)
    elif isinstance(value, Region):
        _region(value, out)
    elif isinstance(value, BaseModel):
        _model(value, out)
    elif isinstance(value, dict):
        _mapping(value, out)
    elif isinstance(value, list | tuple):
        _sequence(value, out)
    elif isinstance(value, str | int | float | bool | date) or value is None:
        _scalar(value, out)
    else:
        raise TypeError(f"cannot fingerprint {type(value).__name__}; pass typed objects")


def fingerprint(value: Any) -> str:
    """Return a digest that changes whenever anything reachable from `value` changes."""
    out: list[str] = []
    _parts(value, out)
    return hashlib.sha1("\x1f".join(out).encode(), usedforsecurity=False).hexdigest()
