"""The layering of followshift's packages (docs/plan of issue 16, §2.2): imports go down the
stages only. Read from the source with `ast`, so nothing is imported (no import-time effects).

Every import counts, also those inside functions and under `if TYPE_CHECKING:`: a type-only
import is still a dependency of the layer, and a lazy import only hides a cycle.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import followshift

PACKAGE = Path(followshift.__file__).resolve().parent

# Import nothing of followshift but each other: anything may use them.
LEAVES = frozenset(
    {
        "clean",
        "commonmark",
        "confine",
        "diagnostics",
        "naming",
        "nesting",
        "oslock",
        "times",
        "yamlio",
        "photos.model",
    }
)

# The stages above reading: content/ and config/ never reach them.
ABOVE_READING = ("render", "build", "publish", "commands", "cli", "watch", "serve", "report")

# content/ may call the one module that starts processes (build/schedule.py, which calls
# nothing back) ...
CONTENT_MAY_USE = frozenset({"build.schedule"})
# ... and, as known exceptions that are not yet undone, these (none today: what reading and
# rendering both need, the Markdown's nesting check and the folder names site/ keeps for
# itself, lives in the leaves commonmark.py, nesting.py and naming.py):
CONTENT_EXCEPTIONS: dict[str, frozenset[str]] = {}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


@cache
def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _resolve(name: str) -> str | None:
    """`followshift.a.b` → `a.b` (the package itself → ""); None when not followshift's."""
    if name == "followshift":
        return ""
    if name.startswith("followshift."):
        return name.removeprefix("followshift.")
    return None


@cache
def imports(module: str) -> frozenset[str]:
    """The followshift modules that `module` imports (names without `followshift.`).

    `from followshift.build import schedule` imports the module build.schedule, not the
    package build: a name that is a module of the package counts as that module."""
    path = _modules()[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(n for a in node.names if (n := _resolve(a.name)) is not None)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".") if package else []
                base = parts[: len(parts) - node.level + 1]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                resolved = _resolve(node.module or "")
                if resolved is None:
                    continue
                target = resolved
            for alias in node.names:
                sub = f"{target}.{alias.name}" if target else alias.name
                found.add(sub if sub in _modules() else target)
    found.discard(module)
    return frozenset(found)


def _in(module: str, *packages: str) -> bool:
    return any(module == p or module.startswith(p + ".") for p in packages)


def _of(*packages: str) -> list[str]:
    return [m for m in _modules() if _in(m, *packages)]


def test_the_import_reader_sees_the_packages() -> None:
    # Guards the test itself: a reader that found nothing would pass every rule below.
    assert "config.site" in _modules() and "content.loader" in _modules()
    assert "config.keys" in imports("config.site")
    assert "build.schedule" in imports("content.loader")  # from followshift.build import …
    assert set(_modules()) >= LEAVES


def test_leaves_import_nothing_of_followshift_but_leaves() -> None:
    wrong = {leaf: imports(leaf) - LEAVES for leaf in LEAVES}
    assert {leaf: found for leaf, found in wrong.items() if found} == {}


def test_config_imports_only_config_and_leaves() -> None:
    """config/ is the typed schema of the YAML files: below content/, which reads with it."""
    wrong = {m: {i for i in imports(m) - LEAVES if not _in(i, "config")} for m in _of("config")}
    assert {m: found for m, found in wrong.items() if found} == {}


def test_config_imports_nothing_of_content_or_later_stages() -> None:
    later = ("content", "photos.stage", "scaffold", *ABOVE_READING)
    wrong = {m: {i for i in imports(m) if _in(i, *later)} for m in _of("config")}
    assert {m: found for m, found in wrong.items() if found} == {}


def test_content_imports_no_later_stage_but_the_known_exceptions() -> None:
    wrong = {
        m: {
            i
            for i in imports(m)
            if _in(i, *ABOVE_READING, "scaffold")
            and i not in CONTENT_MAY_USE
            and i not in CONTENT_EXCEPTIONS.get(m, ())
        }
        for m in _of("content")
    }
    assert {m: found for m, found in wrong.items() if found} == {}


def test_content_never_imports_render() -> None:
    """Reading is below rendering: what both need lives in a leaf, never in render/."""
    wrong = {m: {i for i in imports(m) if _in(i, "render")} for m in _of("content")}
    assert {m: found for m, found in wrong.items() if found} == {}


def test_each_known_exception_is_still_needed() -> None:
    # When one is undone, it leaves the list, so the list says what is true.
    for module, allowed in CONTENT_EXCEPTIONS.items():
        assert allowed <= imports(module), module


def test_reading_and_rendering_never_import_the_pipeline_or_the_commands() -> None:
    top = ("build.pipeline", "build.state", "commands", "cli")
    wrong = {
        m: {i for i in imports(m) if _in(i, *top)}
        for m in _of("content", "config", "photos", "render")
    }
    assert {m: found for m, found in wrong.items() if found} == {}


def test_the_schedule_calls_nothing_back() -> None:
    """The process and gc utilities the stages call: they import nothing of followshift but
    diagnostics (and the schedule, the gc policy), so they can never call a stage back."""
    assert imports("build.schedule") <= {"diagnostics", "build.collector"}
    assert imports("build.collector") == set()


def test_render_never_calls_the_build_back() -> None:
    """The pipeline drives the render stage (the context, the page shares, the outputs) and does
    its own work between them; render/ uses nothing of build/ but the process utilities."""
    wrong = {
        m: {i for i in imports(m) if _in(i, "build") and i != "build.schedule"}
        for m in _of("render")
    }
    assert {m: found for m, found in wrong.items() if found} == {}


def test_producers_read_the_context_not_the_stage() -> None:
    """A producer is handed the RenderContext; it never reaches for what drives it."""
    drivers = ("render.stage", "render.shares")
    wrong = {m: {i for i in imports(m) if _in(i, *drivers)} for m in _of("render.producers")}
    assert {m: found for m, found in wrong.items() if found} == {}
