"""Keep cache files trustworthy: sealed with a per-user key kept outside the repository.

Anything under the repository may come from a stranger's pull request, so a cache file there
is believed only when it carries a valid HMAC made with this user's key (a file another
person made, a damaged file or one in another format is ignored and rebuilt). Files are
written under unique temporary names and renamed into place, so concurrent runs never
share a temporary file. Caches that hold code (compiled templates) live only in the
per-user folder, never in the repository.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import logging
import os
import secrets
import subprocess
import tempfile
from pathlib import Path
from stat import S_ISDIR

from .errors import ContentError, Problem

log = logging.getLogger(__name__)

USER_CACHE_ENV = "FURUSATO_USER_CACHE_DIR"  # overrides the per-user folder (tests use it)
_MAGIC = b"furusato-sealed 1\n"
_MAC_LEN = 64  # hex SHA-256


def user_cache_dir() -> Path:
    """Return this user's Furusato folder outside any repository (not created here)."""
    override = os.environ.get(USER_CACHE_ENV)
    if override:
        return Path(override)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "furusato"


def private_folder(*parts: str) -> Path | None:
    """Return a folder under the per-user folder, created 0700, or None if unusable.

    A folder owned by someone else, or open to other users, is not used: whoever can
    write there could plant a compiled template or a key.
    """
    base = user_cache_dir()
    path = base.joinpath(*parts)
    try:
        base.parent.mkdir(parents=True, exist_ok=True)
        folder = base
        for part in ("", *parts):
            folder = folder / part if part else folder
            with contextlib.suppress(FileExistsError):
                folder.mkdir(mode=0o700)
            st = folder.lstat()
            if not S_ISDIR(st.st_mode) or st.st_uid != os.geteuid():
                raise PermissionError(f"{folder} is not a folder of this user")
            if st.st_mode & 0o077:
                os.chmod(folder, 0o700)
    except OSError as exc:
        log.info("not using %s for caches: %s", path, exc)
        return None
    return path


def signing_key() -> bytes | None:
    """Return this user's cache key, making it (0600) on first use; None if impossible."""
    return _key_in(str(user_cache_dir()))


@functools.cache
def _key_in(folder: str) -> bytes | None:
    base = private_folder()
    if base is None or str(base) != folder:
        return None
    path = base / "key"
    for _attempt in range(2):
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        except FileNotFoundError:
            _create_key(base, path)
            continue
        except OSError as exc:
            log.info("cannot read the cache key %s: %s; caches are not kept", path, exc)
            return None
        with os.fdopen(fd, "rb") as fh:
            st = os.fstat(fh.fileno())
            text = fh.read(_MAC_LEN + 1).strip()
        if st.st_uid == os.geteuid() and len(text) == _MAC_LEN:
            try:
                return bytes.fromhex(text.decode("ascii"))
            except ValueError:
                pass
        log.info("the cache key %s is damaged; making a new one", path)
        _create_key(base, path, replace=True)
    return None


def _create_key(folder: Path, path: Path, replace: bool = False) -> None:
    """Write a new random key; of two processes creating it at once, the first one wins."""
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".key-")  # mode 0600
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(secrets.token_hex(32).encode("ascii"))
        if replace:
            os.replace(tmp, path)
        else:
            with contextlib.suppress(FileExistsError):  # made by another process meanwhile
                os.link(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


def _mac(key: bytes, purpose: str, body: bytes) -> bytes:
    return hmac.new(key, purpose.encode() + b"\0" + body, hashlib.sha256).hexdigest().encode()


def seal(purpose: str, body: bytes) -> bytes | None:
    """Return `body` with a signature binding it to `purpose`, or None without a key."""
    key = signing_key()
    if key is None:
        return None
    return _MAGIC + _mac(key, purpose, body) + b"\n" + body


def unseal(purpose: str, blob: bytes) -> bytes | None:
    """Return the body of a sealed blob if this user sealed it for `purpose`, else None."""
    key = signing_key()
    head = len(_MAGIC)
    if (
        key is None
        or not blob.startswith(_MAGIC)
        or blob[head + _MAC_LEN : head + _MAC_LEN + 1] != b"\n"
    ):
        return None
    body = blob[head + _MAC_LEN + 1 :]
    if not hmac.compare_digest(blob[head : head + _MAC_LEN], _mac(key, purpose, body)):
        return None
    return body


def read_sealed(path: Path, purpose: str) -> bytes | None:
    """Return the body of the sealed file at `path`, or None (absent, foreign, damaged)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except FileNotFoundError:
        return None
    except OSError as exc:
        log.info("ignoring cache file %s: %s", path, exc)
        return None
    with os.fdopen(fd, "rb") as fh:
        body = unseal(purpose, fh.read())
    if body is None:
        log.info("ignoring cache file %s: not made by this user's builds; it will be rebuilt", path)
    return body


def write_sealed(path: Path, purpose: str, body: bytes) -> bool:
    """Seal `body` and write it to `path` atomically; say whether it was written."""
    blob = seal(purpose, body)
    if blob is None:
        return False
    write_atomic(path, blob)
    return True


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a uniquely named temporary file in the same folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def refuse_tracked(root: Path, cache: Path) -> None:
    """Raise ContentError if git tracks a file under the cache folder `cache` of `root`.

    Only when `root` is in a git work tree and git is installed; a cache folder outside the
    repository cannot be committed.
    """
    root = root.resolve()
    try:
        rel = cache.resolve().relative_to(root)
    except ValueError:
        return
    try:
        done = subprocess.run(
            ["git", "ls-files", "-z", "--", rel.as_posix()],
            cwd=root,
            capture_output=True,
            check=False,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return
    if done.returncode != 0:
        return  # not a git work tree
    tracked = sorted(name for name in done.stdout.decode(errors="replace").split("\0") if name)
    if tracked:
        folder = rel.as_posix()
        raise ContentError(
            Problem(
                name,
                1,
                "cache",
                f"this file is in the build cache ({folder}/), which must never be committed: "
                "a cache made on another machine could change the site. Remove it from git "
                f"with `git rm -r --cached {folder}` and commit that",
            )
            for name in tracked
        )
