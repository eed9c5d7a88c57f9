"""The engine's generators: one that loads the typed Site (and publishes the checked pictures
and the theme's assets), and `SiteGenerator`, the base of every output family's generator.

Pelican runs every generator's `generate_context()` before any `generate_output()`. The Site
is loaded in the first phase and read only in the second, so the output families may be
listed in PLUGINS in any order and still see the whole Site.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import time
import types
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from jinja2 import Environment, FileSystemBytecodeCache, Template, TemplateError
from pelican.generators import Generator

from furusato import cachefiles, contribute
from furusato.entities import Site
from furusato.errors import BuildError, Problem
from furusato.fingerprint import fingerprint
from furusato.reading.loader import DocumentCache, Picture, load
from furusato.reading.repository import cache_folder, options_from
from furusato.sharing import ShareContext
from furusato.urls import DEFAULT_LANG, LANGUAGES, Urls, relativize

from .pictures import PictureCache, published_sizes, render_key
from .writer import SiteWriter

log = logging.getLogger(__name__)

CONTEXT_KEY = "furusato_build"


@dataclass
class Build:
    """One build as the output families see it: the typed Site and how to address it."""

    settings: Mapping[str, Any]
    site: Site
    pictures: list[Picture]
    warnings: tuple[Problem, ...]  # what the load said about content that still publishes
    picture_cache: PictureCache
    picture_sizes: dict[str, int]  # bytes of each published picture file, by path under content/
    urls: Urls  # links inside the site (under SITEURL, or root-relative)
    absolute: Urls  # what is read outside the site (feeds, calendars, sitemap): absolute
    site_key: str  # fingerprint of what every page shows besides its own data
    writer: SiteWriter | None = None  # set when Pelican hands the writer to the generators
    # Each page's editions, by output path: language -> absolute URL (sitemap alternates).
    alternates: dict[str, dict[str, str]] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    started: float = field(default_factory=time.perf_counter)
    # A focused run (the devserver's quick step) makes only the pages of these documents
    # (sources under the repository, as Site items name them); None: the whole site.
    focus: frozenset[str] | None = None
    # The output paths of those pages, filled in as the generators reach them.
    focus_paths: set[str] = field(default_factory=set)
    # The Jinja environments of the editions, shared by the generators whose own environments
    # are alike (see SiteGenerator.environment), so each template is loaded once per process.
    environments: dict[tuple[Any, ...], Environment] = field(default_factory=dict)
    template_names: frozenset[str] | None = None  # every template the theme has


# The Build of each running Pelican run, by id() of its settings (the one object Pelican
# hands to the generators, the writer and the `finalized` signal alike).
_RUNNING: dict[int, Build] = {}
# The documents each focused run is asked to make, by id() of its settings (see `focus`).
_FOCUS: dict[int, frozenset[str]] = {}


def focus(settings: Mapping[str, Any], sources: frozenset[str] | None) -> None:
    """Make the next run using `settings` a focused one, which writes only the pages of the
    documents `sources` (None: an ordinary run of the whole site)."""
    if sources is None:
        _FOCUS.pop(id(settings), None)
    else:
        _FOCUS[id(settings)] = frozenset(sources)


def build_of(context: Mapping[str, Any]) -> Build:
    """Return the Build the engine loaded for this run, or say that the engine is missing."""
    build = context.get(CONTEXT_KEY)
    if not isinstance(build, Build):
        raise BuildError(
            "no site was loaded: the 'furusato_engine' plugin must be listed in PLUGINS "
            "(pelicanconf.py) for the output families to have anything to write"
        )
    return build


def running(settings: Mapping[str, Any]) -> Build | None:
    """Return the Build of the run using `settings`, if it loaded one (no effect)."""
    return _RUNNING.get(id(settings))


def finished(settings: Mapping[str, Any]) -> None:
    """Forget the Build of the run using `settings`."""
    _RUNNING.pop(id(settings), None)


class LoadGenerator(Generator):
    """Reads prefectures/ and content/ into the typed Site; publishes the pictures the load
    accepted and the theme's static files."""

    def generate_context(self) -> None:
        started = time.perf_counter()
        settings = self.settings
        focused = _FOCUS.get(id(settings))
        cache = DocumentCache.for_folder(cache_folder(settings) / "documents")
        loaded = load(options_from(settings), cache, changed=focused)
        if focused is None:  # a focused run leaves the cache file to the full run after it
            cache.save()
        site = loaded.site
        if focused is not None:
            documents = {item.source for item in (*site.articles, *site.events, *site.pages)}
            missing = sorted(focused - documents)
            if missing:
                raise BuildError(
                    f"a focused run makes the pages of published documents only: "
                    f"{', '.join(missing)} is not one"
                )
        pictures = PictureCache(cache_folder(settings) / "pictures")
        # Feeds, calendars and the sitemap are read outside the site: their URLs are absolute,
        # from SITEURL, or in development builds from FURUSATO_DEV_SITEURL.
        base = settings.get("SITEURL") or settings["FURUSATO_DEV_SITEURL"]
        build = Build(
            started=started,
            settings=settings,
            site=site,
            pictures=loaded.pictures,
            warnings=tuple(loaded.warnings),
            picture_cache=pictures,
            picture_sizes=published_sizes(loaded.pictures, pictures),
            urls=Urls(settings.get("SITEURL", ""), site.single),
            absolute=Urls(base, site.single),
            site_key=fingerprint(
                [
                    site.today,
                    site.single,
                    [(p.slug, p.name, p.region, p.tile, p.code) for p in site.prefectures.values()],
                    [(p.slug, p.title) for p in site.pages],
                    site.has_examples,  # the footer's demo-content notice
                    site.tags.told_apart(),  # tag links on every page that shows tags
                    # the "Write for" links carry the article template
                    contribute.template_digest(
                        contribute.read_template(Path(settings["PATH"]).parent)
                    ),
                ]
            ),
        )
        build.focus = focused
        build.timings["load"] = time.perf_counter() - started
        self.context[CONTEXT_KEY] = build
        _RUNNING[id(settings)] = build

    def generate_output(self, writer: SiteWriter) -> None:
        build = build_of(self.context)
        build.writer = writer
        if build.focus is not None:  # a focused run makes document pages only
            return
        # Exactly the pictures the load checked and `make check` accepts: nothing else in
        # images/ (a web page, a link, a script in an SVG) is ever published, and of a photo
        # only its web sizes, never the committed original (with its EXIF and GPS).
        urls = build.urls
        for picture in build.pictures:
            if picture.plan is None:
                writer.copy_file(Path(picture.path), urls.save_as(urls.content_file(picture.rel)))
                continue
            key = render_key(picture)
            paths = {n: urls.save_as(urls.content_file(n)) for n in picture.files()}
            if writer.all_up_to_date(list(paths.values()), key):
                continue
            for name, body in build.picture_cache.files(picture).items():
                writer.write_bytes(paths[name], body, key)
        static = Path(self.theme) / "static"
        for path in sorted(static.rglob("*")):
            if path.is_file():
                writer.copy_file(
                    path, urls.save_as(urls.asset(path.relative_to(static).as_posix()))
                )


class SiteGenerator(Generator):
    """Base of the output families' generators: `write()` them from the typed Site.

    `render()` writes one page in one language, with the Jinja environment of that language
    (its gettext catalog, its date and number formats, its edition's URLs), links to the
    page's other editions (hreflang and the language switch), and fingerprints the page's
    own data together with the site-wide data every page shows (navigation, today's date), so
    the writer can skip unchanged pages.
    """

    # True for a family that writes the pages of articles, events or site pages (through
    # `render_document`): only those families run in a focused run, which makes nothing else.
    renders_documents: ClassVar[bool] = False

    def generate_context(self) -> None:
        """Do nothing: the Site may not be loaded yet (see the module's docstring)."""

    def generate_output(self, writer: SiteWriter) -> None:
        build = build_of(self.context)
        if build.focus is not None and not self.renders_documents:
            return
        self.build = build
        self.site: Site = build.site
        self.urls: Urls = build.urls
        self.absolute: Urls = build.absolute
        self.site_key = build.site_key
        self._environments: dict[str, Environment] = {}
        self._queued_templates: dict[str, set[str]] = {}
        self.prepare()
        self.write(writer)
        self.load_templates()

    def prepare(self) -> None:
        """Compute what the generator needs from self.site (override)."""

    def write(self, writer: SiteWriter) -> None:
        """Write this family's files (override)."""
        raise NotImplementedError

    @property
    def focused(self) -> bool:
        """Say whether this is a focused run, which makes only some documents' own pages (a
        family can then skip its lists before working out what they show)."""
        return self.build.focus is not None

    def urls_for(self, lang: str) -> Urls:
        """Return the URLs of the edition in `lang`."""
        return self.urls.edition(lang)

    def editions(self, url_of: Callable[[Urls], str]) -> dict[str, str]:
        """Return the URL of one page in every edition: {"en": ..., "ja": ...}."""
        return {lang: url_of(self.urls_for(lang)) for lang in LANGUAGES}

    def render_document(
        self,
        writer: SiteWriter,
        item: Any,
        url_of: Callable[[Any], str],
        template: str,
        list_of: Callable[[Urls], str],
        **data: Any,
    ) -> None:
        """Render an article, event or site page: one page, in the language it is written in,
        linked to its translation, whose language switch otherwise leads to `list_of` in the
        other edition. The template gets the item's `translation` (or None).

        A focused run skips, before any other work, every item it is not focused on."""
        focused = self.build.focus
        if focused is not None:
            if item.source not in focused:
                return
            self.build.focus_paths.add(self.urls.save_as(url_of(item)))
        translation = self.site.counterpart(item)
        alternates = {item.lang: url_of(item)}
        if translation is not None:
            alternates[translation.lang] = url_of(translation)
        self.render(
            writer,
            url_of(item),
            template,
            lang=item.lang,
            alternates=alternates,
            elsewhere=self.editions(list_of),
            translation=translation,
            **data,
        )

    def register_editions(self, alternates: Mapping[str, str]) -> None:
        """Record that the pages in `alternates` are one page's editions (for the sitemap)."""
        absolute = {
            lang: self.absolute.national(self.urls.save_as(url).removesuffix("index.html"))
            for lang, url in alternates.items()
        }
        for url in alternates.values():
            self.build.alternates[self.urls.save_as(url)] = absolute

    def environment(self, lang: str) -> Environment:
        """Return the Jinja environment of the edition in `lang`.

        Generators whose own environments hold the same globals (every one made by Pelican
        from the same settings, unless `prepare()` added some) share one per language and
        build: a template is then compiled or loaded once per process, not once per family.
        """
        env = self._environments.get(lang)
        if env is None:
            key = (lang, self.theme, tuple(sorted((k, id(v)) for k, v in self.env.globals.items())))
            env = self.build.environments.get(key)
            if env is None:
                options = self.settings["JINJA_ENVIRONMENT"]
                env = edition_environment(self.env, lang, self.urls, options)
                # The Site for macros imported without context too (tag links in every list).
                env.globals["site"] = self.site
                self.build.environments[key] = env
            self._environments[lang] = env
        return env

    def will_render(self, template: str, lang: str) -> None:
        """Say that a queued job renders `template` in `lang` (render() says it itself), so
        that the template is loaded before the pages are made (see load_templates)."""
        self._queued_templates.setdefault(lang, set()).add(template)

    def load_templates(self) -> None:
        """Load the templates of the queued pages, and every template they extend, include or
        import, now: pages are made in processes forked after every generator has queued its
        jobs, which would otherwise each compile (or read from the compiled-template cache)
        the same templates again. Only templates that some queued page uses are loaded.
        """
        if not self._queued_templates:
            return
        extensions = self.settings["TEMPLATE_EXTENSIONS"]
        if self.build.template_names is None:  # the same loader in every generator
            self.build.template_names = frozenset(self.env.list_templates())
        names = self.build.template_names
        for lang, templates in sorted(self._queued_templates.items()):
            env = self.environment(lang)
            for template in sorted(templates):
                # A template that cannot be loaded fails the page's job, as it would have.
                with contextlib.suppress(TemplateError):
                    chosen = env.select_template([template + e for e in extensions])
                    load_with_references(env, chosen, names)
        self._queued_templates.clear()

    def render(
        self,
        writer: SiteWriter,
        url: str,
        template: str,
        *,
        lang: str = DEFAULT_LANG,
        alternates: Mapping[str, str] | None = None,
        elsewhere: Mapping[str, str] | None = None,
        **data: Any,
    ) -> None:
        """Render `template` in `lang` to the file serving `url`, unless unchanged.

        `alternates` maps each language to this page's URL in that language (itself
        included); `elsewhere` maps a language without an alternate to the page its language
        switch leads to instead (the list the item belongs to), so no switch is a 404.
        """
        path = self.urls.save_as(url)
        if self.build.focus is not None and path not in self.build.focus_paths:
            return  # a focused run: not one of its pages (and no render key to compute)
        alternates = dict(alternates or {lang: url})
        self.register_editions(alternates)
        switch = {
            other: alternates.get(other) or (elsewhere or {}).get(other)
            for other in LANGUAGES
            if other != lang
        }
        extra = {"lang": lang, "alternates": alternates, "switch": switch}
        key = f"{template}|{url}|{self.site_key}|{fingerprint(data)}|{fingerprint(extra)}"
        if writer.up_to_date(path, key):
            return
        self.will_render(template, lang)
        writer.produce(
            [path], key, functools.partial(self.page_file, path, url, template, {**data, **extra})
        )

    def share_context(self, lang: str) -> ShareContext:
        """Return what the sharing tags of every page in `lang` share (absolute URLs)."""
        return ShareContext(
            urls=self.absolute.edition(lang),
            sitename=self.settings.get("SITENAME", "Furusato"),
            publisher=self.settings.get("FURUSATO_PUBLISHER"),
            site=self.site,
        )

    def page_file(
        self, path: str, url: str, template: str, data: dict[str, Any]
    ) -> dict[str, bytes]:
        """Return {path: the page serving `url`} (a job for `SiteWriter.produce`)."""
        return {path: self.page(url, template, data)}

    def page(self, url: str, template: str, data: dict[str, Any]) -> bytes:
        """Return the bytes of the page serving `url`, rendered from `template` and `data`."""
        env = self.environment(data.get("lang", DEFAULT_LANG))
        names = [template + ext for ext in self.settings["TEMPLATE_EXTENSIONS"]]
        share = self.share_context(data.get("lang", DEFAULT_LANG))
        page_data = {**data, "site": self.site, "page_url": url, "share": share}
        html = env.select_template(names).render(page_data)
        if self.settings.get("RELATIVE_URLS"):
            html = relativize(html, self.urls.save_as(url))
        return html.encode("utf-8")


def edition_environment(
    base: Environment, lang: str, urls: Urls, options: Mapping[str, Any]
) -> Environment:
    """Return a Jinja environment like `base` for one language: its gettext catalog, its date
    and number formats and its edition's URLs.

    A new environment rather than an overlay: overlays share their parent's i18n callables, so
    each edition would not keep its own catalog. The compiled-template cache is shared.
    """
    from markupsafe import escape

    from furusato.catalog import gettext, translations
    from furusato.phrases import break_phrases
    from furusato.wording import filters

    env = Environment(loader=base.loader, **options)
    env.filters.update(base.filters)
    env.filters.update(filters(lang))
    # Japanese headings break between phrases (<wbr>), not inside words; English as it is.
    env.filters["phrases"] = break_phrases if lang == "ja" else escape
    env.tests.update(base.tests)
    env.globals.update(base.globals)
    env.globals.update(lang=lang, urls=urls.edition(lang))
    if base.globals.get("SITESUBTITLE"):  # the settings' subtitle is in the catalog too
        env.globals["SITESUBTITLE"] = gettext(lang, base.globals["SITESUBTITLE"])
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    return env


def load_with_references(env: Environment, template: Template, names: frozenset[str]) -> None:
    """Load every template of `names` that `template` extends, includes or imports by a
    constant name, and theirs in turn, into `env`'s cache. A name computed while rendering is
    loaded then, as before."""
    seen = {template.name}
    todo = [template]
    while todo:
        for name in sorted(_constants(todo.pop()) & names - seen):
            seen.add(name)
            todo.append(env.get_template(name))


def _constants(template: Template) -> set[str]:
    """Return the strings in a compiled template's code: among them, the names of the
    templates it extends, includes and imports (Jinja compiles them to get_template calls)."""
    codes = [template.root_render_func.__code__]
    codes += [block.__code__ for block in template.blocks.values()]
    found: set[str] = set()
    while codes:
        for constant in codes.pop().co_consts:
            if isinstance(constant, str):
                found.add(constant)
            elif isinstance(constant, types.CodeType):
                codes.append(constant)
    return found


@functools.cache
def bytecode_cache(root: str) -> FileSystemBytecodeCache | None:
    """Return the compiled-template cache: compiling the theme costs more than a small rebuild.

    Compiled templates are code (Jinja unmarshals them), so they are kept only in the user's
    own cache folder, one folder per repository, never under the repository where a pull
    request could plant one. Entries are checked against each template's source, so an
    edited template is compiled again; one instance per repository serves every generator
    and every devserver rebuild.
    """
    key = hashlib.sha1(root.encode(), usedforsecurity=False).hexdigest()[:16]
    folder = cachefiles.private_folder("templates", key)
    return FileSystemBytecodeCache(str(folder)) if folder is not None else None


def template_settings(settings: MutableMapping[str, Any], globals_: Mapping[str, Any]) -> None:
    """Give every generator's Jinja environment the theme's filters, globals and the compiled
    template cache, through Pelican's own JINJA_* settings."""
    from furusato.wording import FILTERS

    environment = dict(settings.get("JINJA_ENVIRONMENT") or {})
    environment["bytecode_cache"] = bytecode_cache(str(Path(settings["PATH"]).parent.resolve()))
    settings["JINJA_ENVIRONMENT"] = environment
    settings["JINJA_FILTERS"] = {**FILTERS, **(settings.get("JINJA_FILTERS") or {})}
    settings["JINJA_GLOBALS"] = {**globals_, **(settings.get("JINJA_GLOBALS") or {})}
