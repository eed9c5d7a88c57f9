"""Send one built digest message to a subscriber list through SMTP, one message per recipient,
with unsubscribe headers, a rate limit, a dry run into an mbox, and a resumable log.

The log is append-only JSON lines, one line per recipient the server accepted, written and
fsync'ed right after the server's answer and before the next message; a second run reads it
and skips everyone already mailed, so an interrupted send goes on where it stopped and never
mails anyone twice. Passwords come from the environment only.
"""

from __future__ import annotations

import csv
import hashlib
import json
import mailbox
import os
import re
import smtplib
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default
from email.utils import formatdate, parseaddr
from pathlib import Path
from urllib.parse import quote, urlsplit

SECURITY = ("starttls", "ssl", "none")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
ADDRESS = re.compile(r"^[^@\s<>,;\"]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


class SendError(Exception):
    """A problem that stops a send before or while it runs, said for a non-programmer."""

    def __init__(self, message: str, code: int = 2):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Subscriber:
    """One row of the subscriber list."""

    address: str
    name: str
    unsubscribe: str | None  # this subscriber's own mailto: or https:// unsubscribe address


@dataclass(frozen=True)
class SmtpConfig:
    """Where and how to hand messages over (from the FURUSATO_SMTP_HOST... variables)."""

    host: str
    port: int
    security: str
    user: str | None
    password: str | None

    @classmethod
    def from_environment(cls, env: Mapping[str, str]) -> SmtpConfig:
        """Read FURUSATO_SMTP_HOST, _PORT, _SECURITY, _USER and _PASSWORD; say what is wrong."""
        host = env.get("FURUSATO_SMTP_HOST", "").strip()
        if not host:
            raise SendError(
                "FURUSATO_SMTP_HOST is not set: tell furusato which mail server to use, for "
                "example `export FURUSATO_SMTP_HOST=smtp.example.org` (and FURUSATO_SMTP_USER, "
                "FURUSATO_SMTP_PASSWORD), or add --dry-run out.mbox to write the messages to a "
                "file instead"
            )
        security = env.get("FURUSATO_SMTP_SECURITY", "starttls").strip().lower()
        if security not in SECURITY:
            raise SendError(
                f"FURUSATO_SMTP_SECURITY is {security!r}; write starttls (port 587, most "
                "servers), ssl (port 465) or none (only for a server on this computer)"
            )
        port_text = env.get("FURUSATO_SMTP_PORT", "").strip()
        if port_text and not (port_text.isdigit() and 0 < int(port_text) < 65536):
            raise SendError(
                f"FURUSATO_SMTP_PORT is {port_text!r}; write a port number, such as 587"
            )
        user = env.get("FURUSATO_SMTP_USER") or None
        password = env.get("FURUSATO_SMTP_PASSWORD") or None
        if user and not password:
            raise SendError(
                "FURUSATO_SMTP_USER is set but FURUSATO_SMTP_PASSWORD is not; set the password "
                "in the environment (never in a file of the repository)"
            )
        port = int(port_text) if port_text else DEFAULT_PORTS[security]
        return cls(host, port, security, user, password)


def refuse_inside(path: Path, root: Path, what: str) -> None:
    """Refuse a file of personal data (addresses) inside the repository."""
    resolved, top = path.expanduser().resolve(), root.resolve()
    if resolved == top or top in resolved.parents:
        raise SendError(
            f"{path}: the {what} is inside the repository ({top}); subscribers' addresses must "
            "never be committed, so keep the file outside it, for example in your home folder "
            "(~/furusato/subscribers.csv), and give that path"
        )


def read_subscribers(path: Path) -> list[Subscriber]:
    """Read the subscriber list (CSV with an `email` column; optional `name`, `unsubscribe`);
    raise SendError naming every bad row."""
    try:
        text = path.expanduser().read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise SendError(f"{path}: no such file; give the path of your subscriber list") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SendError(f"{path}: cannot be read as UTF-8 text ({exc})") from None
    rows = csv.DictReader(text.splitlines())
    columns = [c.strip().lower() for c in rows.fieldnames or []]
    if "email" not in columns:
        raise SendError(
            f"{path}: the first line must name the columns, with one called 'email' (and "
            "optionally 'name' and 'unsubscribe'), such as: email,name,unsubscribe"
        )
    found: list[Subscriber] = []
    problems: list[str] = []
    seen: set[str] = set()
    for number, row in enumerate(rows, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()}
        address = row.get("email", "")
        if not address:
            continue
        if not ADDRESS.fullmatch(address):
            problems.append(f"{path}:{number}: {address!r} is not an e-mail address")
            continue
        unsubscribe = row.get("unsubscribe") or None
        if unsubscribe and not _unsubscribe_ok(unsubscribe):
            problems.append(
                f"{path}:{number}: unsubscribe {unsubscribe!r} must be a mailto: address or an "
                "https:// address"
            )
            continue
        if address.lower() in seen:
            continue  # listed twice: mailed once
        seen.add(address.lower())
        found.append(Subscriber(address, row.get("name", ""), unsubscribe))
    if problems:
        raise SendError("\n".join([*problems, "Nothing was sent; correct these rows first."]), 1)
    return found


def _unsubscribe_ok(value: str) -> bool:
    parts = urlsplit(value)
    if parts.scheme == "mailto":
        return bool(ADDRESS.fullmatch(parts.path))
    return parts.scheme == "https" and bool(parts.hostname)


@dataclass(frozen=True)
class Send:
    """One month's send: which message, to whom, and where its log is."""

    template: bytes  # the built .eml (no recipient)
    key: dict[str, str]  # prefecture, month, lang: with the address, a log line's identity
    subscribers: list[Subscriber]
    unsubscribe: str | None  # FURUSATO_DIGEST_UNSUBSCRIBE ({email} is replaced)
    log: Path


def unsubscribe_headers(subscriber: Subscriber, fallback: str | None) -> dict[str, str]:
    """Return List-Unsubscribe (and, with an https address, the RFC 8058 one-click header)."""
    targets = []
    for value in (subscriber.unsubscribe, fallback):
        if value:
            value = value.replace("{email}", quote(subscriber.address, safe="@"))
            if value not in targets:
                targets.append(value)
    if not targets:
        raise SendError(
            "no unsubscribe address: add an 'unsubscribe' column to the subscriber list or set "
            "FURUSATO_DIGEST_UNSUBSCRIBE in the settings (a mailto: address, or an https:// "
            "page; {email} in it is replaced by each subscriber's address); large mail "
            "providers refuse bulk mail without one"
        )
    headers = {"List-Unsubscribe": ", ".join(f"<{t}>" for t in targets)}
    if any(t.startswith("https://") for t in targets):
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return headers


def personal_copy(send: Send, subscriber: Subscriber, when: float | None = None) -> EmailMessage:
    """Return the message for one subscriber: To, its own Message-ID, Date, unsubscribe."""
    msg = BytesParser(policy=default).parsebytes(send.template)
    template_id = msg["Message-ID"].strip("<>")
    local, _, domain = template_id.partition("@")
    token = hashlib.sha256(subscriber.address.lower().encode()).hexdigest()[:16]
    del msg["Message-ID"]
    del msg["Date"]
    msg["To"] = Address(display_name=subscriber.name, addr_spec=subscriber.address)
    msg["Date"] = formatdate(when, localtime=True)
    msg["Message-ID"] = f"<{local}.{token}@{domain}>"
    for name, value in unsubscribe_headers(subscriber, send.unsubscribe).items():
        msg[name] = value
    return msg


def already_sent(log: Path, key: Mapping[str, str]) -> set[str]:
    """Return the addresses the log says were mailed this month's digest in this edition."""
    done: set[str] = set()
    if not log.exists():
        return done
    for line in log.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            continue  # a line cut short when the machine stopped: that message was not logged
        if not isinstance(entry, dict) or entry.get("status") not in ("sent", "refused"):
            continue
        address = str(entry.get("address", ""))
        if all(entry.get(k) == key[k] for k in ("prefecture", "month", "lang")):
            done.add(address.lower())
    return done


def _append(log: Path, entry: dict[str, str]) -> None:
    with log.open("a", encoding="utf-8") as stream:
        stream.write(json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n")
        stream.flush()
        os.fsync(stream.fileno())


@dataclass
class Outcome:
    """What a send did."""

    sent: int = 0
    skipped: int = 0  # already in the log
    refused: list[str] | None = None
    stopped: str | None = None  # why the server stopped the run, if it did


def connect(config: SmtpConfig) -> smtplib.SMTP:
    """Open and authenticate an SMTP connection; raise SendError saying what failed."""
    try:
        if config.security == "ssl":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                config.host, config.port, timeout=60, context=ssl.create_default_context()
            )
        else:
            smtp = smtplib.SMTP(config.host, config.port, timeout=60)
            if config.security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
        if config.user:
            smtp.login(config.user, config.password or "")
    except smtplib.SMTPAuthenticationError:
        raise SendError(
            f"the mail server {config.host} refused the user name or password "
            "(FURUSATO_SMTP_USER, FURUSATO_SMTP_PASSWORD); nothing was sent"
        ) from None
    except (OSError, smtplib.SMTPException) as exc:
        raise SendError(
            f"cannot connect to the mail server {config.host}:{config.port} "
            f"({config.security}): {exc}; check FURUSATO_SMTP_HOST, FURUSATO_SMTP_PORT and "
            "FURUSATO_SMTP_SECURITY; nothing was sent",
            3,
        ) from None
    return smtp


def run(
    send: Send,
    *,
    config: SmtpConfig | None = None,
    dry_run: Path | None = None,
    per_minute: float | None = None,
    sleep: Callable[[float], None] = time.sleep,
    say: Callable[[str], None] = print,
) -> Outcome:
    """Send (or, with `dry_run`, write to an mbox) one message per subscriber not yet mailed."""
    done = already_sent(send.log, send.key)
    todo = [s for s in send.subscribers if s.address.lower() not in done]
    outcome = Outcome(skipped=len(send.subscribers) - len(todo), refused=[])
    sender = parseaddr(BytesParser(policy=default).parsebytes(send.template)["From"])[1]
    for subscriber in todo:  # every message is made before the first is sent
        unsubscribe_headers(subscriber, send.unsubscribe)
    if dry_run is not None:
        box = mailbox.mbox(dry_run)
        box.lock()
        try:
            for subscriber in todo:
                box.add(personal_copy(send, subscriber))
                outcome.sent += 1
            box.flush()
        finally:
            box.unlock()
            box.close()
        return outcome
    assert config is not None
    smtp = connect(config) if todo else None
    try:
        for index, subscriber in enumerate(todo):
            if index and per_minute:
                sleep(60.0 / per_minute)
            msg = personal_copy(send, subscriber)
            try:
                smtp.send_message(msg, from_addr=sender, to_addrs=[subscriber.address])
            except smtplib.SMTPRecipientsRefused as exc:
                outcome.refused.append(subscriber.address)
                code, reason = next(iter(exc.recipients.values()))
                why = f"{code} {reason.decode(errors='replace')}"
                entry = {"address": subscriber.address, "status": "refused", "reason": why}
                _append(send.log, {**send.key, **entry})
                say(f"refused by the server: {subscriber.address} ({code})")
                continue
            except (smtplib.SMTPException, OSError) as exc:
                outcome.stopped = str(exc) or type(exc).__name__
                break
            _append(send.log, {**send.key, "address": subscriber.address, "status": "sent"})
            outcome.sent += 1
    finally:
        if smtp is not None:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()
    return outcome


def subscriber_key(prefecture: str, month: str, lang: str) -> dict[str, str]:
    return {"prefecture": prefecture, "month": month, "lang": lang}
