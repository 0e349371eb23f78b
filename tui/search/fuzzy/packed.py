"""Folded fields and pinyin keys as bytes, so a one-query index skips folding.

Why: ``newsdeck list --filter`` answers one query over a warm persistent index, which
stores each article's folded fields and pinyin key; :func:`pack_folded` writes them in
one ``marshal`` blob that :meth:`~tui.search.fuzzy.FuzzyIndex.from_packed` reads back.
The blob also holds the typo vocabulary (the distinct Latin title words of 4+ letters):
finding them takes one regex pass over every title, ~0.2 s at 100,000, paid once here
rather than by every query with a long Latin word. Bytes of the previous version (no
vocabulary) are still read: the index then finds the words itself when a query needs them.
"""

from __future__ import annotations

import marshal
from array import array
from collections.abc import Sequence
from typing import NamedTuple

from tui.search.fuzzy.terms import typo_vocabulary

#: Format of :func:`pack_folded`'s bytes.
PACK_VERSION = 3
#: Older formats :func:`unpack_folded` still reads (2: no typo vocabulary).
_READABLE = (2, PACK_VERSION)


class Unpacked(NamedTuple):
    """:func:`pack_folded`'s columns: each field joined by ``\\n``, key ids as ``array('q')``."""

    lines: int
    titles: str
    sources: str
    authors: str
    key_ids: bytes
    keys: str
    #: The typo vocabulary, one word a line (None: bytes of version 2, which lack it).
    words: str | None


def pack_folded(
    titles: Sequence[str],
    sources: Sequence[str],
    authors: Sequence[str],
    keys: Sequence[str | None],
) -> bytes:
    """Folded fields and pinyin keys as bytes for :meth:`FuzzyIndex.from_packed`.

    Keys are packed whatever the pinyin setting (the reader decides). Raises
    ValueError when a field holds a newline (:func:`~tui.search.fold.fold` never
    leaves one).
    """
    n = len(titles)
    if not len(sources) == len(authors) == len(keys) == n:
        raise ValueError("every column needs one value per title")
    key_ids = [i for i, k in enumerate(keys) if k is not None]
    columns = [
        "\n".join(titles),
        "\n".join(sources),
        "\n".join(authors),
        "\n".join([keys[i] or "" for i in key_ids]),
    ]
    lines = (n, n, n, len(key_ids))
    if any(c.count("\n") != max(k - 1, 0) for c, k in zip(columns, lines, strict=True)):
        raise ValueError("a folded field holds a newline")
    return marshal.dumps(
        (
            PACK_VERSION,
            n,
            *columns[:3],
            array("q", key_ids).tobytes(),
            columns[3],
            "\n".join(typo_vocabulary(columns[0])),
        )
    )


def unpack_folded(data: bytes) -> Unpacked:
    """The columns of :func:`pack_folded`'s bytes; ValueError for bytes of another format."""
    try:
        version, n, titles, sources, authors, key_ids, keys, *rest = marshal.loads(data)
    except (EOFError, TypeError, ValueError) as exc:
        raise ValueError(f"not a packed fuzzy index ({exc})") from None
    if version not in _READABLE or len(rest) != (version > 2):
        raise ValueError(f"packed fuzzy index version {version}, not {PACK_VERSION}")
    return Unpacked(n, titles, sources, authors, key_ids, keys, rest[0] if rest else None)


def split_lines(joined: str, count: int) -> list[str]:
    """The ``count`` lines of a joined column (none for an empty index)."""
    return joined.split("\n") if count else []
