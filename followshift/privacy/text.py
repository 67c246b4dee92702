"""Personal data in a post's words: Dutch licence plates, phone numbers, e-mail addresses and
street + house number (docs/privacy.md, "Text warnings").

A leaf: plain `re`, nothing of followshift, so the reader (content/posts.py), `check` and the
desk all ask the same question of the same text. Every pattern errs towards silence on the
things a follow-shift post is full of (times, dates, roads like A12 or N325, 112, amounts,
article numbers, "Team 3"): a warning that cries wolf on every post is soon ignored.
tests/test_privacy_text.py holds the table of what must and must not be found.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

PLATE = "licence plate"
PHONE = "phone number"
EMAIL = "e-mail address"
ADDRESS = "street and house number"

# Numbers a post may always name: the emergency number, the police's own number and Meld
# Misdaad Anoniem. More come from site.yaml's `privacy: {allowed_numbers: [...]}`.
ALWAYS_ALLOWED = ("112", "0900-8844", "0800-7000")


@dataclass(frozen=True)
class Finding:
    kind: str  # PLATE, PHONE, EMAIL or ADDRESS
    text: str  # what was matched, as written
    line: int  # 1-based, within the scanned text
    start: int  # offset in the scanned text

    @property
    def message(self) -> str:
        return f'possible {self.kind} "{self.text}" (privacy)'


# --- licence plates -------------------------------------------------------------------------
# The fourteen sidecodes (RDW): L a letter, D a digit; the RDW gives out sidecodes 7-14 with
# consonants only, never C or Q.
_SIDECODES = (
    "LL-DD-DD", "DD-DD-LL", "DD-LL-DD", "LL-DD-LL", "LL-LL-DD", "DD-LL-LL",  # 1-6, until 1999
    "DD-CCC-D", "D-CCC-DD", "CC-DDD-C", "C-DDD-CC", "CCC-DD-C", "C-DD-CCC",  # 7-12
    "D-CC-DDD", "DDD-CC-D",  # 13-14
)  # fmt: skip


def _plate_pattern(dashes: bool) -> str:
    """With dashes a plate is unmistakable: any letter, either case (`ab-12-cd`, a made-up
    `12-ABC-3` too). Without them only in capitals, and the newer sidecodes only with the
    letters the RDW uses, since a run of letters and digits is usually something else."""
    alternatives = []
    for code in _SIDECODES:
        groups = []
        for group in code.split("-"):
            if group[0] == "D":
                groups.append(rf"\d{{{len(group)}}}")
            else:
                letters = "A-Za-z" if dashes else "A-Z" if group[0] == "L" else "BDFGHJKLNPRSTVXZ"
                groups.append(f"[{letters}]{{{len(group)}}}")
        alternatives.append(("-" if dashes else "").join(groups))
    return "|".join(alternatives)


# A plate is a whole word of [\w-] (the lookarounds) of 6 to 8 letters, digits and dashes, with
# a digit in it. Trying 28 sidecodes at every position of a text took 110 µs a post; finding
# those words first (_PLATE_WORD) and trying the sidecodes on them alone finds the same plates.
_PLATE = re.compile(rf"(?:{_plate_pattern(True)}|{_plate_pattern(False)})")
_PLATE_WORD = re.compile(r"\b(?<![\w-])(?=[A-Za-z-]{0,7}\d)[A-Za-z\d-]{6,8}(?![\w-])")

# --- phone numbers --------------------------------------------------------------------------
# A run that starts as a Dutch number may (+31, 0031, 0 or "(0") and goes on in digits with at
# most one separator between them (space, dash, dot, a closing parenthesis). Which part of the
# run is a number is decided by counting digits (_phone_end), not by the regular expression.
_PHONE_RUN = re.compile(
    r"(?=[+0(])"  # what every run starts with, said first: the search skips the rest quickly
    r"(?<![\w+/.,:€$-])"
    r"(?:(?:\+|00)31[ -]?(?:\(0\)[ -]?)?|\(?(?=0))"
    r"\d(?:(?:[ .-]|\) ?)?\d){0,15}"  # bounded: no number has more digits (_phone_end)
)
_DATE_START = re.compile(r"\d{1,2}([-./])\d{1,2}\1(?:19|20)\d\d(?!\d)")
_SERVICE = ("0800", "0900", "0906", "0909")  # 4 or 7 digits after the prefix


def national(number: str) -> str:
    """A phone number as its digits in the national form: `+31 6 1234 5678` → `0612345678`."""
    text = number.strip().replace("(0)", "")
    digits = re.sub(r"\D", "", text)
    if text.startswith("+31"):
        return "0" + digits[2:]
    if digits.startswith("0031"):
        return "0" + digits[4:]
    return digits


def _phone_end(run: str) -> int | None:
    """Where the phone number at the start of `run` ends, or None when it is not one.

    A Dutch number has ten digits (0 and nine), a service number 0800/0900 four or seven after
    its prefix; it must end where a group of digits ends, so "06-12345678 2" is the number and
    a 2, but "0612 345" is nothing. A run that starts like a date (06-12-2026) is none."""
    if _DATE_START.match(run):
        return None
    skip = 3 if run.startswith("+31") else 4 if run.startswith("0031") else 0
    digits = "0" if skip else ""  # the 0 that +31 and 0031 stand for
    for index in range(skip, len(run)):
        char = run[index]
        if not char.isdigit() or (skip and char == "0" and run[index - 1] == "("):
            continue  # a separator, or the 0 of "+31 (0)6" that is not dialled
        digits += char
        if len(digits) > 11 or digits.startswith("00"):
            return None
        if index + 1 < len(run) and run[index + 1].isdigit():
            continue  # not where a group ends
        service = digits[:4] in _SERVICE
        if len(digits) in (8, 11) if service else len(digits) == 10:
            return index + 1
    return None


# --- e-mail addresses -----------------------------------------------------------------------
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?!\w)")

# --- street + house number ------------------------------------------------------------------
_STREET_SUFFIXES = (
    "straat", "weg", "laan", "plein", "gracht", "kade", "singel", "dijk", "steeg", "dreef",
    "pad", "hof", "markt", "park", "plantsoen", "wal", "allee", "boulevard", "kanaal", "haven",
    "veld", "hoek", "berg", "dam", "erf", "oord", "ring", "straatweg", "zijde", "brink",
)  # fmt: skip
# Words that end like a street but name none, capitalised at the start of a sentence.
_NOT_STREETS = frozenset(
    {"onderweg", "snelweg", "autoweg", "zijweg", "halfweg", "overweg", "omweg", "uitweg",
     "rijweg", "fietspad", "voetpad", "parkeerhaven", "sportveld", "voetbalveld", "speelveld",
     "wegdek", "hoofdweg"}
)  # fmt: skip
# A few streets are one such word on its own: "Grote Markt 12", "Plein 1992", "Brink 3".
_WORD_STREETS = ("Markt", "Plein", "Kade", "Dam", "Wal", "Brink", "Singel", "Gracht")
_STREET = re.compile(
    r"(?=[A-Z])"  # every alternative of `word` starts with a capital; said first, it is faster
    r"(?<![\w-])"
    rf"(?P<word>[A-Z][\w'’-]*(?:{'|'.join(_STREET_SUFFIXES)})|(?:{'|'.join(_WORD_STREETS)}))"
    r" (?P<number>[1-9]\d{0,3})"
    r"(?:-\d{1,4}| ?[A-Za-z](?!\w)| (?:bis|hs|huis)(?!\w))?"
    r"(?![\w:,.]\d|\w)"
)
# A number followed by one of these is a count or a time ("Snelweg 3 keer"), not a house.
_COUNT_AFTER = re.compile(
    r"\s*(?:uur|u\b|minuten|min\b|keer|km|kilometer|meter|m\b|procent|%|jaar|personen|mensen"
    r"|agenten|auto|voertuig|aanhouding|bekeuring|boete|verdachte|melding|controle)",
    re.IGNORECASE,
)


def _streets(text: str) -> Iterator[tuple[int, int]]:
    for match in _STREET.finditer(text):
        if match.group("word").lower() in _NOT_STREETS:
            continue
        if _COUNT_AFTER.match(text, match.end("number")):
            continue
        yield match.start(), match.end()


_URL = re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)


def _blank_urls(text: str) -> str:
    """Links stay out of it (their digits and dashes are paths, not plates or numbers); blanked
    with spaces of the same length so every offset and line stays where it was."""
    lower = text.lower()
    if "http" not in lower and "www." not in lower:  # what every link starts with
        return text
    return _URL.sub(lambda m: " " * len(m.group()), text)


def scan(text: str, allowed_numbers: Iterable[str] = ()) -> list[Finding]:
    """Everything in `text` that looks like personal data, in the order of the text. Where two
    patterns overlap, the first of e-mail, phone, plate, address wins."""
    plain = _blank_urls(text)
    spans: list[tuple[int, int, str]] = []
    if "@" in plain:  # an e-mail address has one
        for match in _EMAIL.finditer(plain):
            spans.append((match.start(), match.end(), EMAIL))
    if _DIGIT.search(plain):  # a phone number, a plate and a house number have digits
        spans += _numbered(plain, _allowed(tuple(allowed_numbers)))
    return _claimed(text, spans)


_DIGIT = re.compile(r"\d")


@functools.lru_cache(maxsize=16)
def _allowed(allowed_numbers: tuple[str, ...]) -> frozenset[str]:
    return frozenset(national(n) for n in (*ALWAYS_ALLOWED, *allowed_numbers))


def _numbered(plain: str, allowed: frozenset[str]) -> list[tuple[int, int, str]]:
    """The phone numbers, plates and addresses, in that order of priority."""
    spans: list[tuple[int, int, str]] = []
    position = 0
    while found_run := _PHONE_RUN.search(plain, position):
        run = found_run.group()
        end = _phone_end(run)
        # Two numbers in a row ("06-12345678 06-87654321") are one run: go on after the first.
        position = found_run.end() if end is None else found_run.start() + end
        if end is None:
            continue
        # "(06-1234 5678)": the parenthesis is the sentence's, not the number's "(0316) 123456".
        start = 1 if run.startswith("(") and ")" not in run[:end] else 0
        if national(run[:end]) not in allowed:
            spans.append((found_run.start() + start, found_run.start() + end, PHONE))
    for match in _PLATE_WORD.finditer(plain):
        if _PLATE.fullmatch(match.group()):
            spans.append((match.start(), match.end(), PLATE))
    for start, end in _streets(plain):
        spans.append((start, end, ADDRESS))
    return spans


def _claimed(text: str, spans: list[tuple[int, int, str]]) -> list[Finding]:
    """The findings of `spans`, where the first claim on a stretch of text wins."""
    found: list[Finding] = []
    starts: list[int] = []  # the spans taken, kept sorted: they never overlap
    ends: list[int] = []
    for start, end, kind in spans:  # in priority order: the first claim on a span wins
        at = bisect.bisect_right(starts, start)
        if (at and ends[at - 1] > start) or (at < len(starts) and starts[at] < end):
            continue
        starts.insert(at, start)
        ends.insert(at, end)
        line = text.count("\n", 0, start) + 1
        found.append(Finding(kind, " ".join(text[start:end].split()), line, start))
    found.sort(key=lambda f: f.start)
    return found
