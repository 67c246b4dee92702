"""Safe YAML: every mapping remembers the line of each key, duplicate keys are errors.

Scalars that YAML 1.1 would turn into surprising types are kept as text: `19:15` is not the
base-60 integer 1155 and `2026-10-24 19:00` is not a naive datetime silently taken as UTC; the
time module parses them with the site's time zone instead.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

try:  # libyaml's C parser is several times faster; the constructor stays in Python.
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]


class YamlError(Exception):
    def __init__(self, message: str, line: int | None):
        super().__init__(message)
        self.message = message
        self.line = line


class YamlMap(dict[str, Any]):
    """A mapping from YAML that knows the (1-based) line of each key."""

    def __init__(self, items: dict[str, Any], lines: dict[str, int], line: int):
        super().__init__(items)
        self.lines = lines
        self.line = line

    def line_of(self, key: str) -> int:
        return self.lines.get(key, self.line)


# No octal: `time: 0105` must stay the text 0105, not the number 69.
_INT = re.compile(r"^(?:[-+]?0b[0-1_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$")
_FLOAT = re.compile(r"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+)$")


class _Loader(_BaseLoader):  # type: ignore[misc,valid-type]
    pass


# Rebuild the implicit resolvers without timestamps and without base-60 numbers.
_Loader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag
        not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
    ]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver("tag:yaml.org,2002:int", _INT, list("-+0123456789"))
_Loader.add_implicit_resolver("tag:yaml.org,2002:float", _FLOAT, list("-+0123456789."))


def _construct_mapping(loader: _Loader, node: yaml.MappingNode, deep: bool = False) -> YamlMap:
    loader.flatten_mapping(node)
    items: dict[str, Any] = {}
    lines: dict[str, int] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if not isinstance(key, str):
            key = str(key)
        if key in items:
            raise YamlError(
                f"duplicate key '{key}' (first on line {lines[key] + loader.line_offset})", line
            )
        items[key] = loader.construct_object(value_node, deep=True)
        lines[key] = line
    return YamlMap(items, lines, node.start_mark.line + 1)


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


def load_yaml(text: str, line_offset: int = 0) -> Any:
    """Parses one YAML document. Line numbers in errors and in YamlMap are file lines when
    `line_offset` is the number of lines before the YAML text (front matter starts after `---`).
    """
    loader = _Loader(text)
    loader.line_offset = line_offset
    try:
        data = loader.get_single_data()
    except YamlError as exc:
        raise YamlError(exc.message, (exc.line or 0) + line_offset) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if exc.context_mark and mark and mark.index >= len(text.rstrip()):
            # "expected ']'" is only noticed at the end of the text; the line that opened the
            # unclosed bracket or quote is where the officer has to look.
            mark = exc.context_mark
        line = mark.line + 1 + line_offset if mark else None
        problem = exc.problem or exc.context or "invalid YAML"
        if "could not determine a constructor" in str(problem) or "could not determine" in str(exc):
            problem = f"tag {exc.problem.split('tag ')[-1] if exc.problem else ''} is not allowed"
        raise YamlError(f"invalid YAML: {problem}", line) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"invalid YAML: {exc}", None) from None
    finally:
        loader.dispose()
    if line_offset:
        _shift_lines(data, line_offset)
    return data


def _shift_lines(data: Any, offset: int) -> None:
    if isinstance(data, YamlMap):
        data.lines = {k: v + offset for k, v in data.lines.items()}
        data.line += offset
        for value in data.values():
            _shift_lines(value, offset)
    elif isinstance(data, list):
        for value in data:
            _shift_lines(value, offset)
