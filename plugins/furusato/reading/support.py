"""Read what a coordinator records for the impact report besides articles and events: each
prefecture's yearly support files and the national exchange-rate file, validated like every
other input (problems name the file, the line and the field)."""

from __future__ import annotations

from ..entities import ExchangeRates, Prefecture, SupportYear
from ..errors import Problems
from ..schemas import LATEST_YEAR, ExchangeRatesSchema, SupportFileSchema
from .files import Found, read_regular
from .messages import comment_cuts, yaml_findings
from .repository import read_yaml, sha1, validate


def _read(found: Found, schema: type, problems: Problems) -> tuple[object | None, str]:
    try:
        raw = read_regular(found.path)
    except OSError as exc:
        problems.add(found.rel, 1, "file", f"this file cannot be read ({exc}); commit it again")
        return None, ""
    data, lines = read_yaml(raw, found.rel, problems)
    problems.extend(yaml_findings(lines, found.rel))
    if data is None:
        return None, ""
    if not isinstance(data, dict):
        problems.add(found.rel, 1, "YAML", "the file must be fields such as 'support:'")
        return None, ""
    problems.extend(comment_cuts(lines, found.rel, schema))
    return validate(schema, data, found.rel, lines, problems), sha1(raw)


def read_support(
    files: list[Found], prefectures: dict[str, Prefecture], problems: Problems
) -> list[SupportYear]:
    """Return the valid support files of known prefectures, by prefecture then year."""
    years = []
    for found in files:
        slug = found.rel.split("/")[1]
        prefecture = prefectures.get(slug)
        if prefecture is None:
            continue  # the folder itself is reported with the prefecture's documents
        year = int(found.rel.rsplit("/", 1)[-1][2:6])
        if not 1987 <= year <= LATEST_YEAR:
            problems.add(
                found.rel,
                1,
                "file name",
                f"FY{year} is not a year the site reports (1987 to {LATEST_YEAR}); "
                "name the file after the fiscal year the support was given in",
            )
            continue
        meta, digest = _read(found, SupportFileSchema, problems)
        if meta is not None:
            years.append(
                SupportYear(
                    prefecture, year, meta.support, meta.example, meta.lang, found.rel, digest
                )
            )
    years.sort(key=lambda s: (s.prefecture.number, s.fiscal_year))
    return years


def read_rates(found: Found | None, problems: Problems) -> ExchangeRates | None:
    """Return the recorded exchange rates, or None without a (valid) file."""
    if found is None:
        return None
    meta, digest = _read(found, ExchangeRatesSchema, problems)
    if meta is None:
        return None
    return ExchangeRates(meta.rates, meta.lang, found.rel, digest)
