"""Differential test: newsdeck's front-matter reading against python-frontmatter.

python-frontmatter (+ PyYAML's SafeLoader) is the reference implementation newsdeck's
hand-written split and flat-YAML reader replaced (it is 10x slower; see the README's
"Dependencies"). For every real article that python-frontmatter reads front matter from,
``tui.files.parser.parse`` must agree with it on title, date and categories.

Both sides are normalised to what a reader sees: one line of text, an aware UTC datetime,
a list of strings. Each place where newsdeck differs *on purpose* is normalised here
explicitly, with the reason beside it; anything else that differs is a bug in one of them.
"""

from __future__ import annotations

import html
import os
import re
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from tui.files.parser import parse

frontmatter = pytest.importorskip("frontmatter")

# Invisible reordering marks (bidi, zero-width, BOM): newsdeck drops them from one-line fields.
_INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_QUOTES = "\"'"


@pytest.fixture
def naive_is_shanghai() -> Iterator[None]:
    """Run in a zone that is not UTC, so the naive-date rule (local time) is observable."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "Asia/Shanghai"
    time.tzset()
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = before
        time.tzset()


def one_line(value: object) -> str:
    """A YAML value as the one-line text a reader sees."""
    text = str(value)
    # newsdeck unescapes HTML entities in fields (feeds write &amp;, even &amp;quot;).
    for _ in range(2):
        text = html.unescape(text)
    # newsdeck replaces control characters with a space (terminal safety), drops invisible
    # marks, and folds every run of whitespace (newlines of a folded title, NBSP, U+3000,
    # hair spaces) into one space; python-frontmatter keeps them all.
    text = _INVISIBLE.sub("", _CONTROL.sub(" ", text))
    text = " ".join(text.split())
    # newsdeck removes quotes wrapping a whole title (generators write """'Title'""").
    while len(text) >= 2 and text[0] in _QUOTES and text[-1] in _QUOTES and text[1:-1].strip():
        text = text[1:-1].strip()
    return text


def as_utc(value: object) -> datetime | None:
    """A front-matter date as newsdeck documents it: aware UTC; naive means local time."""
    if isinstance(value, datetime):
        return value.astimezone(UTC)  # naive: astimezone() takes it as local time
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day).astimezone(UTC)
    text = str(value).strip()
    if text[:1].isalpha():  # RFC 2822, as feeds write it: PyYAML leaves it a string
        parsed = parsedate_to_datetime(text)
        return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)
    except ValueError:
        return None


def as_list(value: object) -> list[str]:
    """Categories as newsdeck lists them: nested lists flattened (one real file writes
    ``- [news]``), each item one line of text, blanks and repeats dropped."""
    out: list[str] = []

    def add(item: object) -> None:
        if isinstance(item, list | tuple):
            for sub in item:
                add(sub)
        elif item is not None:
            text = one_line(item)
            if text and text not in out:
                out.append(text)

    add(value)
    return out


def string_scalars(text: str) -> dict[str, Any]:
    """python-frontmatter's own split of the front matter, read with every scalar a string.

    PyYAML's SafeLoader applies YAML 1.1's implicit types, so ``title: 12_00`` becomes the
    integer 1200. newsdeck deliberately keeps what the author wrote; where the oracle's
    value is not a string, its text is taken from the same front matter read as strings.
    """
    fm_text = frontmatter.YAMLHandler().split(text)[0]
    data = yaml.load(fm_text, Loader=yaml.BaseLoader)
    return data if isinstance(data, dict) else {}


def oracle(path: Path) -> tuple[dict[str, Any], str] | None:
    """python-frontmatter's metadata for one file (empty: none) and the text it read, or
    None when it cannot read the file at all."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        return None  # python-frontmatter reads UTF-8 only; newsdeck's decoding is tested elsewhere
    # newsdeck normalises line endings before reading (a lone CR ends a line too); without
    # this a CR would stay inside the oracle's values. Leading blank lines (22 real files
    # start with one) need nothing: python-frontmatter strips the text first, as newsdeck
    # skips them.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    try:
        post = frontmatter.loads(text)
    except yaml.YAMLError:
        return None  # invalid YAML: newsdeck reads it line by line (tests/unit/files cover it)
    return dict(post.metadata), text


def test_front_matter_agrees_with_python_frontmatter(
    real_corpus: Path, naive_is_shanghai: None
) -> None:
    compared = {"files": 0, "title": 0, "date": 0, "categories": 0}
    mismatches: list[str] = []
    for path in sorted(real_corpus.glob("*.md")):
        found = oracle(path)
        if found is None:
            continue
        meta, text = found
        article = parse(path)
        if not meta:
            # No front matter for the oracle: newsdeck must not invent one either.
            if article.format in ("frontmatter", "hybrid"):
                mismatches.append(f"{path.name}: newsdeck reads front matter, the oracle none")
            continue
        assert article.ok, (path.name, article.error)
        compared["files"] += 1
        strings = None

        title = meta.get("title")
        if title is not None and not isinstance(title, str | list):
            strings = strings or string_scalars(text)
            title = strings.get("title", title)
        if title is not None and one_line(title):
            compared["title"] += 1
            if article.title != one_line(title):
                mismatches.append(f"{path.name}: title {article.title!r} != {one_line(title)!r}")

        if meta.get("date") is not None:
            expected = as_utc(meta["date"])
            if expected is not None:
                compared["date"] += 1
                if article.date != expected:
                    mismatches.append(f"{path.name}: date {article.date} != {expected}")

        if "categories" in meta:
            compared["categories"] += 1
            expected_list = as_list(meta["categories"])
            if article.categories != expected_list:
                mismatches.append(
                    f"{path.name}: categories {article.categories!r} != {expected_list!r}"
                )

    assert not mismatches, "\n".join(mismatches)
    # The corpus has 193 files with front matter (one of them invalid YAML): make sure the
    # comparison did not quietly shrink to nothing.
    assert compared["files"] >= 150, compared
    assert min(compared["title"], compared["date"], compared["categories"]) >= 100, compared
