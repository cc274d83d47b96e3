"""Read a data file as YAML that remembers where each value came from, and the error every data
fault raises.

Mappings become `Node`s and sequences `Items`, which carry the line they started on, so that a check
anywhere later can name the file and the line of the entry it refuses. Duplicate keys, which PyYAML
would silently merge, are refused here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

MAX_FILE_BYTES = 5_000_000  # about ten times today's file: far larger means a mistake, not data


class DataError(Exception):
    """A fault in a data file, located by file, line and (where known) code."""

    def __init__(self, path: Path | str, line: int | None, message: str, code: str | None = None):
        where = f"{path}:{line}" if line else str(path)
        about = f" code {code}:" if code else ""
        super().__init__(f"{where}:{about} {message}")


class Node(dict):
    """A YAML mapping that remembers the line it started on."""

    line: int = 0


class Items(list):
    """A YAML sequence that remembers the line of each item, for items that are not mappings."""

    lines: list[int] = []


def items(sequence: Any) -> list[tuple[Any, int | None]]:
    """Each item of a YAML sequence with its line."""
    return list(zip(sequence, getattr(sequence, "lines", [None] * len(sequence))))


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml when present: 5x faster
    path: Path


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> Node:
    code = next((v.value for k, v in node.value if k.value == "code" and isinstance(v, yaml.ScalarNode)), None)
    seen: set[Any] = set()
    for key_node, _ in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise DataError(loader.path, key_node.start_mark.line + 1, "a mapping key must be a plain value, not a list or mapping", code)
        key = loader.construct_object(key_node)
        if key in seen:
            raise DataError(loader.path, key_node.start_mark.line + 1, f"duplicate key '{key}'", code)
        seen.add(key)
    mapping = Node(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    return mapping


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> Items:
    sequence = Items(loader.construct_sequence(node, deep=True))
    sequence.lines = [child.start_mark.line + 1 for child in node.value]
    return sequence


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def read_yaml(path: Path) -> Any:
    """The parsed file; DataError for anything that is not readable, UTF-8, well-formed YAML."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise DataError(path, None, f"is {size / 1e6:.1f} MB, over the {MAX_FILE_BYTES / 1e6:.0f} MB limit for the data file")
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        line = path.read_bytes()[: error.start].count(b"\n") + 1
        raise DataError(path, line, f"not valid UTF-8 (byte 0x{error.object[error.start]:02x})") from None
    except OSError as error:
        raise DataError(path, None, f"cannot be read: {error.strerror}") from None
    loader = _Loader(text)
    loader.path = path
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        raise DataError(path, line, f"YAML syntax error: {error.problem or error.context}") from None
    except yaml.reader.ReaderError as error:  # a control character such as NUL: no mark, a position
        line = text[: error.position].count("\n") + 1
        character = error.character if isinstance(error.character, int) else ord(error.character)
        raise DataError(path, line, f"YAML syntax error: {error.reason} (character {character:#04x})") from None
    finally:
        loader.dispose()
