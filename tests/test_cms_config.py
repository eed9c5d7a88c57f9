"""The web editor's configuration: generated from the schemas and profiles, current, valid
by the editor's own JSON schema; and the /admin/ page a site without a repository gets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import get_args

import jsonschema
import pytest
import yaml

from furusato import cms, csp, schemas
from furusato.commands import cms_config
from furusato.commands.build import load_settings
from furusato.reading.loader import Options, load_profiles
from furusato.settings import with_defaults
from tests.sitebuild import REPO, SITES, build_site, page

EDITOR_SCHEMA = REPO / "node_modules" / "@sveltia" / "cms" / "schema" / "sveltia-cms.json"


@pytest.fixture(scope="module")
def profiles():
    return list(load_profiles(Options(root=REPO)).values())


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft7Validator:
    if not EDITOR_SCHEMA.is_file():
        pytest.fail(f"{EDITOR_SCHEMA} is missing; run `npm ci --ignore-scripts`")
    return jsonschema.Draft7Validator(json.loads(EDITOR_SCHEMA.read_text(encoding="utf-8")))


def collection(config: dict, name: str) -> dict:
    return next(c for c in config["collections"] if c["name"] == name)


def by_name(fields: list[dict]) -> dict[str, dict]:
    return {f["name"]: f for f in fields}


def test_the_committed_config_is_current(profiles) -> None:
    settings = with_defaults(load_settings(REPO / "pelicanconf.py"))
    committed = (REPO / cms.CONFIG_PATH).read_text(encoding="utf-8")
    assert committed == cms_config.text(profiles, settings), (
        f"{cms.CONFIG_PATH} is stale: run `make cms-config` and commit it"
    )


def test_a_changed_profile_makes_the_committed_config_stale(profiles) -> None:
    settings = with_defaults(load_settings(REPO / "pelicanconf.py"))
    fewer = [p for p in profiles if p.slug != "tottori"]
    assert cms_config.text(fewer, settings) != (REPO / cms.CONFIG_PATH).read_text("utf-8")


@pytest.mark.parametrize(
    "repository",
    [
        "https://github.com/example/furusato",
        "https://gitlab.com/example/furusato",
        "https://codeberg.org/example/furusato",
        None,
    ],
)
def test_the_config_is_valid_by_the_editor_s_json_schema(profiles, validator, repository) -> None:
    for test_backend in (False, True):
        config = cms.generate(profiles, repository, "main", test_backend=test_backend)
        if repository is None and not test_backend:
            config = {**config, "backend": {"name": "test-repo"}}  # the one part left out
        errors = [f"{list(e.path)}: {e.message}" for e in validator.iter_errors(config)]
        assert errors == []
        assert yaml.safe_load(cms.dump(config)) == config


def test_the_json_schema_check_catches_a_wrong_field(profiles, validator) -> None:
    config = cms.generate(profiles, "https://github.com/example/furusato", "main")
    config["collections"][0]["fields"][0]["required"] = "yes"
    assert list(validator.iter_errors(config))


def test_github_gets_fork_and_pull_request_mode_on_the_configured_branch(profiles) -> None:
    config = cms.generate(profiles, "https://github.com/example/furusato", "trunk")
    assert config["backend"] == {
        "name": "github",
        "repo": "example/furusato",
        "branch": "trunk",
        "open_authoring": True,
        "auth_scope": "public_repo",
    }
    assert config["publish_mode"] == "editorial_workflow"
    assert "backend" not in cms.generate(profiles, None, "main")
    assert cms.generate(profiles, None, "main", test_backend=True)["backend"] == {
        "name": "test-repo"
    }


def test_collections_per_prefecture_with_its_ambassadors_and_folders(profiles) -> None:
    config = cms.generate(profiles, None, "main")
    writing = sorted((p for p in profiles if p.ambassadors), key=lambda p: p.code)
    names = [c["name"] for c in config["collections"]]
    expected = [f"{kind}-{p.slug}" for p in writing for kind in ("articles", "events")]
    assert names == [*expected, "pages"]
    tottori = next(p for p in profiles if p.slug == "tottori")
    articles = collection(config, "articles-tottori")
    events = collection(config, "events-tottori")
    assert articles["folder"] == "content/tottori/articles"
    assert events["folder"] == "content/tottori/events"
    assert articles["media_folder"] == "/content/tottori/images"
    assert articles["public_folder"] == "../images"
    assert by_name(articles["fields"])["image"]["public_folder"] == "images"
    ids = sorted(a.id for a in tottori.ambassadors)
    for kind, key in ((articles, "author"), (events, "organizer")):
        options = by_name(kind["fields"])[key]["options"]
        assert [o["value"] for o in options] == ids


def test_fields_follow_the_schemas(profiles) -> None:
    config = cms.generate(profiles, None, "main")
    for name, model in (
        ("articles-tottori", schemas.ArticleSchema),
        ("events-tottori", schemas.EventSchema),
        ("pages", schemas.PageSchema),
    ):
        fields = by_name(collection(config, name)["fields"])
        offered = [n for n in model.model_fields if n not in cms.SKIPPED]
        assert list(fields)[: len(offered)] == offered
        assert fields["body"]["widget"] == "markdown"
        for key in offered:
            info = model.model_fields[key]
            assert fields[key].get("required", True) == info.is_required(), (name, key)
            assert fields[key]["hint"] == info.description and " / " in info.description
            assert fields[key]["label"] == info.title
    articles = by_name(collection(config, "articles-tottori")["fields"])
    events = by_name(collection(config, "events-tottori")["fields"])

    def values(spec: dict) -> tuple[str, ...]:
        return tuple(o["value"] for o in spec["options"])

    assert values(articles["kind"]) == get_args(schemas.ArticleKind)
    assert values(articles["lang"]) == get_args(schemas.Language)
    assert values(articles["status"]) == get_args(schemas.ProposalStatus)
    assert articles["kind"]["default"] == "story"
    assert articles["date"] | {} == articles["date"] and articles["date"]["widget"] == "datetime"
    assert articles["date"]["time_format"] is False
    assert events["start"]["format"] == "YYYY-MM-DD HH:mm"
    assert articles["tags"] == {**articles["tags"], "widget": "list", "max": schemas.MAX_TAGS}
    assert events["attendance"]["max"] == schemas.MAX_ATTENDANCE
    assert events["registration_url"]["pattern"] == cms.URL_PATTERN
    venue = by_name(events["venue"]["fields"])
    assert events["venue"]["widget"] == "object"
    assert venue["city"].get("required", True) is True
    assert venue["address"]["required"] is False
    money = by_name(events["funds_raised"]["fields"])
    assert money["currency"]["pattern"][0] == "^[A-Z]{3}$"


def test_the_pinned_editor_is_the_one_installed() -> None:
    package = json.loads((REPO / "package.json").read_text(encoding="utf-8"))
    assert package["dependencies"]["@sveltia/cms"] == cms.EDITOR_VERSION
    installed = REPO / "node_modules" / "@sveltia" / "cms" / "package.json"
    assert json.loads(installed.read_text(encoding="utf-8"))["version"] == cms.EDITOR_VERSION


def test_without_a_repository_the_admin_page_says_what_to_set(tmp_path: Path) -> None:
    out = build_site(SITES / "two_prefectures", tmp_path / "output")
    admin = page(out, "/admin/")
    text = " ".join(admin.xpath("string(//main)").split())
    assert "set FURUSATO_REPOSITORY" in text
    assert admin.xpath("//script") == []
    assert admin.xpath("//link[@rel='cms-config-url']") == []
    # Without the editor, the page runs nothing and keeps the site's policy.
    policy = admin.xpath("string(//meta[@http-equiv='Content-Security-Policy']/@content)")
    assert policy == csp.meta(csp.POLICY)
    assert not (out / "admin" / "config.yml").exists()
    assert not (out / "admin" / "sveltia-cms.js").exists()
    japanese = admin.xpath("//p[@lang='ja']/text()")
    assert japanese and all(any("\u3040" <= c <= "\u30ff" for c in t) for t in japanese)


def test_with_a_repository_the_admin_folder_has_the_editor(tmp_path: Path) -> None:
    out = build_site(
        SITES / "two_prefectures",
        tmp_path / "output",
        FURUSATO_REPOSITORY="https://github.com/example/furusato",
        FURUSATO_BRANCH="trunk",
    )
    config = yaml.safe_load((out / "admin" / "config.yml").read_text(encoding="utf-8"))
    assert config["backend"]["repo"] == "example/furusato"
    assert config["backend"]["branch"] == "trunk"
    bundle = REPO / "node_modules" / "@sveltia" / "cms" / "dist" / "sveltia-cms.js"
    assert (out / "admin" / "sveltia-cms.js").read_bytes() == bundle.read_bytes()
    for name in ("locales/ja.json", "locales/en-US.json", "fonts/noto-mono.woff2",
                 "fonts/source-sans-3.woff2", "fonts/material-symbols-outlined.woff2",
                 "furusato-admin.js", "LICENSE.txt"):  # fmt: skip
        assert (out / "admin" / name).is_file(), name
    assert page(out, "/admin/").xpath("//script/@src") == [
        "/admin/furusato-admin.js",
        "/admin/sveltia-cms.js",
    ]
