"""Safe YAML: every mapping remembers the line of each key, duplicate keys are errors.

Scalars that YAML 1.1 would turn into surprising types are kept as text: `19:15` is not the
base-60 integer 1155, `19.30` is not the number 19.3 (no setting is a fraction), and
`2026-10-24 19:00` is not a naive datetime silently taken as UTC; the time module parses them with
the site's time zone instead.

Hostile YAML is refused in bounded time and memory, before anything is built from it: aliases
may add at most MAX_ALIAS_VALUES values to a document (a "billion laughs" adds 9**9), nesting is
at most MAX_DEPTH deep, an alias may not sit inside its own anchor, a key must be a scalar, and a
string may not hold control characters (`"\\x01"` would reach a page's <title>).
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from followshift.clean import echo, first_control

try:  # libyaml's C parser is several times faster; the constructor stays in Python.
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

# Far above what any of our files needs (a teams.yaml of 27 teams that all merge one `<<: *base`
# of five keys adds ~300), far below what takes measurable time or memory to build or walk.
MAX_ALIAS_VALUES = 1000
MAX_DEPTH = 32


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


# No octal: `time: 0105` must stay the text 0105, not the number 69. No number longer than any
# setting needs: Python refuses to convert more than 4,300 digits (a ValueError, not YAML's).
_INT = re.compile(
    r"^(?:[-+]?0b[0-1_]{1,64}|[-+]?(?:0|[1-9][0-9_]{0,30})|[-+]?0x[0-9a-fA-F_]{1,16})$"
)


class _Loader(_BaseLoader):
    line_offset: int = 0  # set by load_yaml: lines before the YAML text, for messages


# Rebuild the implicit resolvers without timestamps, base-60 numbers and floats.
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


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _construct_str(loader: _Loader, node: yaml.ScalarNode) -> str:
    value = loader.construct_scalar(node)
    bad = first_control(value)
    if bad:
        raise YamlError(
            f"control character {bad} in '{echo(value)}'; remove it (a YAML escape such as "
            "\\x01 or \\u000b, or a character pasted from another program)",
            _line(node),
        )
    return value


def _construct_mapping(loader: _Loader, node: yaml.MappingNode, deep: bool = False) -> YamlMap:
    loader.flatten_mapping(node)
    items: dict[str, Any] = {}
    lines: dict[str, int] = {}
    for key_node, value_node in node.value:
        line = _line(key_node)
        if not isinstance(key_node, yaml.ScalarNode):
            raise YamlError("a key must be a name, not a list or a mapping", line)
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            key = str(key)
        if key in items:
            raise YamlError(
                f"duplicate key '{echo(key)}' (first on line {lines[key] + loader.line_offset})",
                line,
            )
        items[key] = loader.construct_object(value_node, deep=True)
        lines[key] = line
    return YamlMap(items, lines, _line(node))


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:str", _construct_str)


def load_yaml(text: str, line_offset: int = 0) -> Any:
    """Parses one YAML document. Line numbers in errors and in YamlMap are file lines when
    `line_offset` is the number of lines before the YAML text (front matter starts after `---`).
    """
    loader = _Loader(text)
    loader.line_offset = line_offset
    try:
        node = loader.get_single_node()
        data = None
        if node is not None:
            problem = _check_graph(node) if _may_exceed(text) else None
            if problem:
                raise YamlError(*(_locate(text) or (problem, _line(node))))
            data = loader.construct_document(node)
    except YamlError as exc:
        raise YamlError(exc.message, (exc.line or 1) + line_offset) from None
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
        _shift_lines(data, line_offset, set())
    return data


# ---------------------------------------------------------------------------------------------
# bounds, checked on the composed nodes (linear in the text: an alias is a shared node there)

_TOO_MANY = (
    f"aliases (*name) repeat more than {MAX_ALIAS_VALUES} values; write the values out instead"
)
_TOO_DEEP = f"nested more than {MAX_DEPTH} levels deep"
_RECURSIVE = "an alias (*name) inside the value it names"
_KEY = "a key must be a name, not a list or a mapping"


def _may_exceed(text: str) -> bool:
    """Whether the walk below is needed (it costs ~10 µs for a front matter; this ~0.5 µs).
    Without an anchor (`&`) there is no alias, and every collection of a document starts at a
    character of its own (`[`, `{`, `-`, `:`, `?`), so fewer of those cannot nest too deep."""
    return "&" in text or sum(map(text.count, "[{-:?")) > MAX_DEPTH


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [child for pair in node.value for child in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _check_graph(root: yaml.Node) -> str | None:
    """What makes the document too big or too deep once its aliases are expanded, or None.

    One walk in document order, so an anchor is always met before its aliases: a node met a
    second time is an alias, and adds its expanded size to the count.
    """
    done: dict[int, tuple[int, int]] = {}  # id(node) -> (expanded size, height)
    active: set[int] = set()
    added = 0
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, closing = stack.pop()
        key = id(node)
        if closing:
            size, height = 1, 0
            for child in _children(node):
                child_size, child_height = done[id(child)]
                size += child_size
                height = max(height, child_height)
            done[key] = (size, height + 1)
            active.discard(key)
            if height + 1 > MAX_DEPTH:
                return _TOO_DEEP
            continue
        if key in done:
            added += done[key][0]
            if added > MAX_ALIAS_VALUES:
                return _TOO_MANY
            continue
        if key in active:
            return _RECURSIVE
        if isinstance(node, yaml.ScalarNode):
            done[key] = (1, 0)
            continue
        if isinstance(node, yaml.MappingNode) and not all(
            isinstance(k, yaml.ScalarNode) for k, _ in node.value
        ):
            return _KEY  # `? [a, b]` or `? *list`: str() of it could be any size
        active.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(_children(node)))
    return None


def _locate(text: str) -> tuple[str, int] | None:
    """The first problem of _check_graph's kinds and its line, from the parser's events (run
    only when there is a problem: events carry the line of each alias, nodes do not)."""
    # anchor -> (expanded size, height); the stubs allow an alias without an anchor (None)
    sizes: dict[str | None, tuple[int, int]] = {}
    frames: list[list[Any]] = []  # open collections: [anchor, size, height, values or -1]
    added = 0
    for event in yaml.parse(text, Loader=_BaseLoader):
        assert event.start_mark is not None  # the parser marks every event it makes
        line = event.start_mark.line + 1
        if isinstance(event, yaml.NodeEvent) and frames and frames[-1][3] >= 0:
            frames[-1][3] += 1  # in a mapping, the odd nodes are its keys
            key = frames[-1][3] % 2 == 1
            if key and isinstance(event, yaml.CollectionStartEvent):
                return _KEY, line
            if key and isinstance(event, yaml.AliasEvent) and sizes.get(event.anchor, (1, 0))[1]:
                return _KEY, line
        if isinstance(event, yaml.CollectionStartEvent):
            is_map = isinstance(event, yaml.MappingStartEvent)
            frames.append([event.anchor, 1, 0, 0 if is_map else -1])
            if len(frames) > MAX_DEPTH:
                return _TOO_DEEP, line
        elif isinstance(event, yaml.CollectionEndEvent):
            anchor, size, height, _ = frames.pop()
            if anchor:
                sizes[anchor] = (size, height + 1)
            if frames:
                frames[-1][1] += size
                frames[-1][2] = max(frames[-1][2], height + 1)
        elif isinstance(event, yaml.AliasEvent):
            if any(frame[0] == event.anchor for frame in frames):
                return _RECURSIVE, line
            size, height = sizes.get(event.anchor, (1, 0))
            added += size
            if added > MAX_ALIAS_VALUES:
                return _TOO_MANY, line
            if len(frames) + height > MAX_DEPTH:
                return _TOO_DEEP, line
            if frames:
                frames[-1][1] += size
                frames[-1][2] = max(frames[-1][2], height)
        elif isinstance(event, yaml.ScalarEvent):
            if event.anchor:
                sizes[event.anchor] = (1, 0)
            if frames:
                frames[-1][1] += 1
    return None


def _shift_lines(data: Any, offset: int, seen: set[int]) -> None:
    if id(data) in seen:  # a value reached again through an alias is shifted once
        return
    if isinstance(data, YamlMap):
        seen.add(id(data))
        data.lines = {k: v + offset for k, v in data.lines.items()}
        data.line += offset
        for value in data.values():
            _shift_lines(value, offset, seen)
    elif isinstance(data, list):
        seen.add(id(data))
        for value in data:
            _shift_lines(value, offset, seen)
