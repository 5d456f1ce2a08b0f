"""YAML loading that remembers where every value came from, so errors can name file:line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from newsmon.errors import ConfigError

Location = tuple[str | int, ...]
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LocatedYaml:
    """Parsed YAML plus the line of every mapping key and sequence item."""

    def __init__(self, path: Path, data: Any, lines: dict[Location, int]) -> None:
        self.path, self.data, self.lines = path, data, lines

    def line_of(self, loc: Location) -> int | None:
        """Line of the deepest known prefix of `loc` (a pydantic-style error location)."""
        for end in range(len(loc), -1, -1):
            if loc[:end] in self.lines:
                return self.lines[loc[:end]]
        return None

    def error(self, message: str, loc: Location = ()) -> ConfigError:
        key = ".".join(str(part) for part in loc) or None
        return ConfigError(message, path=str(self.path), line=self.line_of(loc), key=key)


def load_located(path: Path) -> LocatedYaml:
    """Read a YAML file; syntax errors become ConfigError with the file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError("file not found", path=str(path)) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"not UTF-8 ({exc.reason} at byte {exc.start})", path=str(path)) from None
    # One parse gives both the node tree (with line marks) and the data; libyaml when present.
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise ConfigError(f"YAML syntax: {exc.problem or exc.context}", path=str(path),
                          line=line) from None
    finally:
        loader.dispose()
    lines: dict[Location, int] = {}
    if root is not None:
        _walk(path, root, (), lines)
    return LocatedYaml(path, data, lines)


def _walk(path: Path, node: yaml.Node, loc: Location, lines: dict[Location, int]) -> None:
    lines.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: dict[object, int] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            # YAML lets the last duplicate win, which silently drops what came before it
            # (a whole `sources:` list): refuse instead.
            if key_node.value in seen:
                key = ".".join(str(part) for part in (*loc, key_node.value))
                raise ConfigError(f"duplicate key {key_node.value!r} (first at line "
                                  f"{seen[key_node.value]}); the second would replace the first",
                                  path=str(path), line=line, key=key)
            seen[key_node.value] = line
            child = (*loc, key_node.value)
            lines[child] = line
            _walk(path, value_node, child, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(path, item, (*loc, index), lines)
