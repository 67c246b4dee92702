"""Unknown keys in site.yaml, teams.yaml, shift.yaml and front matter: one rule for all.

A key that is close to a known one (`langauge`, `stauts`, `dealy`, `Title`, or its Dutch word,
`tijd`, `titel`) is an ERROR that names the key meant: as a warning it silently changed what was
published (the site's language, a draft made public, a delay dropped). Any other unknown key is a
warning listing the known keys, so a note to oneself (`notes:`) never blocks a build.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path

from followshift.clean import echo
from followshift.diagnostics import Diagnostics
from followshift.yamlio import YamlError, YamlMap

# Close enough to be a typo (difflib's ratio): langauge/language 0.88, colour/color 0.91,
# titel/title 0.8; unrelated words such as notes/photos (0.55) and date/updated (0.73) are not.
TYPO_RATIO = 0.75

# The Dutch words an officer may write for a key.
DUTCH = {
    "tijd": "time",
    "titel": "title",
    "auteur": "author",
    "schrijver": "author",
    "foto": "photos",
    "fotos": "photos",
    "foto's": "photos",
    "bijgewerkt": "updated",
    "kleur": "color",
    "naam": "name",
    "taal": "language",
    "tijdzone": "timezone",
    "begin": "start",
    "eind": "end",
    "einde": "end",
    "vertraging": "delay",
    "beschrijving": "description",
    "omschrijving": "description",
    "volgorde": "order",
}


def meant(key: str, known: Iterable[str]) -> str | None:
    """The known key that `key` is most likely a typo of, or None."""
    known = list(known)
    folded = key.strip().lower().replace("-", "_")
    for candidate in known:
        if candidate.lower() == folded:
            return candidate
    dutch = DUTCH.get(folded)
    if dutch in known:
        return dutch
    close = difflib.get_close_matches(folded, known, n=1, cutoff=TYPO_RATIO)
    return close[0] if close else None


def check_keys(
    data: YamlMap,
    known: Iterable[str],
    path: Path,
    diags: Diagnostics,
    where: str = "",
    prefix: str = "",
    fatal: bool = False,
) -> bool:
    """Reports every key of `data` not in `known`; False when one is a likely typo (an error).

    `where` names the file or section in the message (`in site.yaml`), `prefix` starts it
    (`zevenaar: `). With `fatal`, the first likely typo is raised as a YamlError (the others
    are reported first), for callers that stop reading the file at a YAML error.
    """
    known = tuple(known)
    in_where = f" in {where}" if where else ""
    typos: list[tuple[str, int]] = []
    for key in data:
        if key in known:
            continue
        line = data.line_of(key)
        guess = meant(key, known)
        if guess is None:
            diags.warning(
                path,
                f"{prefix}unknown key '{echo(key)}'{in_where} (known: {', '.join(known)})",
                line,
            )
        else:
            typos.append(
                (f"{prefix}unknown key '{echo(key)}'{in_where}; did you mean '{guess}'?", line)
            )
    if fatal and typos:
        for message, line in typos[1:]:
            diags.error(path, message, line)
        raise YamlError(*typos[0])
    for message, line in typos:
        diags.error(path, message, line)
    return not typos
