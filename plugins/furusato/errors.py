"""Problems found in contributors' files, and the error that stops a build because of them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in one file, said so that a contributor can fix it."""

    path: str  # repository-relative POSIX path, e.g. content/tottori/articles/x.md
    line: int  # 1-based line in that file
    field: str  # dotted field name (venue.city, ambassadors[2].role), or a topic word
    message: str  # what was expected, what was found, and the fix

    def format(self) -> str:
        """Return the `path:line: field: message` form printed by make check and make html."""
        return f"{self.path}:{self.line}: {self.field}: {self.message}"

    def annotation(self, level: str = "error") -> str:
        """Return the GitHub Actions workflow command (`::error`, or `::warning`) for this
        problem."""
        title = _escape_property(self.field)
        path = _escape_property(self.path)
        message = _escape_data(self.message)
        return f"::{level} file={path},line={self.line},title={title}::{message}"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


class ContentError(Exception):
    """Raised when contributors' files cannot be published; carries every problem found."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(set(problems))
        super().__init__(self.report())

    def report(self) -> str:
        """Return all problems, one per line, followed by a count and what to do next."""
        lines = [p.format() for p in self.problems]
        count = len(self.problems)
        noun = "problem" if count == 1 else "problems"
        lines.append(
            f"{count} {noun} found; nothing was published. Fix the lines above "
            "and run `make check` again."
        )
        return "\n".join(lines)


class Problems:
    """An accumulator: collect every problem first, then fail once.

    Warnings are said but publish anyway (a photo larger than it needs to be): `make check`
    and the build print them and still succeed.
    """

    def __init__(self) -> None:
        self.items: list[Problem] = []
        self.warnings: list[Problem] = []

    def warn(self, path: str, line: int, field: str, message: str) -> None:
        """Record something worth fixing that does not stop publishing."""
        self.warnings.append(Problem(path, max(line, 1), field, message))

    def add(self, path: str, line: int, field: str, message: str) -> None:
        """Record one problem."""
        self.items.append(Problem(path, max(line, 1), field, message))

    def extend(self, problems: Iterable[Problem]) -> None:
        """Record problems found elsewhere."""
        self.items.extend(problems)

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        """Raise ContentError carrying every recorded problem, if there is one."""
        if self.items:
            raise ContentError(self.items)


class BuildError(Exception):
    """The site could not be built for a reason other than contributors' content (settings,
    the output folder, another build running); the message says what to do."""
