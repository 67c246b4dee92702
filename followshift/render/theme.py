"""Finding a theme, its templates, static files and catalogs, in a documented lookup order.

For a template, the first match wins:
  1. `<site>/templates/`                 a site's own overrides, beside content/
  2. `<site>/themes/<theme>/templates/`  a theme kept with the site
  3. followshift's own `themes/<theme>/templates/`
and for `<theme>` other than `default`, then `default` itself, so a theme can be just a few files.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import followshift
from followshift.diagnostics import SiteError


def builtin_themes() -> Path:
    package = Path(followshift.__file__).resolve().parent
    installed = package / "themes"  # wheels carry the themes inside the package
    return installed if installed.is_dir() else package.parent / "themes"


@dataclass(frozen=True)
class Theme:
    name: str
    roots: tuple[Path, ...]  # theme folders, highest priority first
    site_templates: Path | None

    @property
    def template_dirs(self) -> list[Path]:
        dirs = [self.site_templates] if self.site_templates else []
        return dirs + [r / "templates" for r in self.roots if (r / "templates").is_dir()]

    @property
    def locale_dirs(self) -> list[Path]:
        return [r / "locales" for r in self.roots if (r / "locales").is_dir()]

    @cached_property
    def static_files(self) -> dict[str, Path]:
        """Relative name → file; a higher-priority theme's file replaces a lower one's."""
        files: dict[str, Path] = {}
        for root in reversed(self.roots):
            static = root / "static"
            if static.is_dir():
                for path in sorted(static.rglob("*")):
                    if path.is_file() and not path.name.startswith("."):
                        files[path.relative_to(static).as_posix()] = path
        return files

    @cached_property
    def fingerprint(self) -> str:
        """Changes whenever any theme file changes: part of every cache key."""
        digest = hashlib.blake2b(digest_size=16)
        for folder in [*self.template_dirs, *self.locale_dirs, *(r / "static" for r in self.roots)]:
            if folder.is_dir():
                for path in sorted(folder.rglob("*")):
                    if path.is_file():
                        digest.update(path.as_posix().encode())
                        digest.update(path.read_bytes())
        return digest.hexdigest()


def find_theme(
    site_root: Path, name: str, where: Path | None = None, line: int | None = None
) -> Theme:
    """`where` and `line`: the setting that named the theme, for the diagnostic."""
    candidates = [site_root / "themes" / name, builtin_themes() / name]
    roots = [c for c in candidates if c.is_dir()]
    if not roots:
        builtin = ", ".join(sorted(p.name for p in builtin_themes().iterdir() if p.is_dir()))
        raise SiteError(
            f"theme: '{name}' is neither in {candidates[0]} nor a built-in theme ({builtin})",
            where,
            line,
        )
    if name != "default":
        roots.append(builtin_themes() / "default")
    site_templates = site_root / "templates"
    return Theme(name, tuple(roots), site_templates if site_templates.is_dir() else None)
