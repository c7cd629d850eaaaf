"""Parsing what comes from outside, within bounds, before any arithmetic or storage.

Every parser that takes a partner's or a caller's bytes goes through here, so that no
input can cost more than its size promises: a decimal such as `1e999990` is eight
bytes but a million digits once scaled; a YAML alias bomb is a few hundred bytes and
gigabytes once expanded; JSON nested thousands deep exhausts the stack. Each limit
fails with `InputRejected` and a reason a caller can act on, never with a hang.

Text that PostgreSQL cannot store (a NUL character) is refused here too, at the edge,
so nothing is accepted that the pipeline could not carry to the end.
"""

import json
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml

MAX_DECIMAL_CHARS = 40
MAX_DECIMAL_EXPONENT = 30  # |exponent| of any amount, quantity or count we accept
MAX_JSON_DEPTH = 64
MAX_YAML_DEPTH = 40
MAX_YAML_NODES = 50_000


class InputRejected(ValueError):
    """Input outside what Crossdock parses: too large, too deep, or not storable."""


def decimal_of(value: str | int | float | Decimal) -> Decimal:
    """A finite decimal of bounded size; the exponent is checked before any scaling."""
    text = str(value).strip()
    if len(text) > MAX_DECIMAL_CHARS:
        raise InputRejected(f"{text[:20]}... has more than {MAX_DECIMAL_CHARS} characters")
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise InputRejected(f"{text!r} is not a decimal number") from exc
    if not number.is_finite():
        raise InputRejected(f"{text!r} is not a finite number")
    if number and abs(number.adjusted()) > MAX_DECIMAL_EXPONENT:
        raise InputRejected(f"{text!r} is out of range")
    return number


def _bounded_float(text: str) -> float:
    decimal_of(text)
    return float(text)


def _bounded_int(text: str) -> int:
    if len(text) > MAX_DECIMAL_CHARS:
        raise InputRejected(f"{text[:20]}... has more than {MAX_DECIMAL_CHARS} digits")
    return int(text)


def _no_constant(name: str) -> Any:
    raise InputRejected(f"{name} is not a number JSON allows")


def json_loads(data: bytes | str, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """JSON with bounded numbers and depth, and no NUL characters in any string."""
    try:
        document = json.loads(
            data,
            parse_float=_bounded_float,
            parse_int=_bounded_int,
            parse_constant=_no_constant,
        )
    except RecursionError as exc:
        raise InputRejected(f"JSON nested deeper than {max_depth} levels") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputRejected(f"not valid JSON: {exc}") from exc
    check_tree(document, max_depth)
    return document


def check_tree(document: Any, max_depth: int = MAX_JSON_DEPTH) -> None:
    """Depth and storability of an already parsed document (iteratively: no recursion)."""
    pending: list[tuple[Any, int]] = [(document, 1)]
    while pending:
        node, depth = pending.pop()
        if isinstance(node, str):
            if "\x00" in node:
                raise InputRejected("a text contains a NUL character, which cannot be stored")
            continue
        if not isinstance(node, dict | list):
            continue
        if depth > max_depth:
            raise InputRejected(f"nested deeper than {max_depth} levels")
        children = [*node.keys(), *node.values()] if isinstance(node, dict) else node
        pending.extend((child, depth + 1) for child in children)


class _BoundedLoader(yaml.SafeLoader):
    """Safe YAML without aliases (no expansion bombs) and with depth and size limits."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._nodes = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise InputRejected(f"line {event.start_mark.line + 1}: YAML aliases are not allowed")
        self._depth += 1
        self._nodes += 1
        if self._depth > MAX_YAML_DEPTH:
            raise InputRejected(f"YAML nested deeper than {MAX_YAML_DEPTH} levels")
        if self._nodes > MAX_YAML_NODES:
            raise InputRejected(f"YAML with more than {MAX_YAML_NODES} nodes")
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def yaml_compose(text: str) -> yaml.Node | None:
    loader = _BoundedLoader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def yaml_load(text: str) -> Any:
    """The document, built from the bounded node tree."""
    loader = _BoundedLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()
