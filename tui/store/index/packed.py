"""The stored plain text of an article, compressed.

Why compressed: the text is kept only for snippets, for unindexing the contentless
FTS table when a file changes and for the duplicate check, so it is read a few
rows at a time; zlib shrinks it to about a third (Chinese and English alike),
which was most of the index's size. It is packed in the worker processes, so the
writer only copies bytes.
"""

from __future__ import annotations

import zlib

__all__ = ["pack_text", "unpack_text"]

#: zlib level: 3 is within 2% of level 9's size here at half its time.
LEVEL = 3


def pack_text(text: str) -> bytes:
    """``text`` as it is stored in the ``texts`` table."""
    return zlib.compress(text.encode("utf-8", "surrogatepass"), LEVEL)


def unpack_text(blob: bytes | str | None) -> str:
    """The text of a :func:`pack_text` blob ('' for none)."""
    if not blob:
        return ""
    if isinstance(blob, str):  # never written by this version; tolerated, not misread
        return blob
    return zlib.decompress(blob).decode("utf-8", "surrogatepass")
