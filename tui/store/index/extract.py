"""Reading files for the index: the header, the plain text and the fuzzy fields of each.

Why its own module: this is the only part of the index that parses files, and the
part that runs in worker processes (one process pool per large reconcile), so what
it imports is what every worker loads.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path

from tui.model import Article
from tui.search.fold import fold_fts
from tui.search.similar import Signatures, signatures
from tui.store.index.packed import pack_text

__all__ = ["CHUNK", "POOL_THRESHOLD", "Extracted", "FuzzyFields", "extract_all", "fuzzy_fields"]

#: ``NEWSDECK_SIGNATURES=0`` leaves the duplicate/related signatures out: only for
#: bench/similar_bench.py's same-run baseline (the worker processes inherit it).
SIGNATURES_ENV = "NEWSDECK_SIGNATURES"

#: Below this many files to parse, a process pool costs more than it saves.
POOL_THRESHOLD = 1500
#: Files handed to a worker process at once.
CHUNK = 48

#: What the fuzzy filter matches an article by, precomputed for ``newsdeck list
#: --filter``: folded title, source and author, and the title's pinyin key.
FuzzyFields = tuple[str, str, str, str | None]
#: A parsed file for the writer: header-only article, its plain text packed for the
#: ``texts`` table (:func:`~tui.store.index.packed.pack_text`), that text folded for
#: the FTS table, its fuzzy fields and its duplicate/related signatures (all None
#: when unreadable).
Extracted = tuple[Article, bytes | None, str | None, FuzzyFields | None, Signatures | None]


def fuzzy_fields(article: Article) -> FuzzyFields:
    """The article's title, source and author as the fuzzy filter folds them, plus its key.

    Computed in the worker processes at index time (folding and pinyin keys are most of
    the cost of building a :class:`~tui.search.fuzzy.FuzzyIndex`). The pinyin key is
    stored whatever the pinyin setting: the setting only decides whether it is used.
    """
    from tui.search.chinese import pinyin_key
    from tui.search.fold import fold as fuzzy_fold

    title = fuzzy_fold(article.title)
    return (
        title,
        fuzzy_fold(article.source or ""),
        fuzzy_fold(article.author or ""),
        pinyin_key(title),
    )


def extract_all(paths: Sequence[Path], workers: int | None, window: int) -> Iterator[Extracted]:
    """Parse files and extract their text, in a process pool when there are many.

    ``window`` is how many files the workers may run ahead of the consumer: more than
    one write batch, so they keep parsing while the consumer writes a transaction.
    """
    if workers is None:
        workers = min(os.cpu_count() or 1, 4)
    if workers <= 1 or len(paths) < POOL_THRESHOLD:
        for path in paths:
            yield _extract(path)
        return
    import multiprocessing  # here: `newsdeck list` imports this module and needs no pool
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    chunks = [list(paths[i : i + CHUNK]) for i in range(0, len(paths), CHUNK)]
    given = 0  # chunks already yielded: a broken pool resumes from here, in-process
    try:
        ctx = multiprocessing.get_context("forkserver")
        with ProcessPoolExecutor(workers, mp_context=ctx) as pool:
            ahead = max(workers * 4, window // CHUNK)
            pending = [pool.submit(_extract_many, c) for c in chunks[:ahead]]
            while pending:
                results = pending.pop(0).result()
                nxt = given + len(pending) + 1
                if nxt < len(chunks):
                    pending.append(pool.submit(_extract_many, chunks[nxt]))
                given += 1
                yield from results
    except (OSError, RuntimeError, ValueError, BrokenProcessPool):
        # No worker processes here (a sandbox, a main module that cannot be
        # re-imported, a killed worker): parse the rest in this process.
        for chunk in chunks[given:]:
            yield from _extract_many(chunk)


def _extract(path: Path) -> Extracted:
    """Parse one file fully and return its header-only article, packed and folded text."""
    from tui.body.text import plain_text  # here: `newsdeck list` never extracts
    from tui.files.parser import parse

    article = parse(path)
    packed: bytes | None = None
    folded: str | None = None
    keys: FuzzyFields | None = None
    sigs: Signatures | None = None
    if article.ok:
        text = plain_text(article.body or "")
        packed = pack_text(text)
        folded = fold_fts(text)
        keys = fuzzy_fields(article)
        if os.environ.get(SIGNATURES_ENV, "1") != "0":
            sigs = signatures(article.title, text)
    article.body = None
    return article, packed, folded, keys, sigs


def _extract_many(paths: list[Path]) -> list[Extracted]:
    """Worker-process entry point: one round trip for a chunk of files."""
    return [_extract(p) for p in paths]
