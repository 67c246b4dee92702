"""site.yaml → SiteConfig: typed, with defaults, every key validated.

All problems are collected before stopping (like MkDocs' config schema), so one run shows them
all. Errors here are site-level: the build publishes nothing. Unknown keys are warnings, except
likely typos of a known key (`langauge:`), which are errors (config/keys.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from followshift.clean import echo, find_control
from followshift.config.branding import Logo, LogoError, Phone, load_logo, load_phones
from followshift.config.embed import EmbedConfig, load_embed
from followshift.config.keys import check_keys
from followshift.diagnostics import Diagnostics
from followshift.photos.model import ImageSettings
from followshift.times import TimeError, parse_duration
from followshift.yamlio import YamlError, YamlMap, load_yaml

LANGUAGES = ("nl", "en")
# Who must look at a post from the desk before it goes out (docs/desk.md): nobody; someone of
# the comms team; someone of the comms team who is not its author ("two pairs of eyes").
REVIEW_MODES = ("none", "required", "four-eyes")
DEFAULT_BASE_URL = "http://localhost:8000/"


@dataclass(frozen=True)
class PublishConfig:
    """`publish:` in site.yaml: where `followshift publish` sends the site (never credentials:
    those come from the AWS sources only). Checked here for form; the publisher parses `to`."""

    to: str | None = None
    endpoint_url: str | None = None
    region: str | None = None
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class SiteConfig:
    title: str = "Volgdienst"
    base_url: str = DEFAULT_BASE_URL
    language: str = "nl"
    timezone: str = "Europe/Amsterdam"
    theme: str = "default"
    description: str = ""
    delay: timedelta = timedelta()
    per_page: int = 50
    # site.yaml's `images:` as the photo stage, the reader's probe and `new` use them: typed once
    # here, so no caller converts (og_width is not a setting: its default).
    images: ImageSettings = field(default_factory=ImageSettings)
    review: str = "none"  # one of REVIEW_MODES; shift.yaml may override it
    publish: PublishConfig = field(default_factory=PublishConfig)
    logo: Logo | None = None  # `logo:`, checked and published as an asset (config/branding.py)
    phones: tuple[Phone, ...] = ()  # `phones:`, numbers besides 112, as tel: links
    # privacy: {allowed_numbers: [...]}: phone numbers a post may name without a warning
    # (docs/privacy.md), as written; followshift/privacy/text.py compares them digit by digit.
    allowed_numbers: tuple[str, ...] = ()
    embed: EmbedConfig = field(default_factory=EmbedConfig)  # who may frame <shift>/embed/
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    def line_of(self, key: str) -> int | None:
        """The site.yaml line of a setting, for diagnostics found after loading."""
        return self.lines.get(key)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def with_base_url(self, url: str) -> SiteConfig:
        """With --base-url instead (checked by the command line: ValueError here)."""
        return replace(self, base_url=check_base_url(url))


def _normalise_url(url: str) -> str:
    return url if url.endswith("/") else url + "/"


class _Invalid(ValueError):
    pass


def _text(value: Any) -> str:
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise _Invalid("must be text")
    return str(value).strip()


def check_base_url(url: str) -> str:
    """The URL every published link starts with, ending in `/`; ValueError (the message for
    the user) unless it is an absolute http(s) URL with a host and nothing that could break
    out of a URL, an attribute or a line of robots.txt: no whitespace, control characters,
    quotes, angle brackets or backslashes, no user, query or fragment."""
    bad = "must be an absolute http(s) URL such as https://example.org/"
    if find_control(url) is not None or re.search(r"[\s\"'<>\\`{}|^]", url):
        raise ValueError(f"{bad}, without spaces, quotes or control characters, not '{echo(url)}'")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        raise ValueError(f"{bad}, not '{echo(url)}'") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{bad}, not '{echo(url)}'")
    if parts.username is not None or parts.query or parts.fragment or url.endswith(("?", "#")):
        raise ValueError(f"{bad}, without a user name, ?query or #fragment, not '{echo(url)}'")
    return _normalise_url(url)


def _base_url(value: Any) -> str:
    if not isinstance(value, str):
        raise _Invalid("must be an absolute http(s) URL such as https://example.org/")
    try:
        return check_base_url(value.strip())
    except ValueError as exc:
        raise _Invalid(str(exc)) from None


def _language(value: Any) -> str:
    lang = _text(value).lower()
    if lang not in LANGUAGES:
        raise _Invalid(f"'{echo(lang)}' is not supported; use one of: {', '.join(LANGUAGES)}")
    return lang


def _timezone(value: Any) -> str:
    name = _text(value)
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise _Invalid(
            f"'{echo(name)}' is not an IANA time zone such as Europe/Amsterdam"
        ) from None
    return name


def _theme(value: Any) -> str:
    name = _text(value)
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", name) or name.startswith("."):
        raise _Invalid(f"'{echo(name)}' is not a theme folder name")
    return name


def review_mode(value: Any) -> str:
    """`review:` of site.yaml or shift.yaml: one of REVIEW_MODES."""
    mode = _text(value).lower()
    if mode not in REVIEW_MODES:
        raise _Invalid(f"must be one of {', '.join(REVIEW_MODES)}, not '{echo(mode)}'")
    return mode


def _delay(value: Any) -> timedelta:
    try:
        return parse_duration(value)
    except TimeError as exc:
        raise _Invalid(str(exc)) from None


def _positive_int(low: int, high: int) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise _Invalid(f"must be a whole number from {low} to {high}")
        return value

    return check


def _widths(value: Any) -> tuple[int, ...]:
    if not isinstance(value, list) or not value:
        raise _Invalid("must be a list of widths in pixels, such as [480, 960, 1600]")
    check = _positive_int(16, 8192)
    return tuple(sorted({check(v) for v in value}))


_IMAGE_KEYS: dict[str, Callable[[Any], Any]] = {
    "widths": _widths,
    "quality": _positive_int(1, 100),
    "max_pixels": _positive_int(1, 1_000_000_000),
}


def _s3_url(value: Any) -> str:
    url = _text(value)
    if "@" in url:  # a key or secret written into the URL: never echoed
        raise _Invalid("must not hold credentials; they come from AWS_PROFILE or the AWS variables")
    if not url.lower().startswith("s3://") or find_control(url) is not None:
        raise _Invalid(f"'{echo(url)}' is not an s3:// URL such as s3://my-bucket/volgdienst/")
    return url


def _endpoint_url(value: Any) -> str:
    url = _text(value)
    if "@" in url:
        raise _Invalid("must not hold credentials; they come from AWS_PROFILE or the AWS variables")
    parts = urlsplit(url) if find_control(url) is None else None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise _Invalid(f"'{echo(url)}' is not an http(s) URL such as https://s3.example.org")
    return url


def _region(value: Any) -> str:
    name = _text(value)
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,40}", name):
        raise _Invalid(f"'{echo(name)}' is not a region name such as eu-central-1 or auto")
    return name


_PUBLISH_KEYS: dict[str, Callable[[Any], Any]] = {
    "to": _s3_url,
    "endpoint_url": _endpoint_url,
    "region": _region,
}
# Names a credential is given under: an error in site.yaml, which is content (kept in git,
# copied around), and whose values are never echoed.
_SECRET = re.compile(r"key|secret|token|passw|credential", re.IGNORECASE)

_KEYS: dict[str, Callable[[Any], Any]] = {
    "title": _text,
    "base_url": _base_url,
    "language": _language,
    "timezone": _timezone,
    "theme": _theme,
    "description": _text,
    "delay": _delay,
    "per_page": _positive_int(5, 1000),
    "review": review_mode,
}


def load_config(path: Path, diagnostics: Diagnostics) -> SiteConfig:
    """Reads site.yaml (missing: all defaults, with a warning). Errors go to diagnostics."""
    if not path.exists():
        diagnostics.warning(path, "no site.yaml; using defaults")
        return SiteConfig()
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except YamlError as exc:
        diagnostics.error(path, exc.message, exc.line)
        return SiteConfig()
    except UnicodeDecodeError:
        diagnostics.error(path, "not UTF-8 text", 1)
        return SiteConfig()
    except OSError as exc:
        diagnostics.error(path, read_problem(path, exc), 1)
        return SiteConfig()
    if data is None:
        data = YamlMap({}, {}, 1)
    if not isinstance(data, YamlMap):
        diagnostics.error(path, "must be a mapping of settings (key: value)", 1)
        return SiteConfig()

    values = _check_keys(path, data, _KEYS, diagnostics, "site.yaml")
    images = ImageSettings()
    if "images" in data:
        raw = data["images"]
        if isinstance(raw, YamlMap):
            image_values = _check_keys(path, raw, _IMAGE_KEYS, diagnostics, "images")
            images = ImageSettings(**image_values)
        else:
            diagnostics.error(
                path,
                "images: must be a mapping (widths, quality, max_pixels)",
                data.line_of("images"),
            )
    privacy = _privacy(path, data, diagnostics) if "privacy" in data else {}
    publish = _publish(path, data, diagnostics)
    embed = load_embed(path, data, diagnostics)
    branding = _branding(path, data, diagnostics)
    if branding.get("phones"):  # the site's own numbers never need a warning in a post
        shown = tuple(phone.number for phone in branding["phones"])
        privacy = {**privacy, "allowed_numbers": (*privacy.get("allowed_numbers", ()), *shown)}
    if "base_url" not in data:
        diagnostics.warning(
            path, f"no base_url; feeds, sitemap and share links will point at {DEFAULT_BASE_URL}"
        )
    return SiteConfig(
        **values,
        images=images,
        publish=publish,
        embed=embed,
        **branding,
        **privacy,
        lines=dict(data.lines),
    )


def _branding(path: Path, data: YamlMap, diagnostics: Diagnostics) -> dict[str, Any]:
    """`logo:` and `phones:` (config/branding.py); a bad one is an error at its line."""
    found: dict[str, Any] = {}
    if "logo" in data:
        try:
            found["logo"] = load_logo(data["logo"], path.parent)
        except LogoError as exc:
            diagnostics.error(path, f"logo: {exc}", data.line_of("logo"))
    if "phones" in data:
        found["phones"] = load_phones(data["phones"], path, data.line_of("phones"), diagnostics)
    return found


def _publish(path: Path, data: YamlMap, diagnostics: Diagnostics) -> PublishConfig:
    if "publish" not in data:
        return PublishConfig()
    raw = data["publish"]
    if not isinstance(raw, YamlMap):
        diagnostics.error(
            path, "publish: must be a mapping (to, endpoint_url, region)", data.line_of("publish")
        )
        return PublishConfig()
    secrets = [key for key in raw if _SECRET.search(str(key))]
    for key in secrets:
        diagnostics.error(
            path,
            f"publish: '{echo(key)}' looks like a credential, and credentials never go in "
            "site.yaml: use AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY "
            "(docs/publishing.md)",
            raw.line_of(key),
        )
    rest = YamlMap({k: v for k, v in raw.items() if k not in secrets}, raw.lines, raw.line)
    values = _check_keys(path, rest, _PUBLISH_KEYS, diagnostics, "publish")
    return PublishConfig(**values, lines={k: raw.line_of(k) for k in raw})


def _allowed_numbers(value: Any) -> tuple[str, ...]:
    message = "must be a list of phone numbers, such as ['0316-123456']"
    if not isinstance(value, list):
        raise _Invalid(message)
    numbers = []
    for item in value:
        number = _text(item) if not isinstance(item, list | dict) else ""
        if not re.fullmatch(r"[+(]?[0-9][0-9 ()+.-]{1,24}", number):
            raise _Invalid(f"{message}, not '{echo(number)}'" if number else message)
        numbers.append(number)
    return tuple(numbers)


_PRIVACY_KEYS: dict[str, Callable[[Any], Any]] = {"allowed_numbers": _allowed_numbers}


def _privacy(path: Path, data: YamlMap, diagnostics: Diagnostics) -> dict[str, Any]:
    raw = data["privacy"]
    if not isinstance(raw, YamlMap):
        line = data.line_of("privacy")
        diagnostics.error(path, "privacy: must be a mapping (allowed_numbers)", line)
        return {}
    return _check_keys(path, raw, _PRIVACY_KEYS, diagnostics, "privacy")


def _check_keys(
    path: Path,
    data: YamlMap,
    schema: dict[str, Callable[[Any], Any]],
    diagnostics: Diagnostics,
    where: str,
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    read_by_caller = ["images", "publish", "privacy", "logo", "phones", "embed"]
    known = sorted([*schema, *read_by_caller] if where == "site.yaml" else schema)
    check_keys(data, known, path, diagnostics, where)
    for key, raw in data.items():
        check = schema.get(key)
        if check is None:  # read by the caller (read_by_caller), or unknown (reported above)
            continue
        try:
            values[key] = check(raw)
        except _Invalid as exc:
            diagnostics.error(path, f"{key}: {exc}", data.line_of(key))
    return values


def read_problem(path: Path, exc: OSError) -> str:
    """Why a YAML file could not be read, for its diagnostic."""
    if path.is_dir():
        return f"is a folder; {path.name} must be a file"
    return f"cannot be read: {exc.strerror or exc}"
