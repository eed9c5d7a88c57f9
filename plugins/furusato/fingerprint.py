"""Fingerprint the data a template is given, so unchanged pages need not be rendered again."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from pydantic import BaseModel

from .entities import Article, Event, Page, Prefecture
from .regions import Region


def _parts(value: Any, out: list[str]) -> None:
    # A document is its bytes, its file name (the slug, hence its URL, may come from it) and,
    # for articles and events, its prefecture's profile (author and organizer live there).
    if isinstance(value, Article | Event):
        out.append(
            f"{value.kind_name}:{value.source}:{value.slug}:{value.digest}:"
            f"{value.prefecture.digest}"
        )
    elif isinstance(value, Page):
        out.append(f"page:{value.source}:{value.slug}:{value.digest}")
    elif isinstance(value, Prefecture):
        out.append(f"pref:{value.digest}")
    elif isinstance(value, Region):
        out.append(f"region:{value.slug}")
    elif isinstance(value, BaseModel):
        out.append(value.model_dump_json())
    elif isinstance(value, dict):
        for key in sorted(value, key=str):
            out.append(f"{key}=")
            _parts(value[key], out)
    elif isinstance(value, list | tuple):
        out.append(f"[{len(value)}")
        for item in value:
            _parts(item, out)
        out.append("]")
    elif isinstance(value, str | int | float | bool | date) or value is None:
        out.append(repr(value))
    else:
        raise TypeError(f"cannot fingerprint {type(value).__name__}; pass typed objects")


def fingerprint(value: Any) -> str:
    """Return a digest that changes whenever anything reachable from `value` changes."""
    out: list[str] = []
    _parts(value, out)
    return hashlib.sha1("\x1f".join(out).encode(), usedforsecurity=False).hexdigest()
