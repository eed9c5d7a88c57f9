"""Read YAML and Markdown front matter while remembering the line of every key."""

from __future__ import annotations

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
    """
    offset = first_line - 1
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 + offset) if mark else first_line
        raise YamlSyntaxError(line, _describe_yaml_error(exc)) from exc
    except (yaml.YAMLError, ValueError, TypeError) as exc:
        raise YamlSyntaxError(first_line, f"not valid YAML ({exc})") from exc
    finally:
        loader.dispose()
    lines = LineMap(first_line=first_line)
    if node is not None:
        _record_lines(node, (), lines, offset)
    return data, lines


def _describe_yaml_error(exc: yaml.MarkedYAMLError) -> str:
    reason = (exc.problem or exc.context or "invalid YAML").strip()
    hint = (
        "check the indentation, and put text that contains ': ' or starts with "
        "a special character (such as @, *, &, ', \", [ or {) in quotes"
    )
    return f"YAML syntax error: {reason}; {hint}"


def _record_lines(node: yaml.Node, path: Path_, lines: LineMap, offset: int) -> None:
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
            _record_lines(value_node, child, lines, offset)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            child = (*path, index)
            lines.lines[child] = item.start_mark.line + 1 + offset
            _record_lines(item, child, lines, offset)


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
    lines = text.splitlines(keepends=True)
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
