"""Read YAML and Markdown front matter while remembering the line of every key.

Front matter and profiles are written by people nobody has met, so the YAML is read
defensively: anchors, aliases and tags (which contributors never need, and which make
"billion laughs" and self-referencing documents possible) are refused while scanning the
parser's events, before anything is composed or constructed; nesting depth and size are
bounded; characters that feeds and calendars cannot carry are found with their line and
column; and a plain value cut short by ` #` (YAML reads the rest as a comment) is noted.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import yaml

_Base: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml is ~10x faster


class _Loader(_Base):  # type: ignore[misc,valid-type]
    """Safe loader that leaves dates as text: the schemas parse them with helpful messages
    (PyYAML's own date constructor crashes on an impossible date such as 2026-13-01)."""


_Loader.add_constructor(
    "tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node)
)

Path_ = tuple[str | int, ...]

MAX_YAML_BYTES = 256 * 1024  # front matter or a profile; the longest shipped is under 8 KB
MAX_DEPTH = 20  # nested lists and groups of fields; the deepest schema needs 5

# Characters no text field or body may hold. Feeds are XML 1.0 (no C0 controls but tab and
# line breaks, no U+FFFE/U+FFFF, no lone surrogates) and iCalendar forbids every control
# character but tab; DEL and the C1 controls are invisible debris of pasted terminal output
# or mis-decoded Windows text; the other noncharacters are never text. U+2028/U+2029 are line
# breaks to YAML and old JavaScript but not to Markdown or feed readers, so one would mean
# different things in different places. The bidi embeddings, overrides and isolates
# (U+202A-U+202E, U+2066-U+2069) reorder how the text around them is shown ("Trojan Source"),
# so a reviewer would approve text that reads differently on the site; the marks U+200E/U+200F,
# which only nudge neutral characters, stay allowed.
BAD_CHARACTER = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
    r"\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
    + "".join(rf"\U{plane:04x}fffe\U{plane:04x}ffff" for plane in range(1, 17))
    + "]"
)

_CONTROL_NAMES = {
    0x00: "null",
    0x07: "bell",
    0x08: "backspace",
    0x0B: "vertical tab",
    0x0C: "form feed",
    0x1B: "escape",
    0x7F: "delete",
    0x85: "next line",
}


def describe_character(char: str) -> str:
    """Name a character as U+000B (vertical tab), for messages."""
    code = ord(char)
    name = _CONTROL_NAMES.get(code)
    if name is None:
        try:
            name = unicodedata.name(char).lower()
        except ValueError:
            name = {"Cc": "control character", "Cs": "lone surrogate"}.get(
                unicodedata.category(char), "noncharacter"
            )
    return f"U+{code:04X} ({name})"


def character_problem(char: str, column: int, more: int = 0) -> str:
    """Say what is wrong with a character found by BAD_CHARACTER, and how to fix it."""
    code = ord(char)
    where = f"{describe_character(char)} at column {column}"
    if code in (0x2028, 0x2029):
        why = (
            "is an invisible line break that YAML, feeds and browsers each read differently; "
            "replace it with a space or start a new line"
        )
    elif 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
        why = (
            "is an invisible character that changes the order in which the text around it is "
            "shown, so the site would not read as the file does; delete it"
        )
    elif unicodedata.category(char) == "Cc":
        why = (
            "is an invisible control character that feeds and calendars cannot carry; delete "
            "it (it comes with text pasted from a terminal or another program)"
        )
    else:
        why = "is not a character that text may hold; delete it"
    also = f" ({more} more on this line)" if more else ""
    return f"{where} {why}{also}"


def find_bad_characters(text: str, first_line: int = 1) -> list[tuple[int, int, str, int]]:
    """Find characters feeds and calendars cannot carry: (line, column, char, more on the line).

    One finding per line, at its first such character; lines and columns are 1-based and
    counted in `\\n`-separated lines, with `text` starting on file line `first_line`.
    """
    found: list[tuple[int, int, str, int]] = []
    if BAD_CHARACTER.search(text) is None:  # the usual case: one scan at C speed
        return found
    for number, line in enumerate(text.split("\n")):
        hits = list(BAD_CHARACTER.finditer(line))
        if hits:
            first = hits[0]
            found.append((first_line + number, first.start() + 1, first.group(), len(hits) - 1))
    return found


class YamlSyntaxError(Exception):
    """The text is not valid YAML; carries the 1-based line and a readable reason."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass
class LineMap:
    """Maps a key path such as ("venue", "city") or ("ambassadors", 2, "role") to its line."""

    first_line: int = 1  # line of the document start, used for whole-document problems
    lines: dict[Path_, int] = field(default_factory=dict)
    duplicates: list[tuple[Path_, int]] = field(default_factory=list)
    # (key path or None for no field, line, message): problems found while reading that do
    # not stop the document being read, such as a control character in a value
    findings: list[tuple[Path_ | None, int, str]] = field(default_factory=list)
    # plain (unquoted) values whose line goes on with ` #text`, read by YAML as a comment;
    # the schema decides where that matters (free text, not a number with a note after it)
    comment_cuts: list[tuple[Path_, int]] = field(default_factory=list)

    def line_of(self, path: Path_) -> int:
        """Return the line of the deepest part of `path` that is written in the file."""
        for cut in range(len(path), 0, -1):
            line = self.lines.get(tuple(path[:cut]))
            if line is not None:
                return line
        return self.first_line


def load(text: str, first_line: int = 1) -> tuple[Any, LineMap]:
    """Parse one YAML document; return the data and where each key was written.

    `first_line` is the file line on which `text` starts (front matter starts on line 2).
    Raises YamlSyntaxError for anything that stops the document being read, including the
    YAML features contributors never need (anchors, aliases, tags) and documents too large or
    too deeply nested; problems that do not (a control character in a value) are recorded in
    the line map's `findings`.
    """
    offset = first_line - 1
    _check_size(text, first_line)
    lines = LineMap(first_line=first_line)
    bad = find_bad_characters(text, first_line)
    if bad:
        # The YAML reader refuses most of these with a message about the reader; replaced by
        # a space (same columns, no new lines) they can be reported where they are instead.
        text = BAD_CHARACTER.sub(" ", text)
    try:
        _refuse_hazards(text, offset)
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except YamlSyntaxError as exc:
        if bad:  # a character YAML cannot read is the likelier cause, and has a clearer fix
            line, column, char, more = bad[0]
            raise YamlSyntaxError(line, character_problem(char, column, more)) from exc
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 + offset) if mark else first_line
        if bad:
            line, column, char, more = bad[0]
            raise YamlSyntaxError(line, character_problem(char, column, more)) from exc
        raise YamlSyntaxError(line, _describe_yaml_error(exc)) from exc
    except (yaml.YAMLError, ValueError, TypeError, OverflowError, RecursionError) as exc:
        # ValueError: a number of thousands of digits (Python refuses to convert it)
        raise YamlSyntaxError(
            first_line,
            "not valid YAML: a value could not be read; check that numbers are written "
            "plainly (42, 1250.50) and put other text in quotes",
        ) from exc
    if node is not None:
        spans: list[tuple[int, int, Path_]] = []
        _record_lines(node, (), lines, offset, text.split("\n"), spans)
        for line, column, char, more in bad:
            index = _index_of(text, line - first_line, column - 1)
            path = next((p for start, end, p in spans if start <= index < end), None)
            lines.findings.append((path, line, character_problem(char, column, more)))
    else:
        lines.findings.extend(
            (None, line, character_problem(char, column, more)) for line, column, char, more in bad
        )
    return data, lines


def _check_size(text: str, first_line: int) -> None:
    size = len(text) if len(text) > MAX_YAML_BYTES else len(text.encode("utf-8"))
    if size > MAX_YAML_BYTES:
        what = "the front matter" if first_line > 1 else "this file"
        raise YamlSyntaxError(
            first_line,
            f"{what} is {size / 1024:.0f} KB; fields may hold at most "
            f"{MAX_YAML_BYTES // 1024} KB in all, so shorten the longest texts (a long text "
            "belongs in the Markdown body of an article)",
        )


def _refuse_hazards(text: str, offset: int) -> None:
    """Scan the parser's events and refuse anchors, aliases, tags and deep nesting.

    This runs before anything is composed or constructed, so an alias bomb or a document
    nested thousands of levels deep costs one pass of the (iterative) parser, and stops at
    the first offending event.
    """
    loader = _Loader(text)
    depth = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            line = event.start_mark.line + 1 + offset
            if isinstance(event, yaml.AliasEvent):
                raise YamlSyntaxError(
                    line,
                    f"'*{event.anchor}' is a YAML alias (a copy of a value marked elsewhere "
                    "with &), which Furusato files do not use; write the value out in full, "
                    "and put text that starts with * in quotes",
                )
            anchor = getattr(event, "anchor", None)
            if anchor is not None:
                raise YamlSyntaxError(
                    line,
                    f"'&{anchor}' is a YAML anchor (it marks a value to copy elsewhere), which "
                    "Furusato files do not use; remove it, and put text that starts with & in "
                    "quotes",
                )
            tag = getattr(event, "tag", None)
            if tag is not None:
                shown = "!!" + tag[18:] if tag.startswith("tag:yaml.org,2002:") else tag
                raise YamlSyntaxError(
                    line,
                    f"'{shown}' is a YAML tag, which Furusato files do not use; remove it, and "
                    "put text that starts with ! in quotes",
                )
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise YamlSyntaxError(
                        line,
                        f"the fields are nested more than {MAX_DEPTH} levels deep (lists and "
                        "groups of fields inside each other); check the indentation, and that "
                        "every [ and { is closed by ] and }",
                    )
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    finally:
        loader.dispose()


def _index_of(text: str, line: int, column: int) -> int:
    """Return the offset in `text` of a 0-based line and column."""
    start = 0
    for _ in range(line):
        start = text.index("\n", start) + 1
    return start + column


def _describe_yaml_error(exc: yaml.MarkedYAMLError) -> str:
    reason = (exc.problem or exc.context or "invalid YAML").strip()
    hint = (
        "check the indentation, and put text that contains ': ' or starts with "
        "a special character (such as @, *, &, ', \", [ or {) in quotes"
    )
    return f"YAML syntax error: {reason}; {hint}"


# A plain value followed on its line by whitespace and `#` glued to a word (`#1`, `#pears`):
# YAML drops that text as a comment. A note written as `# like this` (the templates' style)
# is a comment on purpose and passes.
_CUT_BY_COMMENT = re.compile(r"[ \t]+#[^ \t]")
_EMPTY_CUT_BY_COMMENT = re.compile(r"[ \t]*#[^ \t]")


def _record_lines(
    node: yaml.Node,
    path: Path_,
    lines: LineMap,
    offset: int,
    source: list[str],
    spans: list[tuple[int, int, Path_]],
) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
            child = (*path, key)
            line = key_node.start_mark.line + 1 + offset
            if key in seen:
                lines.duplicates.append((child, line))
            seen.add(key)
            lines.lines[child] = line
            spans.append((key_node.start_mark.index, key_node.end_mark.index, child))
            _record_lines(value_node, child, lines, offset, source, spans)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            child = (*path, index)
            lines.lines[child] = item.start_mark.line + 1 + offset
            _record_lines(item, child, lines, offset, source, spans)
    elif isinstance(node, yaml.ScalarNode):
        start, end = node.start_mark, node.end_mark
        spans.append((start.index, end.index, path))
        if node.style in (None, "") and path:
            rest = source[end.line][end.column :]
            cut = _EMPTY_CUT_BY_COMMENT if node.value == "" else _CUT_BY_COMMENT
            if cut.match(rest):
                lines.comment_cuts.append((path, end.line + 1 + offset))
        elif BAD_CHARACTER.search(node.value):  # written as an escape such as "\v" or "\e"
            char = BAD_CHARACTER.search(node.value).group()  # type: ignore[union-attr]
            lines.findings.append(
                (path, start.line + 1 + offset, character_problem(char, start.column + 1))
            )


@dataclass(frozen=True)
class FrontMatter:
    """A Markdown file split into its YAML front matter and its body."""

    yaml_text: str
    body: str
    body_line: int  # file line on which the body starts


class FrontMatterError(Exception):
    """The file does not start with a `---` block; carries line and reason."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


def split_front_matter(text: str) -> FrontMatter:
    """Split `---` YAML front matter from a Markdown body."""
    if text.startswith("\ufeff"):
        text = text[1:]
    # Only "\n" ends a line here, as in YAML once the characters it also treats as line
    # breaks (U+0085, U+2028, U+2029) are refused; str.splitlines would also split at \v,
    # \f and U+001C..U+001E and so disagree with the line numbers YAML reports.
    lines = text.split("\n")
    lines = [line + "\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])
    if not lines or lines[0].rstrip() != "---":
        raise FrontMatterError(
            1,
            "the file must start with a line '---', then the fields (title: ..., date: ...), "
            "then another '---' line; copy the layout from the template",
        )
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return FrontMatter(
                yaml_text="".join(lines[1:index]),
                body="".join(lines[index + 1 :]),
                body_line=index + 2,
            )
    raise FrontMatterError(
        len(lines),
        "the front matter opened with '---' on line 1 is never closed; "
        "add a line '---' after the last field",
    )
