"""`furusato digest send` against a real SMTP server (aiosmtpd on 127.0.0.1): one message per
recipient, unsubscribe headers, a server that fails halfway and a second run, the dry run's
mbox, and the subscriber list refused inside the repository (and by `make check`)."""

from __future__ import annotations

import json
import mailbox
import shutil
import socket
import subprocess
from collections import Counter
from email.parser import BytesParser
from email.policy import default
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from furusato.commands.cli import main
from tests.sitebuild import REPO, SITES

MONTH = "2026-03"
N = 6


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Recorder:
    """An SMTP handler that keeps every message; after `fail_after` messages it answers 421
    (or, with `drop`, closes the connection without answering)."""

    def __init__(self, fail_after: int | None = None, drop: bool = False):
        self.messages: list[tuple[list[str], bytes]] = []
        self.fail_after = fail_after
        self.drop = drop

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's name
        if self.fail_after is not None and len(self.messages) >= self.fail_after:
            if self.drop:
                server.transport.close()
                return "421 closing"
            return "421 4.3.2 Service shutting down, try again later"
        self.messages.append((list(envelope.rcpt_tos), envelope.original_content))
        return "250 OK"


class Server:
    """A Controller on a free port of 127.0.0.1, stopped by the test."""

    def __init__(self, handler: Recorder):
        self.handler = handler
        self.port = _free_port()
        self.controller = Controller(handler, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> Server:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A copy of tests/sites/two_prefectures with a settings file (today 2026-11-24)."""
    root = tmp_path / "repo"
    shutil.copytree(SITES / "two_prefectures", root)
    (root / "settings.py").write_text(
        "import runpy\n"
        f"globals().update({{k: v for k, v in runpy.run_path({str(REPO / 'pelicanconf.py')!r})"
        ".items() if k.isupper()})\n"
        f"PATH = {str(root / 'content')!r}\n"
        f"THEME = {str(REPO / 'theme')!r}\n"
        f"PLUGIN_PATHS = [{str(REPO / 'plugins')!r}]\n"
        "FURUSATO_TODAY = '2026-11-24'\n"
        "FURUSATO_DIGEST_UNSUBSCRIBE = 'mailto:news@example.org?subject=unsubscribe'\n",
        encoding="utf-8",
    )
    return root


@pytest.fixture
def subscribers(tmp_path: Path) -> Path:
    path = tmp_path / "private" / "subscribers.csv"
    path.parent.mkdir()
    rows = ["email,name,unsubscribe"]
    for i in range(N):
        personal = f"https://example.org/unsubscribe?u=u{i}" if i % 2 == 0 else ""
        rows.append(f"reader{i}@example.com,Reader {i},{personal}")
    rows.append("READER0@example.com,Listed twice,")  # mailed once
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def _send(site: Path, subscribers: Path, *extra: str, lang: str = "en") -> int:
    return main(
        [
            "digest", "send", "--settings", str(site / "settings.py"),
            "--output", str(site.parent / "output"), "--prefecture", "tottori",
            "--month", MONTH, "--lang", lang, "--subscribers", str(subscribers), *extra,
        ]
    )  # fmt: skip


def _smtp_env(monkeypatch: pytest.MonkeyPatch, port: int) -> None:
    monkeypatch.setenv("FURUSATO_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("FURUSATO_SMTP_PORT", str(port))
    monkeypatch.setenv("FURUSATO_SMTP_SECURITY", "none")
    monkeypatch.delenv("FURUSATO_SMTP_USER", raising=False)


def _recipients(*servers: Server) -> Counter[str]:
    return Counter(r for s in servers for rcpts, _ in s.handler.messages for r in rcpts)


def test_each_subscriber_gets_one_personal_message(
    site: Path, subscribers: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Server(Recorder()) as server:
        _smtp_env(monkeypatch, server.port)
        assert _send(site, subscribers, "--rate", "6000/min") == 0
    assert _recipients(server) == Counter({f"reader{i}@example.com": 1 for i in range(N)})
    ids = set()
    for rcpts, raw in server.handler.messages:
        msg = BytesParser(policy=default).parsebytes(raw)
        assert msg["To"].addresses[0].addr_spec == rcpts[0]
        assert str(msg["Subject"]) == "Tottori digest: March 2026"
        assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]
        index = int(rcpts[0].removeprefix("reader").split("@")[0])
        unsubscribe = msg["List-Unsubscribe"]
        assert "<mailto:news@example.org?subject=unsubscribe>" in unsubscribe
        if index % 2 == 0:  # an https address: RFC 8058 one-click
            assert f"<https://example.org/unsubscribe?u=u{index}>" in unsubscribe
            assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        else:
            assert msg["List-Unsubscribe-Post"] is None
        ids.add(msg["Message-ID"])
    assert len(ids) == N
    # The log has one line per recipient; a second run mails nobody.
    log = subscribers.with_name("subscribers.csv.sent.jsonl")
    entries = [json.loads(line) for line in log.read_text().splitlines()]
    assert sorted(e["address"] for e in entries) == [f"reader{i}@example.com" for i in range(N)]
    assert {(e["prefecture"], e["month"], e["lang"], e["status"]) for e in entries} == {
        ("tottori", MONTH, "en", "sent")
    }
    with Server(Recorder()) as again:
        _smtp_env(monkeypatch, again.port)
        assert _send(site, subscribers) == 0
    assert again.handler.messages == []


@pytest.mark.parametrize("drop", [False, True], ids=["421", "dropped-connection"])
def test_a_send_interrupted_halfway_resumes_without_mailing_anyone_twice(
    site: Path,
    subscribers: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    drop: bool,
) -> None:
    with Server(Recorder(fail_after=2, drop=drop)) as failing:
        _smtp_env(monkeypatch, failing.port)
        assert _send(site, subscribers) == 3
    err = capsys.readouterr().err
    assert "The mail server stopped the send after 2 of 6 subscribers" in err
    assert "run the same command again to send to the 4 left" in err
    assert sum(_recipients(failing).values()) == 2
    with Server(Recorder()) as working:
        _smtp_env(monkeypatch, working.port)
        assert _send(site, subscribers) == 0
    assert _recipients(failing, working) == Counter({f"reader{i}@example.com": 1 for i in range(N)})
    # The Japanese edition is another message: its own log entries, everyone once more.
    with Server(Recorder()) as japanese:
        _smtp_env(monkeypatch, japanese.port)
        assert _send(site, subscribers, lang="ja") == 0
    assert sum(_recipients(japanese).values()) == N
    subject = BytesParser(policy=default).parsebytes(japanese.handler.messages[0][1])["Subject"]
    assert str(subject) == "鳥取県ダイジェスト（2026年3月）"


def test_dry_run_writes_an_mbox_and_sends_nothing(
    site: Path, subscribers: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FURUSATO_SMTP_HOST", raising=False)  # never needed for a dry run
    box = tmp_path / "private" / "preview.mbox"
    assert _send(site, subscribers, "--dry-run", str(box)) == 0
    messages = list(mailbox.mbox(box))
    assert sorted(m["To"] for m in messages) == sorted(
        f"Reader {i} <reader{i}@example.com>" for i in range(N)
    )
    for message in messages:
        assert message.is_multipart() and message["List-Unsubscribe"]
    assert not subscribers.with_name("subscribers.csv.sent.jsonl").exists()


def test_a_subscriber_list_inside_the_repository_is_refused(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inside = site / "subscribers.csv"
    inside.write_text("email\nreader@example.com\n", encoding="utf-8")
    assert _send(site, inside, "--dry-run", str(site.parent / "x.mbox")) == 2
    assert capsys.readouterr().err.startswith(
        f"{inside}: the subscriber list is inside the repository ({site.resolve()}); "
        "subscribers' addresses must never be committed"
    )


def test_smtp_settings_come_from_the_environment(
    site: Path, subscribers: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.delenv("FURUSATO_SMTP_HOST", raising=False)
    assert _send(site, subscribers) == 2
    assert capsys.readouterr().err.startswith("FURUSATO_SMTP_HOST is not set")
    monkeypatch.setenv("FURUSATO_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("FURUSATO_SMTP_USER", "chapter")
    monkeypatch.delenv("FURUSATO_SMTP_PASSWORD", raising=False)
    assert _send(site, subscribers) == 2
    assert "FURUSATO_SMTP_PASSWORD is not" in capsys.readouterr().err


def test_bad_rows_of_the_subscriber_list_are_named(
    site: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "list.csv"
    path.write_text("email,name\nreader@example.com,A\nnot-an-address,B\n", encoding="utf-8")
    assert _send(site, path, "--dry-run", str(tmp_path / "x.mbox")) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"{path}:3: 'not-an-address' is not an e-mail address",
        "Nothing was sent; correct these rows first.",
    ]


def test_make_check_refuses_a_committed_subscriber_list(
    site: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    subprocess.run(["git", "init", "-q", str(site)], check=True)
    listed = site / "content" / "tottori" / "subscribers.csv"
    listed.write_text("email\nreader@example.com\n", encoding="utf-8")
    subprocess.run(["git", "-C", str(site), "add", "-f", listed.as_posix()], check=True)
    monkeypatch.chdir(site)
    code = main(["check", "--settings", "settings.py"])
    assert code == 1
    assert (
        "content/tottori/subscribers.csv:1: subscribers: this looks like a digest subscriber "
        "list (people's e-mail addresses), which must never be in the repository"
    ) in capsys.readouterr().err
