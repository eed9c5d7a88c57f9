"""The `furusato` command line that the Makefile calls: build, check, new, codeowners,
cms-config, serve, digest."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from datetime import date
from pathlib import Path

from ..errors import ContentError, Problem

log = logging.getLogger("furusato")


def report(problems: list[Problem], stream=None) -> None:
    """Print problems as `path:line: field: message`, plus Actions annotations in CI."""
    error = ContentError(problems)
    print(error.report(), file=stream or sys.stderr)
    if os.environ.get("GITHUB_ACTIONS") == "true":
        for problem in error.problems:
            print(problem.annotation(), file=sys.stdout)


def warn(warnings: list[Problem], stream=None) -> None:
    """Print warnings (they do not stop publishing), plus Actions annotations in CI."""
    for warning in warnings:
        print(f"warning: {warning.format()}", file=stream or sys.stderr)
    if os.environ.get("GITHUB_ACTIONS") == "true":
        for warning in warnings:
            print(warning.annotation("warning"), file=sys.stdout)


def notice(title: str, message: str) -> None:
    """Print a GitHub Actions notice (shown on the run's summary), only in Actions."""
    if os.environ.get("GITHUB_ACTIONS") == "true":
        print(f"::notice title={title}::{message}", file=sys.stdout)


def _prefecture(value: str) -> str:
    """Accept PREFECTURE= / --prefecture only as a slug (said as the command line's, not as
    the settings file's mistake)."""
    from ..settings import BY_NAME

    reason = BY_NAME["FURUSATO_PREFECTURE"].check(value)
    if reason:
        raise argparse.ArgumentTypeError(f"{value!r} {reason}")
    return value


def _settings(args: argparse.Namespace, **extra):
    from .build import load_settings

    return load_settings(
        args.settings,
        OUTPUT_PATH=str(Path(args.output).resolve()),
        FURUSATO_PREFECTURE=args.prefecture,
        FURUSATO_TODAY=args.today,
        RELATIVE_URLS=True if args.relative_urls else None,
        **extra,
    )


def cmd_build(args: argparse.Namespace) -> int:
    from ..errors import BuildError
    from .build import build
    from .serve import dev_siteurl

    started = time.perf_counter()
    extra = {"FURUSATO_DEV_SITEURL": dev_siteurl(args.port)} if args.port else {}
    try:
        settings = _settings(args, **extra)
    except Exception as exc:  # a settings file is Python: anything can go wrong in it
        print(f"cannot read the settings file {args.settings}: {exc}", file=sys.stderr)
        return 2
    try:
        result = build(settings)
    except ContentError as exc:
        report(exc.problems)
        return 1
    except BuildError as exc:
        print(f"build failed: {exc}", file=sys.stderr)
        return 2
    warn(list(result.warnings))
    where = f" ({args.prefecture} only)" if args.prefecture else ""
    seconds = time.perf_counter() - started
    print(f"Built {args.output}/{where} in {seconds:.2f} s")
    if args.debug:
        print("Stages: " + ", ".join(f"{k} {v:.2f} s" for k, v in result.timings.items()))
    notice("Build time", f"built {args.output}/{where} in {seconds:.1f} s")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    from .. import cachefiles
    from .. import settings as declared
    from ..reading.loader import DocumentCache, load
    from ..reading.repository import cache_folder, options_from
    from .build import load_settings

    # The build's settings file, so that check judges with the same time zone, today and
    # cache folder; a relative cache folder is taken from the repository root.
    settings_file = Path(args.settings)
    if not settings_file.is_file():
        print(
            f"the settings file {args.settings} does not exist; run `make check` in the "
            "folder that holds it, or give --settings <file>",
            file=sys.stderr,
        )
        return 2
    try:
        settings = load_settings(settings_file)
    except Exception as exc:  # a settings file is Python: anything can go wrong in it
        print(f"cannot read the settings file {args.settings}: {exc}", file=sys.stderr)
        return 2
    root = Path(args.root)
    settings = declared.with_defaults({**settings, "PATH": str((root / "content").resolve())})
    if args.prefecture:
        settings["FURUSATO_PREFECTURE"] = args.prefecture
    wrong = declared.problems(settings, settings_file.name)
    if wrong:
        print("\n".join(wrong), file=sys.stderr)
        return 2
    declared.pin_time_zones()
    options = options_from(settings)
    cache_path = cache_folder(settings)
    try:
        cachefiles.refuse_tracked(root, cache_path)
        cache = DocumentCache.for_folder(cache_path / "documents")
        loaded = load(options, cache)
    except ContentError as exc:
        report(exc.problems)
        return 1
    cache.save()
    warn(loaded.warnings)
    site = loaded.site
    print(
        f"OK: {len(site.prefectures)} profiles, {len(site.articles)} articles, "
        f"{len(site.events)} events, {len(site.pages)} pages; no problems found"
    )
    documents = len(site.articles) + len(site.events) + len(site.pages)
    notice(
        "Check time",
        f"checked {documents} documents in {time.perf_counter() - started:.1f} s "
        f"({cache.hits} read from the content cache)",
    )
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    from .scaffold import Request, ScaffoldError, create, left_to_write

    values = {k: (v.strip() if isinstance(v, str) else v) or None for k, v in vars(args).items()}
    missing = [name.upper() for name in ("prefecture", "author", "title") if not values[name]]
    if missing:
        print(
            f"missing {', '.join(missing)}; for example: make {args.kind} PREFECTURE=tottori "
            'AUTHOR=amy-chen TITLE="Sand dunes in winter"',
            file=sys.stderr,
        )
        return 2
    try:
        day = date.fromisoformat(values["date"]) if values["date"] else None
    except ValueError:
        print(f"DATE={values['date']!r} is not a date; write it as YYYY-MM-DD", file=sys.stderr)
        return 2
    request = Request(
        kind=args.kind,
        prefecture=values["prefecture"],
        author=values["author"],
        title=values["title"],
        slug=values["slug"],
        day=day,
        article_kind=values["article_kind"],
        timezone=values["timezone"],
    )
    root = Path(args.root)
    try:
        path = create(root, request, today=date.today())
    except ScaffoldError as exc:
        print(f"cannot create the {args.kind}: {exc}", file=sys.stderr)
        return 1
    rel = path.relative_to(root).as_posix()
    todo = ", ".join(left_to_write(path, root, args.kind))
    print(
        f"Created {rel}\nOpen it in a text editor and replace the template's sample text "
        f"({todo}) with your own, then run `make check` and `make serve` to see it."
    )
    return 0


def cmd_codeowners(args: argparse.Namespace) -> int:
    from ..reading.loader import Options, load_profiles
    from . import codeowners

    root = Path(args.root)
    try:
        text = codeowners.generate(load_profiles(Options(root=root)).values())
    except ContentError as exc:
        report(exc.problems)
        return 1
    path = root / codeowners.PATH
    current = path.read_text(encoding="utf-8") if path.exists() else None
    if args.check:
        if current != text:
            message = codeowners.stale_message(current, text)
            print(message, file=sys.stderr)
            if os.environ.get("GITHUB_ACTIONS") == "true":
                print(codeowners.annotation(message), file=sys.stdout)
            return 1
        print(f"{codeowners.PATH.as_posix()} is up to date")
        return 0
    _write_generated(path, current, text, codeowners.PATH.as_posix())
    return 0


def _write_generated(path: Path, current: str | None, text: str, name: str) -> None:
    """Write a generated file (CODEOWNERS, the editor's config) only when it changed."""
    if current == text:
        print(f"{name} is already up to date")
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(f"Wrote {name}")


def cmd_cms_config(args: argparse.Namespace) -> int:
    from .. import cms
    from .. import settings as declared
    from ..reading.loader import Options, load_profiles
    from . import cms_config
    from .build import load_settings

    root = Path(args.root)
    try:
        settings = declared.with_defaults(load_settings(Path(args.settings)))
    except Exception as exc:  # a settings file is Python: anything can go wrong in it
        print(f"cannot read the settings file {args.settings}: {exc}", file=sys.stderr)
        return 2
    try:
        text = cms_config.text(load_profiles(Options(root=root)).values(), settings)
    except ContentError as exc:
        report(exc.problems)
        return 1
    path = root / cms.CONFIG_PATH
    current = path.read_text(encoding="utf-8") if path.exists() else None
    if args.check:
        if current != text:
            print(
                f"{cms.CONFIG_PATH} does not match the schemas and prefectures/*.yaml; "
                "run `make cms-config` and commit the result",
                file=sys.stderr,
            )
            return 1
        print(f"{cms.CONFIG_PATH} is up to date")
        return 0
    _write_generated(path, current, text, str(cms.CONFIG_PATH))
    if settings.get("FURUSATO_REPOSITORY") is None:
        print(
            f"note: FURUSATO_REPOSITORY is not set in {args.settings}, so the editor has no "
            "repository to save to; set it (https://github.com/<owner>/<name>) to use /admin/"
        )
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from .serve import serve_forever

    serve_forever(Path(args.output), args.port)
    return 0


def _digest_settings(args: argparse.Namespace):
    """Return the settings of `furusato digest` (whose --prefecture names a digest; --site
    names the prefecture a one-prefecture site is built for)."""
    from .build import load_settings

    return load_settings(
        args.settings,
        OUTPUT_PATH=str(Path(args.output).resolve()),
        FURUSATO_PREFECTURE=args.single,
    )


def cmd_devserver(args: argparse.Namespace) -> int:
    from .serve import devserver

    return devserver(args, _settings, report)


def main(argv: list[str] | None = None) -> int:
    """Run the command line."""
    parser = argparse.ArgumentParser(prog="furusato", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    def site_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--settings", default="pelicanconf.py", help="Pelican settings file")
        p.add_argument("--output", default="output", help="output directory")
        p.add_argument(
            "--prefecture", type=_prefecture, help="build only this prefecture's site, rooted at /"
        )
        p.add_argument(
            "--today",
            type=date.fromisoformat,
            help="decide 'upcoming' against this date (YYYY-MM-DD)",
        )
        p.add_argument(
            "--relative-urls",
            action="store_true",
            help="link pages relative to each other, naming index.html, so the site "
            "browses from a folder on disk (file://), as a downloaded preview is opened",
        )
        p.add_argument("--debug", action="store_true", help="verbose logging")

    p = sub.add_parser("build", help="validate content and build the site")
    site_options(p)
    p.add_argument(
        "--port",
        type=int,
        help="the port `furusato serve` will use: without SITEURL, feeds, calendars and the "
        "sitemap link to http://127.0.0.1:PORT",
    )
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("check", help="validate profiles, articles and events only")
    p.add_argument("--root", default=".", help="repository root")
    p.add_argument("--settings", default="pelicanconf.py", help="Pelican settings file")
    p.add_argument("--prefecture", type=_prefecture, help="check only this prefecture")
    p.set_defaults(func=cmd_check, debug=False)

    p = sub.add_parser("new", help="write a new article or event file from the template")
    p.add_argument("kind", choices=["article", "event"])
    p.add_argument("--prefecture", help="prefecture slug, the file name in prefectures/")
    p.add_argument("--author", help="your ambassador id in that prefecture's profile")
    p.add_argument("--title", help="the title (Japanese titles get a romaji slug)")
    p.add_argument("--slug", help="the page address, if not made from the title")
    p.add_argument("--date", help="YYYY-MM-DD: the article's date or the event's day")
    p.add_argument("--kind", dest="article_kind", help="story, guide, news or proposal")
    p.add_argument("--timezone", help="the event's IANA time zone, such as Europe/London")
    p.add_argument("--root", default=".", help="repository root")
    p.set_defaults(func=cmd_new, debug=False)

    p = sub.add_parser("codeowners", help="write .github/CODEOWNERS from the coordinators")
    p.add_argument("--check", action="store_true", help="only say whether it is up to date")
    p.add_argument("--root", default=".", help="repository root")
    p.set_defaults(func=cmd_codeowners, debug=False)

    p = sub.add_parser("cms-config", help="write the web editor's configuration")
    p.add_argument("--check", action="store_true", help="only say whether it is up to date")
    p.add_argument("--root", default=".", help="repository root")
    p.add_argument("--settings", default="pelicanconf.py", help="Pelican settings file")
    p.set_defaults(func=cmd_cms_config, debug=False)

    p = sub.add_parser("serve", help="serve output/ on 127.0.0.1")
    p.add_argument("--output", default="output")
    p.add_argument("--port", type=int, default=8000)
    p.set_defaults(func=cmd_serve, debug=False)

    p = sub.add_parser("devserver", help="build, serve and rebuild on change")
    site_options(p)
    p.add_argument("--port", type=int, default=8000)
    p.set_defaults(func=cmd_devserver)

    from .digest import add_parser as add_digest

    add_digest(sub, _digest_settings)

    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.debug else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    return args.func(args)
