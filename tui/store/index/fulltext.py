"""Full-text search over the index: the query language, ranking and one-line snippets.

Why bigrams: the FTS5 table uses the ``unicode61`` tokenizer (words, case and
diacritics folded), but runs of CJK characters are first rewritten as overlapping
character *bigrams* (``经济增长`` -> ``经济 济增 增长``) and folded from Traditional to
Simplified (:func:`tui.search.fold.fold_fts`), so a Chinese query is a phrase of
bigrams: an exact substring match that needs no word segmenter, two-character words
included, and Simplified queries find Traditional articles. Why not the trigram
tokenizer: it indexes every character of English text too (about 3x the tokens of
words, so builds were 4x slower and a common English word meant intersecting huge
position lists; 400 ms queries at 100,000 articles). The cost: Latin words match by
word prefix (``vacc`` finds ``vaccines``) but not from the middle of a word, and a
single CJK character is only found where it starts a bigram (or stands alone), not
at the end of a run.

Snippets come from the stored plain text, never from markup: article text is data.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tui.model import Article
from tui.search.fold import CJK_RUN, find_fold, fold_fts
from tui.store.index.packed import unpack_text
from tui.store.index.rows import article_from_row, rows_by_id

__all__ = ["RANK_CAP", "Hit", "match_expression", "search", "split_terms"]

#: A query with fewer matches is ranked by bm25; one with more (a common word)
#: ranks only its newest this-many matches, by title hits (see :func:`search`).
RANK_CAP = 200
_SNIPPET_CHARS = 36  # each side of the first match
_CANDIDATES = "SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY rowid DESC LIMIT ?"
#: C0/C1 controls and DEL become spaces in snippets (same length: offsets stay valid).
_CONTROLS = {c: " " for c in (*range(0x20), *range(0x7F, 0xA0))}
_TOKEN = re.compile(r"[^\W_]+")


@dataclass(frozen=True, slots=True)
class Hit:
    """One full-text match: the article, a higher-is-better score and a one-line snippet.

    ``highlights`` are ``(start, end)`` character offsets of the matches inside
    ``snippet``, so a UI can style them without interpreting any markup.
    """

    article: Article
    score: float
    snippet: str
    highlights: tuple[tuple[int, int], ...] = ()

    def to_json(self, root: Path | None = None) -> dict[str, Any]:
        """The ``newsdeck search --json`` record (a contract: keys must not change)."""
        return {
            "path": self.article.relpath(root),
            "title": self.article.title,
            "date": self.article.date.isoformat() if self.article.date else None,
            "source": self.article.source,
            "snippet": self.snippet,
            "score": round(self.score, 6),
        }


def split_terms(query: str) -> list[str]:
    """Split a query into words; double-quoted parts stay one term."""
    terms: list[str] = []
    for i, part in enumerate(query.split('"')):
        if i % 2:
            if part.strip():
                terms.append(part.strip())
        else:
            terms += part.split()
    return list(dict.fromkeys(terms))


def match_expression(terms: list[str]) -> str:
    """An FTS5 MATCH expression for query terms: one phrase per term, all required."""
    phrases = []
    for term in terms:
        tokens = _TOKEN.findall(fold_fts(term))
        if not tokens:
            continue
        last = tokens[-1]
        cjk = bool(CJK_RUN.fullmatch(last))
        prefix = len(last) == 1 if cjk else len(last) >= 3
        phrases.append('"' + " ".join(tokens) + '"' + (" *" if prefix else ""))
    return " AND ".join(phrases)


def search(
    conn: sqlite3.Connection, prefix: str, expr: str, terms: list[str], limit: int
) -> list[Hit]:
    """The best ``limit`` matches of ``expr`` (from ``terms``), with snippets.

    Few matches are ranked by bm25 (titles weigh 4x); :data:`RANK_CAP` or more (a
    common word) only by how often the newest matches' titles have the words: bm25
    would count every match of the phrase first (100+ ms at 100,000 articles).
    """
    # The newest RANK_CAP matches: FTS5 walks a match in rowid order and stops
    # there, so a phrase found in every other article costs no more than a rare one.
    found = [r[0] for r in conn.execute(_CANDIDATES, (expr, RANK_CAP))]
    if not found:
        return []
    needles = _needles(terms)
    if len(found) < RANK_CAP:
        # Few matches: bm25, whose first step counts every match of each phrase.
        ranked = conn.execute(
            "SELECT rowid, -bm25(fts, 4.0, 1.0) FROM fts WHERE fts MATCH ?", (expr,)
        ).fetchall()
    else:
        # A common word: rank the newest matches by how often the title has the words.
        marks = ",".join("?" * len(found))
        titles = dict(conn.execute(f"SELECT id, title FROM articles WHERE id IN ({marks})", found))
        ranked = [(i, 1.0 + 4.0 * _occurrences(titles.get(i, ""), needles)) for i in found]
    ranked.sort(key=lambda r: (-r[1], -r[0]))
    best = ranked[:limit]
    ids = [r[0] for r in best]
    marks = ",".join("?" * len(ids))
    bodies = dict(conn.execute(f"SELECT id, body FROM texts WHERE id IN ({marks})", ids))
    rows = rows_by_id(conn, ids)
    hits = []
    for rowid, score in best:
        if rowid in rows:
            article = article_from_row(prefix, rows[rowid])
            text, spans = _snippet(article.title, unpack_text(bodies.get(rowid)), needles)
            hits.append(Hit(article, float(score), text, spans))
    return hits


def _needles(terms: list[str]) -> list[str]:
    """What to highlight: every word of every term, folded like :func:`find_fold`."""
    words = {find_fold(w) for term in terms for w in term.split()}
    return sorted((w for w in words if w), key=len, reverse=True)


def _occurrences(text: str, needles: list[str]) -> int:
    folded = find_fold(text)
    return sum(folded.count(n) for n in needles)


def _snippet(title: str, body: str, needles: list[str]) -> tuple[str, tuple[tuple[int, int], ...]]:
    """One line around the first match in the body (else the title), with highlights."""
    for text in (body, title):
        folded = find_fold(text)
        spots = [pos for n in needles if (pos := folded.find(n)) >= 0]
        if not spots:
            continue
        pos = min(spots)
        start = max(0, pos - _SNIPPET_CHARS)
        end = min(len(text), pos + _SNIPPET_CHARS * 2)
        lead = "…" if start else ""
        snippet = lead + text[start:end].translate(_CONTROLS) + ("…" if end < len(text) else "")
        window = folded[start:end]
        taken = [False] * len(window)
        spans = []
        for needle in needles:  # longest first: a word inside a longer one is not re-marked
            at = window.find(needle)
            while at >= 0:
                if not any(taken[at : at + len(needle)]):
                    taken[at : at + len(needle)] = [True] * len(needle)
                    spans.append((at + len(lead), at + len(lead) + len(needle)))
                at = window.find(needle, at + len(needle))
        return snippet, _merge(sorted(spans))
    return title.translate(_CONTROLS), ()


def _merge(spans: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    out: list[tuple[int, int]] = []
    for start, end in spans:
        if out and out[-1][1] == start:
            start = out.pop()[0]
        out.append((start, end))
    return tuple(out)
