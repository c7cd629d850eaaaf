"""YAML with line numbers: where each key of a loaded document was written, so a
configuration error can name its file and line. Parsed within bounds (no aliases, a
limited depth and size): a mapping may come from a caller, for a dry run."""

from typing import Any

import yaml

from shared.bounded import yaml_compose, yaml_load

Location = tuple[str | int, ...]


def load_with_lines(text: str) -> tuple[Any, dict[Location, int]]:
    """The document, and the 1-based line of every key and list item in it."""
    node = yaml_compose(text)
    lines: dict[Location, int] = {}
    if node is not None:
        _walk(node, (), lines)
    return yaml_load(text), lines


def _walk(node: yaml.Node, at: Location, lines: dict[Location, int]) -> None:
    lines[at] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            here = (*at, key.value)
            lines[here] = key.start_mark.line + 1
            _walk(value, here, lines)
            lines[here] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*at, index), lines)


def line_of(lines: dict[Location, int], at: Location) -> int:
    """The line of `at`, or of its nearest parent that was written down."""
    while at not in lines and at:
        at = at[:-1]
    return lines.get(at, 1)
