"""The `furusato` command line: build, check, serve and devserver (the Makefile calls these)."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from datetime import date
from pathlib import Path

from .errors import ContentError, Problem

log = logging.getLogger("furusato")


def report(problems: list[Problem], stream=sys.stderr) -> None:
    """Print problems as `path:line: field: message`, plus Actions annotations in CI."""
    error = ContentError(problems)
    print(error.report(), file=stream)
    if os.environ.get("GITHUB_ACTIONS") == "true":
        for problem in error.problems:
            print(problem.annotation(), file=sys.stdout)


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
    from .build import BuildError, build

    started = time.perf_counter()
    try:
        build(_settings(args))
    except ContentError as exc:
        report(exc.problems)
        return 1
    except BuildError as exc:
        print(f"build failed: {exc}", file=sys.stderr)
        return 2
    where = f" ({args.prefecture} only)" if args.prefecture else ""
    print(f"Built {args.output}/{where} in {time.perf_counter() - started:.2f} s")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from .loader import DocumentCache, Options, load_site

    root = Path(args.root)
    cache = DocumentCache(root / ".furusato-cache" / "documents")
    try:
        site = load_site(Options(root=root, only=args.prefecture), cache)
    except ContentError as exc:
        report(exc.problems)
        return 1
    cache.save()
    print(f"OK: {len(site.prefectures)} profiles, {len(site.articles)} articles, "
          f"{len(site.events)} events, {len(site.pages)} pages; no problems found")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from .serve import serve_forever

    serve_forever(Path(args.output), args.port)
    return 0


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
        p.add_argument("--prefecture", help="build only this prefecture's site, rooted at /")
        p.add_argument("--today", type=date.fromisoformat,
                       help="decide 'upcoming' against this date (YYYY-MM-DD)")
        p.add_argument("--relative-urls", action="store_true", help="(accepted for Pelican "
                       "compatibility; Furusato links are root-relative)")
        p.add_argument("--debug", action="store_true", help="verbose logging")

    p = sub.add_parser("build", help="validate content and build the site")
    site_options(p)
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("check", help="validate profiles, articles and events only")
    p.add_argument("--root", default=".", help="repository root")
    p.add_argument("--prefecture", help="check only this prefecture")
    p.set_defaults(func=cmd_check, debug=False)

    p = sub.add_parser("serve", help="serve output/ on 127.0.0.1")
    p.add_argument("--output", default="output")
    p.add_argument("--port", type=int, default=8000)
    p.set_defaults(func=cmd_serve, debug=False)

    p = sub.add_parser("devserver", help="build, serve and rebuild on change")
    site_options(p)
    p.add_argument("--port", type=int, default=8000)
    p.set_defaults(func=cmd_devserver)

    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.debug else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    return args.func(args)
