"""Policy proposals with a life: six statuses, submitted and decided days, a response link, and a
citable number the coordinator writes once, checked (and suggested) by `make check`; recaps
linked to their events; support and exchange-rate files checked like every other input."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from furusato import proposals
from furusato.entities import Prefecture
from furusato.errors import ContentError
from furusato.reading.loader import Options, load_site
from tests.sitebuild import SITES, TODAY, copy_site

PROPOSAL = "content/tottori/articles/2026-04-02-dunes-in-winter.md"
TEXT = (SITES / "two_prefectures" / PROPOSAL).read_text(encoding="utf-8")
EVENT = "content/tottori/events/2026-03-01-past-fundraiser.md"


def load(tmp_path: Path, files: dict[str, str | None]):
    root = copy_site("two_prefectures", tmp_path / "site", files)
    return load_site(Options(root=root, today=date.fromisoformat(TODAY)))


def problems(tmp_path: Path, files: dict[str, str | None]) -> list[str]:
    with pytest.raises(ContentError) as info:
        load(tmp_path, files)
    return [p.format() for p in info.value.problems]


def proposal(old: str, new: str) -> dict[str, str | None]:
    assert old in TEXT
    return {PROPOSAL: TEXT.replace(old, new)}


def test_every_prefecture_has_its_own_three_letters():
    assert len(proposals.LETTERS) == 47
    assert len(set(proposals.LETTERS)) == 47
    assert proposals.LETTERS[31 - 1] == "TOT"


def test_the_next_free_number_follows_the_highest_of_the_year(tmp_path):
    tottori: Prefecture = load(tmp_path, {}).prefectures["tottori"]
    taken = ["TOT-2026-01", "TOT-2026-03", "TOT-2025-07", "SMN-2026-09", "not a number"]
    assert proposals.next_free(tottori, 2026, taken) == "TOT-2026-04"
    assert proposals.next_free(tottori, 2027, taken) == "TOT-2027-01"
    # Read once for a whole site: the same answers.
    highest = proposals.highest_places(taken)
    assert highest == {("TOT", 2026): 3, ("TOT", 2025): 7, ("SMN", 2026): 9}
    assert proposals.next_free(tottori, 2026, highest) == "TOT-2026-04"
    assert proposals.next_free(tottori, 2027, highest) == "TOT-2027-01"
    assert proposals.parse("TOT-2026-10") == ("TOT", 2026, 10)
    assert sorted(["TOT-2026-10", "TOT-2026-09"], key=proposals.sort_key) == [
        "TOT-2026-09",
        "TOT-2026-10",
    ]


def test_the_fixture_proposal_is_valid(tmp_path):
    site = load(tmp_path, {})
    article = next(a for a in site.articles if a.slug == "dunes-in-winter")
    assert (article.meta.number, article.meta.status) == ("TOT-2026-01", "adopted")


def test_a_proposal_without_a_number_is_told_the_next_free_one(tmp_path):
    assert problems(tmp_path, proposal("number: TOT-2026-01\n", "")) == [
        f"{PROPOSAL}:2: number: a policy proposal has a number to cite; the prefecture's "
        "coordinator adds 'number: TOT-2026-01' (the next free number of FY2026, the fiscal "
        "year of 'submitted'), which never changes once published"
    ]


def test_a_number_of_another_year_or_prefecture_is_refused(tmp_path):
    expected = (
        f"{PROPOSAL}:8: number: {{!r}} is not a number of tottori in FY2026 (submitted "
        "2026-04-02); its numbers start with TOT-2026-, such as TOT-2026-01"
    )
    for wrong in ("TOT-2025-01", "SMN-2026-01"):
        assert problems(tmp_path / wrong, proposal("TOT-2026-01", wrong)) == [
            expected.format(wrong)
        ]


def test_a_number_is_used_once(tmp_path):
    other = "content/tottori/articles/2026-05-01-second-proposal.md"
    text = TEXT.replace("translation: suna-no-oka\n", "").replace("Dunes", "More dunes")
    text = text.replace("2026-04-02", "2026-05-01")
    assert problems(tmp_path, {other: text}) == [
        f"{PROPOSAL}:8: number: 'TOT-2026-01' is also the number of {other}; each proposal has "
        "its own number (the next free one is TOT-2026-02), except a proposal's translation, "
        "which names it in 'translation:'",
        f"{other}:8: number: 'TOT-2026-01' is also the number of {PROPOSAL}; each proposal has "
        "its own number (the next free one is TOT-2026-02), except a proposal's translation, "
        "which names it in 'translation:'",
    ]


def test_status_and_dates_tell_a_consistent_story(tmp_path):
    cases = {
        "no decision day for an outcome": (
            ("decided: 2026-06-01\n", ""),
            "2: decided: a proposal that is 'adopted' says when that was known; add "
            "'decided: YYYY-MM-DD'",
        ),
        "an open proposal has no decision": (
            ("status: adopted", "status: under-review"),
            "10: decided: a proposal that is 'under-review' has no outcome yet; remove "
            "'decided', or change 'status' to the outcome",
        ),
        "decided before submitted": (
            ("decided: 2026-06-01", "decided: 2026-03-01"),
            "10: decided: the decision (2026-03-01) is before the proposal was submitted "
            "(2026-04-02); check both dates",
        ),
        "decided in the future": (
            ("decided: 2026-06-01", "decided: 2026-12-01"),
            "10: decided: 2026-12-01 is after today (2026-11-24); check the date",
        ),
        "no status": (
            ("status: adopted\n", ""),
            "2: status: a policy proposal has a status; add 'status: submitted' (or one of "
            "submitted, under-review, adopted, partly-adopted, declined, withdrawn)",
        ),
        "a time is not a day": (
            ("submitted: 2026-04-02", "submitted: 2026-04-02 10:00"),
            "9: submitted: write the day only (YYYY-MM-DD), without a time",
        ),
    }
    for name, ((old, new), message) in cases.items():
        assert problems(tmp_path / name.replace(" ", "-"), proposal(old, new)) == [
            f"{PROPOSAL}:{message}"
        ], name


def test_withdrawn_and_the_new_statuses_are_accepted(tmp_path):
    for status in ("withdrawn", "partly-adopted", "declined"):
        site = load(tmp_path / status, proposal("status: adopted", f"status: {status}"))
        article = next(a for a in site.articles if a.slug == "dunes-in-winter")
        assert article.meta.status == status


def test_only_proposals_have_proposal_fields(tmp_path):
    story = "content/tottori/articles/2026-01-01-article-00.md"
    text = (SITES / "two_prefectures" / story).read_text(encoding="utf-8")
    found = problems(tmp_path, {story: text.replace("tags:", "number: TOT-2025-02\ntags:")})
    assert found == [
        f"{story}:6: number: only policy proposals have 'number'; add 'kind: proposal' or remove it"
    ]


def test_a_recap_names_an_event_of_its_prefecture_that_has_begun(tmp_path):
    story = "content/tottori/articles/2026-04-01-suna-no-oka.md"
    text = (SITES / "two_prefectures" / story).read_text(encoding="utf-8")
    missing = text.replace("lang: ja\n", "lang: ja\nrecap_of: no-such-event\n")
    assert problems(tmp_path / "missing", {story: missing}) == [
        f"{story}:7: recap_of: there is no event with slug 'no-such-event' in "
        "content/tottori/events/; write the slug of the event this article reports on "
        "(its URL's last part)"
    ]
    future = text.replace("lang: ja\n", "lang: ja\nrecap_of: london-evening\n")
    assert problems(tmp_path / "future", {story: future}) == [
        f"{story}:7: recap_of: the event 'london-evening' starts on 2026-12-05, after this "
        "article's date (2026-04-01); a recap is written after the event"
    ]
    fine = text.replace("lang: ja\n", "lang: ja\nrecap_of: past-fundraiser\n")
    site = load(tmp_path / "fine", {story: fine})
    assert next(a for a in site.articles if a.slug == "suna-no-oka").meta.recap_of == (
        "past-fundraiser"
    )


def test_support_files_and_rates_are_checked_with_file_and_field(tmp_path):
    support = "content/tottori/support/fy2025.yaml"
    rates = "content/exchange-rates.yaml"
    found = problems(
        tmp_path,
        {
            support: "support:\n  - amount: {amount: 5000, currency: JPY}\n"
            "    purpose: Leaflets\n    source: municipality\n",
            rates: "rates:\n  - {currency: JPY, fiscal_year: 2025, yen: 1, date: 2026-03-31, "
            "source: Test}\n",
            "content/tottori/support/2025.yaml": "support: []\n",
        },
    )
    assert found == [
        f"{rates}:1: rates: JPY needs no rate to yen; remove its entry",
        "content/tottori/support/2025.yaml:1: location: content/<prefecture>/support/ holds "
        "one file per fiscal year, named fy<year>.yaml (fy2026.yaml for April 2026 to March "
        "2027); rename or move this file",
        f"{support}:2: support[0]: support from a municipality names who gave it; add "
        "'name: <who gave it>'",
    ]


def test_event_support_is_checked_like_the_rest_of_the_event(tmp_path):
    text = (SITES / "two_prefectures" / EVENT).read_text(encoding="utf-8")
    bad = text.replace("source: municipality", "source: ministry")
    found = problems(tmp_path, {EVENT: bad})
    assert len(found) == 1
    assert found[0].startswith(f"{EVENT}:13: support[0].source: 'ministry' is not allowed here")
