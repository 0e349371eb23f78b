"""Every folding rule in one place: how text is normalised before it is compared.

Why one module: a query only meets a text when both went through the same fold, so
the folds that differ on purpose sit side by side here, each named for its use.

- :func:`fold` / :func:`fold_map` / :func:`fold_spans`: the fuzzy filter's fold (NFKC,
  casefold, Traditional -> Simplified, whitespace collapsed, control and format
  characters dropped), cluster by cluster so every folded character points back at
  the original (highlighting).
- :func:`fold_field`: NFKC + casefold + collapsed whitespace, for field filters
  (``src:``, ``-word``), the browser and the title/source sort.
- :func:`fold_fts`: what the full-text index stores and queries (CJK as Simplified bigrams).
- :func:`find_fold`: lower-cased Simplified text of the same length, for snippet offsets.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from tui.cjk import CJK_CLASS
from tui.search.chinese import t2s_map, to_simplified

__all__ = [
    "CJK_RUN",
    "find_fold",
    "fold",
    "fold_field",
    "fold_fts",
    "fold_map",
    "fold_spans",
]

#: One run of CJK characters.
CJK_RUN = re.compile(f"[{CJK_CLASS}]+")
_CJK_SPLIT = re.compile(f"([{CJK_CLASS}]+)")


# --------------------------------------------------------------------------- fuzzy filter


def _attaches(ch: str) -> bool:
    """Whether ``ch`` belongs to the cluster before it (so NFKC may compose them)."""
    return unicodedata.category(ch)[0] == "M" or 0x1160 <= ord(ch) <= 0x11FF


@lru_cache(maxsize=65536)
def _fold_cluster(cluster: str) -> str:
    """NFKC + casefold + T->S one cluster; whitespace becomes ' ', control/format chars vanish."""
    s = unicodedata.normalize("NFKC", cluster).casefold()
    if not unicodedata.is_normalized("NFKC", s):
        s = unicodedata.normalize("NFKC", s)
    s = to_simplified(s)
    out = []
    for c in s:
        if c.isspace():
            out.append(" ")
        elif unicodedata.category(c) not in ("Cc", "Cf"):
            out.append(c)
    return "".join(out)


_SENTINEL = "\uffff"


class _FoldTable(dict[int, str]):
    """``str.translate`` table folding one character; learns characters on first use."""

    def __missing__(self, cp: int) -> str:
        ch = chr(cp)
        value = _SENTINEL if _attaches(ch) else _fold_cluster(ch)
        self[cp] = value
        return value


_TABLE = _FoldTable()


def fold_spans(text: str) -> tuple[str, list[tuple[int, int]]]:
    """``fold(text)`` plus, per folded character, the span of ``text`` it came from."""
    chars: list[str] = []
    spans: list[tuple[int, int]] = []
    pending: tuple[int, int] | None = None
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        while j < n and _attaches(text[j]):
            j += 1
        for c in _fold_cluster(text[i:j]):
            if c == " ":
                if chars and pending is None:
                    pending = (i, j)
                continue
            if pending is not None:
                chars.append(" ")
                spans.append(pending)
                pending = None
            chars.append(c)
            spans.append((i, j))
        i = j
    return "".join(chars), spans


def fold(text: str) -> str:
    """Normalise for matching: NFKC (ＡＩ -> ai), casefold, 會 -> 会, collapse whitespace.

    Folding is done per cluster (a character plus its combining marks), so every folded
    character comes from one known place in the original; :func:`fold_map` gives that
    mapping. Control and format characters (RLM, zero-width space) are dropped.
    """
    if text.isascii() and text.isprintable():
        return " ".join(text.lower().split())
    s = text.translate(_TABLE)
    if _SENTINEL in s:  # combining marks present: compose them with their base
        return fold_spans(text)[0]
    return " ".join(s.split())


def fold_map(text: str) -> tuple[str, list[int]]:
    """``fold(text)`` plus, for each folded character, the index in ``text`` it came from.

    NFKC may turn one character into several (``ﬁ`` -> ``fi``: both map to the ``ﬁ``) or
    a character plus combining marks into one (the mapping points at the base character).
    """
    folded, spans = fold_spans(text)
    return folded, [a for a, _ in spans]


# --------------------------------------------------------------------------- fields


@lru_cache(maxsize=1 << 17)
def fold_field(text: str) -> str:
    """NFKC + casefold + collapsed whitespace (cached: sources and categories repeat).

    No Traditional -> Simplified step: a field filter matches what was typed, the way
    the source browser shows it.
    """
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


# --------------------------------------------------------------------------- full text


def fold_fts(text: str) -> str:
    """Text as the FTS table sees it: CJK runs as Simplified overlapping bigrams.

    ASCII text comes back as it is (the same object), cheaply.
    The index and the queries must go through this same function.
    """
    if text.isascii():
        return text
    # split() with a group, not sub() with a callback: a quarter cheaper, and this
    # runs once per indexed article.
    parts = _CJK_SPLIT.split(text)
    table = t2s_map()
    for i in range(1, len(parts), 2):
        run = parts[i].translate(table)
        if len(run) < 3:
            parts[i] = f" {run} "
        else:
            parts[i] = " " + " ".join([run[j : j + 2] for j in range(len(run) - 1)]) + " "
    return "".join(parts)


def find_fold(text: str) -> str:
    """``text`` lowered and Simplified, with the same length (so offsets carry over)."""
    folded = to_simplified(text).lower()
    if len(folded) != len(text):  # a few letters lower to two characters (İ)
        folded = "".join(
            c if len(c) == 1 else o
            for c, o in zip(map(str.lower, to_simplified(text)), text, strict=True)
        )
    return folded
