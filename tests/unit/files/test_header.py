"""Header splitting, and the flat front-matter reader agreeing with YAML wherever it answers."""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.files.header import _StringLoader, read_flat, split


def _yaml(text: str) -> object:
    return yaml.load(text, Loader=_StringLoader)


def test_flat_reader_subset() -> None:
    text = (
        "title: '12_00'\nn: 1950\nb: false\ncats:\n - 新媒体\n - 'x''y'\ntags: [ a, b ]\nempty:\n"
    )
    assert read_flat(text) == {
        "title": "12_00",
        "n": "1950",
        "b": "false",
        "cats": ["新媒体", "x'y"],
        "tags": ["a", "b"],
        "empty": "",
    }
    assert read_flat(text) == _yaml(text)


def test_flat_reader_declines_what_it_cannot_read() -> None:
    for text in (
        'title: """"\'x\'""""',  # invalid YAML: must go to YAML (and its fallback)
        'title: "a\\"b"',  # escapes
        "title: a: b",
        "title: |\n  block",
        "title: x\n  continued",
        "title: &anchor x",
        "cats: [a, [b]]",
        "title: x # comment",
    ):
        assert read_flat(text) is None, text


_KEYS = st.sampled_from(["title", "date", "author", "categories", "tags", "from", "k-1", "_x"])
_SCALARS = st.text(alphabet=st.sampled_from(list("ab 中文:#'\"-[]{},&*!|>%@`?\\1Zz.")), max_size=12)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.tuples(
            _KEYS,
            st.one_of(
                _SCALARS.map(lambda s: f" {s}"),
                _SCALARS.map(lambda s: f" '{s}'"),
                _SCALARS.map(lambda s: f' "{s}"'),
                st.lists(_SCALARS, max_size=3).map(lambda xs: " [" + ", ".join(xs) + "]"),
                st.lists(_SCALARS, max_size=3).map(lambda xs: "".join(f"\n - {x}" for x in xs)),
            ),
        ),
        max_size=6,
    )
)
def test_flat_reader_equals_yaml_whenever_it_answers(fields: list[tuple[str, str]]) -> None:
    text = "\n".join(f"{k}:{v}" for k, v in fields)
    flat = read_flat(text)
    if flat is None:
        return
    assert flat == (_yaml(text) or {})


def test_flat_reader_equals_yaml_on_real_front_matter(real_corpus: Path) -> None:
    answered = 0
    for path in sorted(real_corpus.iterdir()):
        text = path.read_bytes().decode("utf-8", "replace").replace("\r\n", "\n")
        parts = split(text)
        if not parts.has_front_matter:
            continue
        start = text.index("---") + 4
        fm = text[start : text.index("\n---", start)]
        flat = read_flat(fm)
        if flat is not None:
            answered += 1
            assert flat == _yaml(fm), path.name
    assert answered > 150  # the fast path serves nearly every real file


def test_split_offsets_keep_body_bytes() -> None:
    text = "\n\n---\ntitle: t\n---\n<!--1-->\n[a](b)\n------\n\nbody ------\nend"
    parts = split(text)
    assert parts.has_front_matter and parts.has_feed
    assert parts.body == "\nbody ------\nend"
    plain = split("---\ntitle: t\n---")
    assert plain.front_matter == {"title": "t"} and plain.body == ""
