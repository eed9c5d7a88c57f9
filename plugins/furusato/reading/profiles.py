"""Load and validate the prefecture profiles in prefectures/*.yaml."""

from __future__ import annotations

import difflib
import logging
from pathlib import Path

from ..entities import Prefecture
from ..errors import Problem, Problems
from ..regions import BY_SLUG
from ..schemas import ProfileSchema
from ..urls import NATIONAL_NAMES
from .files import check_folder, read_regular, walk
from .messages import comment_cuts, yaml_findings
from .repository import (
    Options,
    is_slug,
    read_yaml,
    relative,
    sha1,
    validate,
)

log = logging.getLogger(__name__)


def load_profiles(options: Options) -> dict[str, Prefecture]:
    """Load and validate the profiles only; raise ContentError listing every problem."""
    problems = Problems()
    prefectures, _ = read_profiles(options, problems)
    problems.raise_if_any()
    return prefectures


def _profile_files(options: Options, problems: Problems) -> list[Path]:
    """Return the profiles to load; links and special files are reported, never read."""
    root = str(options.root)
    if not check_folder(root, "prefectures", problems):
        return []
    listed: dict[str, Path] = {}
    for found in walk(root, "prefectures", problems):
        name = found.rel.removeprefix("prefectures/")
        if "/" in name or not name.endswith((".yaml", ".yml")):
            # Nothing there is skipped silently: a profile put in a subfolder, or a note
            # saved beside the profiles, would otherwise never be read.
            problems.add(
                found.rel,
                1,
                "location",
                "only prefecture profiles belong in prefectures/, each as "
                "prefectures/<prefecture>.yaml; move this file (notes and documents go in "
                "docs/)",
            )
            continue
        listed[name] = Path(found.path)
    known = sorted(name.removesuffix(".yaml") for name in listed if name.endswith(".yaml"))
    if options.single:
        if options.single not in known:  # a name, never a path such as ../other/tottori
            guess = difflib.get_close_matches(options.single, known, n=1)
            hint = f"did you mean {guess[0]!r}? " if guess else ""
            problems.add(
                f"prefectures/{options.single}.yaml",
                1,
                "PREFECTURE",
                f"there is no profile for {options.single!r}; {hint}"
                "PREFECTURE must be a file name from prefectures/ without .yaml",
            )
            return []
        return [listed[f"{options.single}.yaml"]]
    for name in sorted(listed):
        if name.endswith(".yml"):
            problems.add(
                f"prefectures/{name}",
                1,
                "file name",
                f"profiles end in .yaml; rename the file to {name.removesuffix('.yml')}.yaml",
            )
    return [listed[f"{slug}.yaml"] for slug in known]


def read_profiles(options: Options, problems: Problems) -> tuple[dict[str, Prefecture], set[str]]:
    """Return valid profiles by slug, and the slugs whose profile exists but is invalid."""
    loaded: list[Prefecture] = []
    invalid: set[str] = set()
    parsed: dict[tuple[str, bytes], _Parsed] = {}
    for path in _profile_files(options, problems):
        prefecture = _remembered_profile(options, path, problems, parsed)
        if prefecture is not None:
            loaded.append(prefecture)
        else:
            invalid.add(path.stem)
    _check_profiles_together(loaded, problems, full=options.single is None)
    _LAST.clear()
    _LAST.update(parsed)
    return {p.slug: p for p in sorted(loaded, key=lambda p: p.code)}, invalid


# What one profile file gave: the Prefecture (None: invalid), its problems and its warnings.
_Parsed = tuple[Prefecture | None, list[Problem], list[Problem]]
# The profiles of the last load in this process, by (source, bytes). The devserver loads the
# site again after every save, and parsing and checking the profiles' YAML was most of its
# quick step's load; a profile whose bytes did not change gives what it gave (Prefecture is
# frozen), with the same problems.
_LAST: dict[tuple[str, bytes], _Parsed] = {}


def _remembered_profile(
    options: Options, path: Path, problems: Problems, parsed: dict[tuple[str, bytes], _Parsed]
) -> Prefecture | None:
    """Load one profile, or take what the same bytes gave in the last load."""
    try:
        raw = read_regular(str(path))
    except OSError as exc:  # replaced by a link or a pipe while we looked
        source = relative(options, path)
        problems.add(source, 1, "file", f"this file cannot be read ({exc}); commit it again")
        return None
    key = (relative(options, path), raw)
    found = _LAST.get(key)
    if found is None:
        own = Problems()
        found = (_load_profile(options, path, own, raw), own.items, own.warnings)
    parsed[key] = found
    prefecture, items, warnings = found
    problems.extend(items)
    problems.warnings.extend(warnings)
    return prefecture


def _load_profile(
    options: Options, path: Path, problems: Problems, raw: bytes
) -> Prefecture | None:
    source = relative(options, path)
    slug = path.stem
    if not is_slug(slug):
        problems.add(
            source,
            1,
            "file name",
            f"{path.name!r} is not a prefecture slug; name the file like 'tottori.yaml' "
            "(lowercase romaji)",
        )
        return None
    if slug in NATIONAL_NAMES:
        problems.add(
            source,
            1,
            "file name",
            f"'{slug}' is a name the site uses for its own pages (/{slug}/); name the file "
            "after the prefecture, like 'tottori.yaml'",
        )
        return None
    data, lines = read_yaml(raw, source, problems)
    if data is None:
        return None
    found = yaml_findings(lines, source)
    problems.extend(found)
    if not isinstance(data, dict):
        problems.add(source, 1, "profile", "the file must be a set of fields (code:, name:, ...)")
        return None
    cuts = comment_cuts(lines, source, ProfileSchema)
    problems.extend(cuts)
    schema = validate(ProfileSchema, data, source, lines, problems)
    if schema is None or found or cuts:
        return None
    return Prefecture(
        slug=slug,
        code=schema.code,
        name=schema.name,
        region=BY_SLUG[schema.region],
        capital=schema.capital,
        tile=schema.tile,
        introduction=schema.introduction,
        links=schema.links,
        coordinators=schema.coordinators,
        ambassadors=schema.ambassadors,
        source=source,
        digest=sha1(raw),
    )


def _check_profiles_together(loaded: list[Prefecture], problems: Problems, full: bool) -> None:
    by_code: dict[str, list[Prefecture]] = {}
    by_tile: dict[tuple[int, int], list[Prefecture]] = {}
    for p in loaded:
        by_code.setdefault(p.code, []).append(p)
        by_tile.setdefault((p.tile.col, p.tile.row), []).append(p)
    for code, same in by_code.items():
        if len(same) > 1:
            names = ", ".join(p.source for p in same)
            for p in same:
                problems.add(
                    p.source, 1, "code", f"{code} is used by more than one profile ({names})"
                )
    for (col, row), same in by_tile.items():
        if len(same) > 1:
            names = ", ".join(p.slug for p in same)
            for p in same:
                problems.add(
                    p.source,
                    1,
                    "tile",
                    f"col {col}, row {row} is taken by more than one prefecture ({names})",
                )
