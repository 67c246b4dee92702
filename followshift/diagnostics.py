"""Diagnostics: the problems found in content, and how they are printed.

Every stage reports through a `Diagnostics` collector instead of raising, so that one broken post
never hides the others. A problem that makes the whole site unbuildable is a `SiteError`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path


class Level(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Diagnostic:
    """One problem. A diagnostic about a path always has a line, 1 when the whole file or
    folder is meant: editors' problem matchers (`path:LINE:`) skip a line without one."""

    path: Path | None
    line: int | None
    level: Level
    message: str

    def __post_init__(self) -> None:
        if self.path is not None and (self.line is None or self.line < 1):
            object.__setattr__(self, "line", 1)  # frozen: set once, here

    def format(self, cwd: Path | None = None) -> str:
        """`path:line: level: message`, the path relative to cwd where it can be."""
        where = ""
        if self.path is not None:
            where = display_path(self.path, cwd)
            if self.line is not None:
                where += f":{self.line}"
            where += ": "
        return f"{where}{self.level.value}: {self.message}"


def display_path(path: Path, cwd: Path | None = None) -> str:
    cwd = cwd or Path.cwd()
    try:
        rel = os.path.relpath(path, cwd)
    except ValueError:  # another drive on Windows
        return str(path)
    return rel


@dataclass
class Diagnostics:
    """Collects diagnostics; the order of reporting is made stable by `sorted()`."""

    items: list[Diagnostic] = field(default_factory=list)

    def error(self, path: Path | None, message: str, line: int | None = None) -> None:
        self.items.append(Diagnostic(path, line, Level.ERROR, message))

    def warning(self, path: Path | None, message: str, line: int | None = None) -> None:
        self.items.append(Diagnostic(path, line, Level.WARNING, message))

    def extend(self, other: Diagnostics) -> None:
        self.items.extend(other.items)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.level is Level.ERROR]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.level is Level.WARNING]

    def sorted(self) -> list[Diagnostic]:
        return sorted(
            set(self.items),
            key=lambda d: (str(d.path or ""), d.line or 0, d.level.value, d.message),
        )


class SiteError(Exception):
    """A problem that stops the whole build (site.yaml, a template): nothing is published."""

    def __init__(self, message: str, path: Path | None = None, line: int | None = None):
        super().__init__(message)
        self.diagnostic = Diagnostic(path, line, Level.ERROR, message)

    def __reduce__(self) -> tuple[type[SiteError], tuple[str, Path | None, int | None]]:
        # Raised in a render worker, it reaches the build process pickled: keep path and line.
        d = self.diagnostic
        return type(self), (d.message, d.path, d.line)
