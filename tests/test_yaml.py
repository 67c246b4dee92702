"""Safe YAML with line numbers (followshift.yamlio) and front matter splitting."""

from __future__ import annotations

import pytest

from followshift.content.frontmatter import split_front_matter
from followshift.yamlio import YamlError, YamlMap, load_yaml


def test_a_mapping_remembers_the_line_of_every_key() -> None:
    data = load_yaml("title: Weekmarkt\n\nauthor: Hein\nphotos:\n  - file: a.jpg\n    alt: A\n")

    assert isinstance(data, YamlMap)
    assert data.line_of("title") == 1
    assert data.line_of("author") == 3
    assert data.line_of("photos") == 4
    entry = data["photos"][0]
    assert isinstance(entry, YamlMap)
    assert entry.line_of("file") == 5
    assert entry.line_of("alt") == 6


def test_a_missing_key_falls_back_to_the_line_of_its_mapping() -> None:
    data = load_yaml("a: 1\nb:\n  c: 2\n")

    assert data.line_of("nope") == 1
    assert data["b"].line_of("nope") == 3


def test_a_line_offset_turns_yaml_lines_into_file_lines() -> None:
    data = load_yaml("time: 19:15\ntitle: x\n", line_offset=1)

    assert data.line_of("time") == 2
    assert data.line_of("title") == 3


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("time: 19:15", "19:15"),  # not the base-60 integer 1155
        ("time: 0105", "0105"),  # not the octal number 69
        ("time: 0800", "0800"),
        ("start: 2026-10-24 19:00", "2026-10-24 19:00"),  # not a naive datetime taken as UTC
        ("start: 2026-10-24", "2026-10-24"),
        ("time: 1915", 1915),
        ("delay: 15", 15),
        ("pinned: true", True),
        ("pinned: false", False),
        ("time: 19.30", "19.30"),  # not the number 19.3: no setting is a fraction
        ("ratio: 1.5", "1.5"),
        ("title: ~", None),
    ],
)
def test_scalars_that_look_like_times_stay_text(text: str, expected: object) -> None:
    value = load_yaml(text)[text.split(":")[0]]

    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize(
    "text",
    [
        'x: !!python/object/apply:os.system ["echo hi"]',
        "x: !!python/object:builtins.dict {}",
        "x: !!python/name:os.system",
        "x: !!python/tuple [1, 2]",
        "x: !custom 1",
    ],
)
def test_object_tags_are_refused(text: str) -> None:
    with pytest.raises(YamlError) as caught:
        load_yaml(text)

    assert caught.value.line == 1
    assert "not allowed" in caught.value.message


def test_a_duplicate_key_is_an_error_on_its_second_line_naming_the_first() -> None:
    with pytest.raises(YamlError) as caught:
        load_yaml("time: 19:15\ntitle: a\ntime: 19:20\n", line_offset=1)

    assert caught.value.line == 4
    assert "duplicate key 'time'" in caught.value.message
    assert "line 2" in caught.value.message


def test_a_duplicate_key_in_a_nested_mapping_is_an_error() -> None:
    with pytest.raises(YamlError) as caught:
        load_yaml("photos:\n  - file: a.jpg\n    file: b.jpg\n")

    assert caught.value.line == 3


def test_a_yaml_syntax_error_carries_its_line() -> None:
    with pytest.raises(YamlError) as caught:
        load_yaml("title: ok\nauthor: Hein: agent\n")

    assert caught.value.line == 2
    assert caught.value.message.startswith("invalid YAML")


def test_an_unclosed_flow_sequence_points_at_where_it_was_opened() -> None:
    with pytest.raises(YamlError) as caught:
        load_yaml("title: ok\ntime: [19:15\n")

    assert caught.value.line == 2


def test_an_empty_document_is_none() -> None:
    assert load_yaml("") is None
    assert load_yaml("# alleen commentaar\n") is None


def test_aliases_still_work_for_ordinary_data() -> None:
    data = load_yaml("a: &kleur '#1f3b73'\nb: *kleur\n")

    assert data["b"] == "#1f3b73"


def test_a_billion_laughs_document_does_not_blow_up() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 9):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [{', '.join(['*' + prev] * 9)}]")

    try:
        data = load_yaml("\n".join(lines))
    except YamlError:
        return  # refusing it is fine too
    assert isinstance(data, YamlMap)  # shared references: built without copying 9**9 items


# -- front matter ------------------------------------------------------------------------------


def test_front_matter_is_split_from_the_body_with_file_lines() -> None:
    parsed = split_front_matter("---\ntime: 19:15\ntitle: Markt\n---\nDe **markt**.\n")

    assert parsed.meta == {"time": "19:15", "title": "Markt"}
    assert parsed.meta.line_of("title") == 3
    assert parsed.body == "De **markt**.\n"
    assert parsed.body_line == 5


def test_a_file_without_front_matter_is_all_body() -> None:
    parsed = split_front_matter("Gewoon tekst.\n---\nmeer\n")

    assert parsed.meta == {}
    assert parsed.body.startswith("Gewoon tekst.")
    assert parsed.body_line == 1


def test_windows_line_endings_and_a_bom_are_accepted() -> None:
    parsed = split_front_matter("\ufeff---\r\ntitle: Markt\r\n---\r\nTekst.\r\n")

    assert parsed.meta == {"title": "Markt"}
    assert parsed.body == "Tekst.\n"


def test_front_matter_may_end_with_three_dots() -> None:
    parsed = split_front_matter("---\ntitle: Markt\n...\nTekst.\n")

    assert parsed.meta == {"title": "Markt"}
    assert parsed.body == "Tekst.\n"


def test_empty_front_matter_is_an_empty_mapping() -> None:
    parsed = split_front_matter("---\n---\nTekst.\n")

    assert parsed.meta == {}
    assert parsed.body == "Tekst.\n"


def test_unclosed_front_matter_is_an_error_on_line_1() -> None:
    with pytest.raises(YamlError) as caught:
        split_front_matter("---\ntitle: Markt\nTekst.\n")

    assert caught.value.line == 1


def test_front_matter_that_is_not_a_mapping_is_an_error() -> None:
    with pytest.raises(YamlError):
        split_front_matter("---\n- a\n- b\n---\nTekst.\n")


def test_errors_in_front_matter_carry_file_lines() -> None:
    with pytest.raises(YamlError) as caught:
        split_front_matter("---\ntitle: a\ntitle: b\n---\nTekst.\n")

    assert caught.value.line == 3
