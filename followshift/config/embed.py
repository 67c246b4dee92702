"""`embed:` in site.yaml: which other sites may show a shift's `<shift>/embed/` page in an iframe.

    embed:
      allow: ["https://www.politie.nl", "https://*.omroepgelderland.nl"]

Each entry becomes a source of the embed page's `frame-ancestors` (render/producers/headers.py
writes it into `_headers`; docs/hosting.md and docs/publishing.md give it for nginx and a CDN).
So each must be an origin and nothing else: `https://` (plain `http://` only for localhost,
for a preview), a host name that may start with `*.` (any subdomain, as CSP reads it), an
optional port, no path, user, query or fragment, and none of the characters that would end a
source or a header (spaces, quotes, `;`, `,`). Without entries no embed page is made at all
(docs/decisions.md, "Share, embed, notifications").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from followshift.clean import echo, find_control
from followshift.config.keys import check_keys
from followshift.diagnostics import Diagnostics
from followshift.yamlio import YamlMap

_HOST = re.compile(r"(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*")
_LOCAL = ("localhost", "127.0.0.1", "[::1]")
_EXAMPLE = "an https:// origin such as https://www.politie.nl"


@dataclass(frozen=True)
class EmbedConfig:
    """The origins allowed to frame embed pages, normalised (`https://host[:port]`), in the
    order given, without duplicates; empty: no embed pages."""

    allow: tuple[str, ...] = ()
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    @property
    def enabled(self) -> bool:
        return bool(self.allow)

    @property
    def frame_ancestors(self) -> str:
        """The CSP directive of an embed page."""
        return "frame-ancestors " + " ".join(self.allow)


class InvalidOrigin(ValueError):
    pass


def check_origin(value: Any) -> str:
    """One `allow` entry as a CSP source (`https://host[:port]`); InvalidOrigin (the message
    for the user) for anything else."""
    if not isinstance(value, str):
        raise InvalidOrigin(f"must be {_EXAMPLE}")
    text = value.strip()
    if find_control(text) is not None or re.search(r"[\s\"'<>\\`{}|^;,]", text):
        raise InvalidOrigin(f"'{echo(text)}' must be {_EXAMPLE}, without spaces or quotes")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise InvalidOrigin(f"'{echo(text)}' must be {_EXAMPLE}") from None
    scheme = parts.scheme.lower()
    host = parts.hostname or ""
    host = "[::1]" if host == "::1" else host
    if scheme not in ("https", "http") or not (_HOST.fullmatch(host) or host == "[::1]"):
        raise InvalidOrigin(f"'{echo(text)}' must be {_EXAMPLE}")
    if scheme == "http" and host not in _LOCAL:
        raise InvalidOrigin(
            f"'{echo(text)}' must be {_EXAMPLE}: a page served over plain http can be "
            "changed on the way, so it may not frame the live blog (http only for localhost)"
        )
    if parts.username is not None or parts.path not in ("", "/") or parts.query or parts.fragment:
        raise InvalidOrigin(
            f"'{echo(text)}' must be an origin only ({_EXAMPLE}), without a path, "
            "user, ?query or #fragment: a site may frame the page from any of its pages"
        )
    return f"{scheme}://{host}" + (f":{port}" if port else "")


def load_embed(path: Path, data: YamlMap, diagnostics: Diagnostics) -> EmbedConfig:
    """site.yaml's `embed:` (absent: no embed pages). Errors go to diagnostics."""
    if "embed" not in data:
        return EmbedConfig()
    raw = data["embed"]
    where = data.line_of("embed")
    if not isinstance(raw, YamlMap):
        diagnostics.error(path, 'embed: must be a mapping such as {allow: ["https://…"]}', where)
        return EmbedConfig()
    check_keys(raw, ["allow"], path, diagnostics, "embed")
    if "allow" not in raw or raw["allow"] is None:
        return EmbedConfig()
    line = raw.line_of("allow")
    entries = raw["allow"]
    if isinstance(entries, str):
        entries = [entries]
    if not isinstance(entries, list):
        diagnostics.error(path, f"embed: allow: must be a list of origins, each {_EXAMPLE}", line)
        return EmbedConfig()
    allow: list[str] = []
    for entry in entries:
        try:
            origin = check_origin(entry)
        except InvalidOrigin as exc:
            diagnostics.error(path, f"embed: allow: {exc}", line)
            continue
        if origin not in allow:
            allow.append(origin)
    return EmbedConfig(tuple(allow), lines={"allow": line})
