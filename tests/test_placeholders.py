"""The templates' sample values cannot publish: every one of them is on the one list
(furusato.placeholders), and `make check` and the build refuse each with its field and fix."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from furusato import placeholders
from furusato.errors import ContentError
from furusato.reading import yamlsource
from furusato.reading.loader import Options, load
from tests.sitebuild import REPO, copy_site

TEMPLATES = {
    "articles": REPO / "docs/templates/article.md",
    "events": REPO / "docs/templates/event.md",
}
_FIELD = re.compile(r"^(?:# )?( *)([a-z_]+):(?: (.*?))?(?:\s+#\s.*)?$")


def template_values(path: Path) -> dict[str, str]:
    """Return every `field: value` a template shows, optional ones (`# field: value`) too,
    with nested fields dotted (venue.name)."""
    values: dict[str, str] = {}
    parent = ""
    front = path.read_text(encoding="utf-8").split("---\n")[1]
    for line in front.splitlines():
        match = _FIELD.match(line)
        if match is None:
            continue
        indent, field, value = match.groups()
        if not indent:
            parent = field
        name = f"{parent}.{field}" if indent else field
        if value:
            values[name] = value.strip()
    return values


@pytest.mark.parametrize("folder", sorted(TEMPLATES))
def test_every_sample_value_of_every_template_is_on_the_list(folder):
    values = template_values(TEMPLATES[folder])
    assert len(values) > 10
    listed = placeholders.PLACEHOLDERS[folder]
    for field, value in values.items():
        if field in listed:
            assert yamlsource.load(f"v: {value}\n")[0]["v"] == listed[field], field
        else:
            assert field in placeholders.WORKING_FIELDS, (field, value)
    assert set(listed) <= set(values)  # nothing on the list that the template lacks
    body = TEMPLATES[folder].read_text(encoding="utf-8").split("---\n", 2)[2]
    assert placeholders.BODIES[folder] in body


def test_no_template_carries_a_real_ambassador_id():
    ids = {
        a["id"]
        for profile in (REPO / "prefectures").glob("*.yaml")
        for a in (yamlsource.load(profile.read_text(encoding="utf-8"))[0].get("ambassadors") or [])
    }
    for path in TEMPLATES.values():
        values = template_values(path)
        person = values.get("author") or values.get("organizer")
        assert person == placeholders.AMBASSADOR_ID
        assert not ids & set(re.findall(r"[a-z]+(?:-[a-z]+)+", path.read_text(encoding="utf-8")))


def _uncommented(path: Path) -> str:
    """The template with every optional field switched on (its sample value kept)."""
    text = path.read_text(encoding="utf-8")
    return re.sub(r"^# (?=[a-z_]+: )", "", text, flags=re.M)


@pytest.mark.parametrize("folder", sorted(TEMPLATES))
def test_every_sample_value_is_refused_with_its_field(tmp_path, folder):
    name = "2026-12-05-mine.md"
    root = copy_site(
        "two_prefectures",
        tmp_path / "site",
        {f"content/tottori/{folder}/{name}": _uncommented(TEMPLATES[folder])},
    )
    with pytest.raises(ContentError) as failure:
        load(Options(root=root))
    refused = {p.field for p in failure.value.problems if placeholders.is_placeholder(p)}
    assert refused == {*placeholders.PLACEHOLDERS[folder], "body"}


def test_the_sample_author_is_refused_with_how_to_find_ones_id(tmp_path):
    article = (
        "---\ntitle: Mine\ndate: 2026-05-01\nauthor: your-ambassador-id\nsummary: Mine.\n---\n"
        "My words.\n"
    )
    root = copy_site(
        "two_prefectures", tmp_path / "site", {"content/tottori/articles/mine.md": article}
    )
    with pytest.raises(ContentError) as failure:
        load(Options(root=root))
    assert [p.format() for p in failure.value.problems] == [
        "content/tottori/articles/mine.md:4: author: this is the template's sample "
        "'your-ambassador-id'; replace it with your ambassador id: it is the 'id:' next to "
        "your name under 'ambassadors:' in prefectures/tottori.yaml (if you are not there "
        "yet, add yourself first, or ask your prefecture's coordinator)"
    ]
