"""`furusato digest show|build|send`: find (building when needed) one month's digest files, and
send one month's digest to a subscriber list kept outside the repository.

A build writes the email files only for the latest FURUSATO_DIGEST_EMAIL_MONTHS months; for an
older month these commands build with that window widened to reach it, so its files are the
bytes any build with a window that wide (or 0, every month) writes.

Exit codes: 0 done; 1 the content or the subscriber list is the problem (no issue that month,
bad rows); 2 a command-line or configuration problem (bad slug or month, SMTP settings, a
file inside the repository); 3 the mail server stopped part-way (run the same command again
to go on: nobody is mailed twice).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from ..errors import BuildError, ContentError
from ..urls import DIGEST_FILES, LANGUAGES, Urls

NATIONAL = "national"  # --prefecture national: the digest of every prefecture


def _month(value: str) -> str:
    try:
        parsed = datetime.strptime(value.strip(), "%Y-%m")
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a month; write it as YYYY-MM, such as 2026-11"
        ) from None
    return f"{parsed.year:04d}-{parsed.month:02d}"


def _rate(value: str) -> float:
    text = value.strip().lower().removesuffix("/min")
    try:
        rate = float(text)
    except ValueError:
        rate = 0
    if rate <= 0:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a rate; write messages per minute, such as 30/min"
        )
    return rate


def _today(settings: dict[str, Any]) -> date:
    today = settings.get("FURUSATO_TODAY")
    if isinstance(today, str):
        return date.fromisoformat(today)
    if isinstance(today, date):
        return today
    return datetime.now(ZoneInfo(settings.get("TIMEZONE") or "Asia/Tokyo")).date()


class Located:
    """Where one month's digest files are in the output folder, per edition."""

    def __init__(self, output: Path, prefecture: str | None, month: str, single: str | None):
        self.output = output
        self.files: dict[str, dict[str, Path]] = {}
        for lang in LANGUAGES:
            urls = Urls("", single, lang)
            page = urls.save_as(urls.digest_issue(prefecture, month))
            self.files[lang] = {"page": output / page} | {
                kind: output / urls.save_as(urls.digest_file(prefecture, month, kind))
                for kind in DIGEST_FILES
            }
        urls = Urls("", single)
        self.archive = output / urls.save_as(urls.digest(prefecture))
        self.feeds = {
            lang: output
            / Urls("", single, lang).save_as(Urls("", single, lang).digest_feed(prefecture))
            for lang in LANGUAGES
        }

    def complete(self) -> bool:
        return all(path.is_file() for files in self.files.values() for path in files.values())


def email_window(settings: dict[str, Any], month: str) -> int:
    """Return the FURUSATO_DIGEST_EMAIL_MONTHS a build needs for `month`'s email files: the
    settings' own when it reaches the month, else the months from it to today's, inclusive
    (the rule of plugins/digest/issues.py, `email_kept`)."""
    from ..settings import BY_NAME

    name = "FURUSATO_DIGEST_EMAIL_MONTHS"
    window = settings.get(name, BY_NAME[name].default)
    today = _today(settings)
    year, number = (int(part) for part in month.split("-"))
    needed = (today.year * 12 + today.month) - (year * 12 + number) + 1
    return window if window == 0 or window >= needed else needed


def _check_target(args: argparse.Namespace, settings: dict[str, Any]) -> str | None:
    """Return the digest's prefecture slug (None: national), or raise SendError."""
    from . import sending  # smtplib, ssl, mailbox: only the digest commands need them

    root = Path(settings["PATH"]).parent
    single = settings.get("FURUSATO_PREFECTURE")
    slug = None if args.prefecture in (None, NATIONAL) else args.prefecture
    if slug is not None and not (root / "prefectures" / f"{slug}.yaml").is_file():
        known = sorted(p.stem for p in (root / "prefectures").glob("*.yaml"))
        hint = f" (such as {', '.join(known[:3])})" if known else ""
        raise sending.SendError(
            f"{slug!r} is not a prefecture: there is no prefectures/{slug}.yaml; give the "
            f"prefecture's slug{hint}, or 'national' for the digest of every prefecture"
        )
    if slug is None and single:
        raise sending.SendError(
            f"this site is built for {single} alone, which has no national digest; give "
            f"--prefecture {single}"
        )
    if single and slug != single:
        raise sending.SendError(
            f"this site is built for {single} alone; give --prefecture {single}"
        )
    today = _today(settings)
    if args.month > f"{today:%Y-%m}":
        raise sending.SendError(
            f"{args.month} has not begun yet (today is {today:%Y-%m-%d}); the latest "
            f"digest is the one of {today:%Y-%m}"
        )
    return slug


def _locate(args: argparse.Namespace, settings_of, *, rebuild: bool) -> tuple[Located, str | None]:
    """Build when asked (or when files are missing) and return where the month's files are."""
    from . import sending
    from .build import build

    settings = settings_of(args)
    slug = _check_target(args, settings)
    settings["FURUSATO_DIGEST_EMAIL_MONTHS"] = email_window(settings, args.month)
    single = settings.get("FURUSATO_PREFECTURE")
    located = Located(Path(settings["OUTPUT_PATH"]), slug, args.month, single)
    if rebuild or not located.complete():
        try:
            build(settings)
        except ContentError as exc:
            raise sending.SendError(
                "the site cannot be built; run `make check` to see what to fix:\n" + exc.report(), 1
            ) from None
        except BuildError as exc:
            raise sending.SendError(f"build failed: {exc}") from None
    if not located.complete():
        where = slug or "all prefectures"
        raise sending.SendError(
            f"there is no digest of {where} for {args.month}: nothing new was published or "
            f"held that month, so no issue (and no email) was made. The archive "
            f"{located.archive} lists the months that have one",
            1,
        )
    return located, slug


def cmd_show(args: argparse.Namespace, settings_of) -> int:
    """Print where each file of one month's digest is (building first if needed, or always
    with `build`)."""
    from . import sending

    try:
        located, _ = _locate(args, settings_of, rebuild=args.action == "build")
    except sending.SendError as exc:
        print(exc, file=sys.stderr)
        return exc.code
    labels = {"page": "web page", "html": "email HTML", "text": "plain text", "eml": "message"}
    for lang, files in located.files.items():
        print(f"{lang}:")
        for kind, path in files.items():
            print(f"  {labels[kind]:<11} {path}")
        print(f"  {'feed':<11} {located.feeds[lang]}")
    print(f"archive:      {located.archive}")
    return 0


def cmd_send(args: argparse.Namespace, settings_of) -> int:
    """Send one month's digest in one edition to every subscriber not yet mailed."""
    from . import sending

    try:
        return _send(args, settings_of)
    except sending.SendError as exc:
        print(exc, file=sys.stderr)
        return exc.code


def _repository_roots(settings: dict[str, Any]) -> list[Path]:
    """Return the repository's root: the folder above content/, and git's top folder."""
    root = Path(settings["PATH"]).parent
    roots = [root]
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return roots
    if done.returncode == 0 and done.stdout.strip():
        roots.append(Path(done.stdout.strip()))
    return roots


def _send(args: argparse.Namespace, settings_of) -> int:
    from . import sending

    settings = settings_of(args)
    subscribers_path = Path(args.subscribers)
    log = (
        Path(args.log)
        if args.log
        else subscribers_path.with_name(f"{subscribers_path.name}.sent.jsonl")
    )
    for root in _repository_roots(settings):
        sending.refuse_inside(subscribers_path, root, "subscriber list")
        sending.refuse_inside(log, root, "send log")
        if args.dry_run:
            sending.refuse_inside(Path(args.dry_run), root, "dry-run mailbox")
    subscribers = sending.read_subscribers(subscribers_path)
    if not subscribers:
        raise sending.SendError(
            f"{subscribers_path}: the list has no addresses; nothing to send", 1
        )
    config = None if args.dry_run else sending.SmtpConfig.from_environment(os.environ)
    located, slug = _locate(args, settings_of, rebuild=True)
    eml = located.files[args.lang]["eml"]
    send = sending.Send(
        template=eml.read_bytes(),
        key=sending.subscriber_key(slug or NATIONAL, args.month, args.lang),
        subscribers=subscribers,
        unsubscribe=settings.get("FURUSATO_DIGEST_UNSUBSCRIBE"),
        log=log,
    )
    outcome = sending.run(
        send,
        config=config,
        dry_run=Path(args.dry_run) if args.dry_run else None,
        per_minute=args.rate,
    )
    total = len(subscribers)
    if args.dry_run:
        print(
            f"Dry run: wrote {outcome.sent} messages to {args.dry_run} (nothing was sent); "
            f"{outcome.skipped} of {total} subscribers were already mailed according to {log}"
        )
        return 0
    done = outcome.skipped + outcome.sent + len(outcome.refused or [])
    print(
        f"Sent {outcome.sent} messages of {eml} ({outcome.skipped} subscribers had it "
        f"already); log: {log}"
    )
    if outcome.refused:
        print(f"{len(outcome.refused)} addresses were refused by the server (see the log).")
    if outcome.stopped:
        print(
            f"The mail server stopped the send after {done} of {total} subscribers "
            f"({outcome.stopped}). Nobody was mailed twice: run the same command again to "
            f"send to the {total - done} left.",
            file=sys.stderr,
        )
        return 3
    return 0


def add_parser(sub, settings_options) -> None:
    """Add `furusato digest show|build|send` to the command line."""
    p = sub.add_parser("digest", help="find, build or send one month's fan-club digest")
    actions = p.add_subparsers(dest="action", required=True)
    for action, help_text in (
        ("show", "print where one month's digest files are (building them if missing)"),
        ("build", "build the site, then print where one month's digest files are"),
        ("send", "send one month's digest to a subscriber list through SMTP"),
    ):
        q = actions.add_parser(action, help=help_text)
        q.add_argument("--settings", default="pelicanconf.py", help="Pelican settings file")
        q.add_argument("--output", default="output", help="output directory")
        q.add_argument(
            "--prefecture",
            default=NATIONAL,
            help="the prefecture's slug, or 'national' (the default) for every prefecture",
        )
        q.add_argument("--month", type=_month, required=True, help="the month, YYYY-MM")
        q.add_argument(
            "--site", dest="single", help="the prefecture a one-prefecture site is built for"
        )
        q.add_argument("--debug", action="store_true", help="verbose logging")
        if action == "send":
            q.add_argument("--lang", choices=LANGUAGES, default="en", help="the edition to send")
            q.add_argument("--subscribers", required=True, help="CSV outside the repository")
            q.add_argument("--dry-run", metavar="MBOX", help="write the messages to this mbox")
            q.add_argument("--rate", type=_rate, help="at most N messages a minute, as 30/min")
            q.add_argument("--log", help="the send log (default: beside the subscriber list)")
            q.set_defaults(func=lambda a: cmd_send(a, settings_options))
        else:
            q.set_defaults(func=lambda a: cmd_show(a, settings_options))
