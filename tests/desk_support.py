"""The desk under test: a site with a shift that runs now, links made in the real store, the
real desk (waitress) on a free loopback port in a thread, and a small HTTP client with cookies
that sends forms the way a browser does (urlencoded, or multipart with files)."""

from __future__ import annotations

import http.cookiejar
import io
import re
import secrets
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from conftest import TEAMS_YAML, make_site
from PIL import ExifTags, Image

from followshift.commands.desk import make_server
from followshift.desk.store import Store

SHIFT_NOW = "2026-live"
START = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(hours=2)
END = START + timedelta(hours=8)


def desk_site(root: Path, review: str = "required", language: str = "nl") -> Path:
    """A site whose one shift runs now, with the review rule `review`; returns content/."""
    make_site(
        root,
        {
            "content/site.yaml": (
                f"title: Volgdienst Oost\nbase_url: https://volgdienst.example.nl/\n"
                f"language: {language}\nreview: {review}\n"
            ),
            "content/teams.yaml": TEAMS_YAML,
            f"content/{SHIFT_NOW}/shift.yaml": (
                f"title: Avonddienst\nstart: {START:%Y-%m-%dT%H:%M}+00:00\n"
                f"end: {END:%Y-%m-%dT%H:%M}+00:00\n"
            ),
            f"content/{SHIFT_NOW}/zevenaar/0000-begin.md": "---\ntime: '00:00'\n---\nBegin.\n",
        },
    )
    return root / "content"


def invite(content: Path, name: str, team: str | None, comms: bool = False, **kw: object) -> str:
    """A link's token, made in the real store."""
    until = kw.get("until") or END
    assert isinstance(until, datetime)
    _, token = Store.beside(content).add_invite(
        name, "comms" if comms else "officer", team, until, actor="test", via="test"
    )
    return token


@contextmanager
def running_desk(content: Path, trusted_proxy: str | None = None) -> Iterator[str]:
    """The real desk on a free loopback port; yields its base URL."""
    server = make_server(content, "127.0.0.1", 0, trusted_proxy)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:

        def close_all() -> None:  # in the server's own loop: every socket, then it ends
            for dispatcher in list(server._map.values()):
                dispatcher.close()

        try:
            server.trigger.pull_trigger(close_all)
        except OSError:  # the loop closed its trigger already: it is ending; close the rest here
            close_all()
        thread.join(timeout=10)
        server.task_dispatcher.shutdown()
        assert not thread.is_alive()


@dataclass
class Answer:
    status: int
    text: str
    headers: dict[str, str]
    url: str


class Client:
    """A browser in miniature: cookies, redirects followed, forms as browsers send them."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str, headers: dict[str, str] | None = None) -> Answer:
        return self._open(urllib.request.Request(self.base + path, headers=headers or {}))

    def post(
        self,
        path: str,
        fields: dict[str, str],
        files: dict[str, tuple[str, bytes]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        if files is None:
            body = urllib.parse.urlencode(fields).encode()
            kind = "application/x-www-form-urlencoded"
        else:
            body, kind = multipart(fields, files)
        request = urllib.request.Request(
            self.base + path,
            data=body,
            headers={"Content-Type": kind, "Origin": self.base, **(headers or {})},
        )
        return self._open(request)

    def _open(self, request: urllib.request.Request) -> Answer:
        try:
            with self.opener.open(request, timeout=30) as response:
                return Answer(
                    response.status,
                    response.read().decode("utf-8", "replace"),
                    dict(response.headers),
                    response.url,
                )
        except urllib.error.HTTPError as error:
            return Answer(
                error.code, error.read().decode("utf-8", "replace"), dict(error.headers), ""
            )

    def form(self, path: str = "/") -> dict[str, str]:
        """The hidden fields of the first form on a page with a nonce (CSRF token, nonce)."""
        page = self.get(path).text
        fields = {"csrf_token": _hidden(page, "csrf_token")}
        if 'name="nonce"' in page:
            fields["nonce"] = _hidden(page, "nonce")
        return fields

    def sign_in(self, token: str) -> Answer:
        return self.get(f"/i/{token}")


def _hidden(page: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]+)"', page)
    assert match, f"no {name} on the page"
    return match[1]


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = "----desk" + secrets.token_hex(8)
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode())
        out.write(value.encode() + b"\r\n")
    for name, (filename, data) in files.items():
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
        )
        out.write(data + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


GPS = {  # 52°N 5°54'E, as a phone writes it
    ExifTags.GPS.GPSLatitudeRef: "N",
    ExifTags.GPS.GPSLatitude: (52.0, 0.0, 0.0),
    ExifTags.GPS.GPSLongitudeRef: "E",
    ExifTags.GPS.GPSLongitude: (5.0, 54.0, 0.0),
}


def photo(kind: str = "JPEG", gps: bool = False, size: tuple[int, int] = (640, 480)) -> bytes:
    """A real photo (JPEG, PNG or HEIF), with GPS in its EXIF if asked."""
    import pillow_heif

    pillow_heif.register_heif_opener()
    image = Image.new("RGB", size, (30, 90, 160))
    for x in range(0, size[0], 40):  # some structure, so it is not one flat colour
        image.paste((220, 200, 40), (x, 0, x + 20, size[1]))
    exif = Image.Exif()
    if gps:
        exif.get_ifd(ExifTags.IFD.GPSInfo).update(GPS)
    out = io.BytesIO()
    image.save(out, kind, exif=exif.tobytes()) if kind != "PNG" else image.save(out, kind)
    return out.getvalue()


def has_gps(data: bytes) -> bool:
    with Image.open(io.BytesIO(data)) as image:
        return bool(image.getexif().get_ifd(ExifTags.IFD.GPSInfo))
