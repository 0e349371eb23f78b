"""The persistent article index: one SQLite database per seeds directory.

Why: re-parsing 100,000 files on every start is too slow, and full-text search
needs an inverted index. Per file, the database holds the header fields of its
:class:`~tui.model.Article`, its size and mtime (to detect changes without reading
it), its plain text (zlib-packed, for snippets) and an FTS5 word index of that text.

Callers use :class:`Index` (and :func:`list_articles` for ``newsdeck list``); the
parts behind it, each one idea:

* :mod:`.database` -- the file: schema, location, opening, rebuilding, locks.
* :mod:`.rows` -- how an article is stored in a row and read back (the hot path).
* :mod:`.extract` -- parsing files for the index, in worker processes when many.
* :mod:`.writes` -- writing rows, text and word index in one transaction.
* :mod:`.packed` -- how the stored text is compressed.
* :mod:`.reconcile` -- what is new, changed or gone since the last look.
* :mod:`.dirs` -- directory mtimes and walk order, so a warm list stats no file.
* :mod:`.fulltext` -- the query language, ranking and snippets.
* :mod:`.blobs` -- caches derived from the rows, beside the database.
* :mod:`.similar` -- duplicate groups and related coverage (signatures, links, lookups).
* :mod:`.facade` -- :class:`Index` itself, where every database error is recovered.

Nothing here imports Textual.
"""

from __future__ import annotations

from tui.store.index.database import db_path, exists
from tui.store.index.dirs import walk_key
from tui.store.index.extract import FuzzyFields, fuzzy_fields
from tui.store.index.facade import Index, Related, list_articles
from tui.store.index.fulltext import Hit
from tui.store.index.reconcile import Batch
from tui.store.index.similar import DuplicateGroups

__all__ = [
    "Batch",
    "DuplicateGroups",
    "FuzzyFields",
    "Hit",
    "Index",
    "Related",
    "db_path",
    "exists",
    "fuzzy_fields",
    "list_articles",
    "walk_key",
]
