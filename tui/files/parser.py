"""The one article parser everything in newsdeck goes through.

``parse(path)`` never raises: a file that is not a readable article comes back
with ``error`` set and a reason, and everything repaired or missing along the
way is listed in ``problems``. Listing uses ``header_only=True``, which reads
only the first few KiB and never touches the HTML body.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tui.files.clean import clean_field, clean_line, clean_title, strip_controls
from tui.files.dates import parse_date, parse_epoch
from tui.files.decode import DecodeError, decode_parts
from tui.files.header import Split, split
from tui.model import Article, Format

#: How much of a file a header-only read looks at first.
HEAD_BYTES = 4096
#: How far a header-only read may extend for long front matter.
MAX_HEAD_BYTES = 256 * 1024

_URL_KEYS = ("url", "link", "from", "source_url", "original", "origin", "permalink", "canonical")
_IMAGE_KEYS = ("headimg", "image", "cover", "thumbnail", "banner", "img", "featured_image")
_AUTHOR_KEYS = ("author", "authors", "byline", "creator")
_DATE_KEYS = ("date", "published", "pubDate", "pubdate", "created", "updated", "time")
_BODY_DATE = re.compile(
    r"(?:日期|發佈日期|发布日期|發布日期|发布时间|發佈時間|發布時間|发表时间|發表時間|"
    r"Date|Published|Posted)\s*[：:]\s*([^<\n]{6,60})",
    re.IGNORECASE,
)
_HEADING = re.compile(r"<h[1-3][^>]*>(.*?)</h[1-3]>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
_DROP_BLOCKS = re.compile(
    r"<(script|style|noscript|template|svg)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL
)
_SENTENCE_END = re.compile(r"[。！？!?]|\.\s")


def parse(path: Path | str, *, header_only: bool = False) -> Article:
    """Parse one file into an :class:`Article`; never raises.

    With ``header_only`` the body is not kept (``article.body is None``) and only
    as much of the file as the headers need is read.
    """
    path = path if isinstance(path, Path) else Path(path)
    return parse_entry(path, path, header_only=header_only)


def parse_entry(path: Path, source: Path | str, *, header_only: bool) -> Article:
    """:func:`parse` for a caller that already holds the file's path as text too.

    A directory walk has ``os.DirEntry.path`` at hand: opening that string spares
    formatting the :class:`Path` back into one for every file.
    """
    article = Article(path=path)
    try:
        raw, complete = _read(source, article, header_only)
    except OSError as exc:
        article.error = _os_reason(exc)
        return article
    if not raw.strip():
        article.error = "empty file"
        return article
    try:
        text, article.encoding, problem = decode_parts(raw, complete=complete)
    except DecodeError as exc:
        article.error = str(exc)
        return article
    if problem:
        article.problems.append(problem)
    try:
        _fill(article, text, keep_body=not header_only)
    except Exception as exc:
        article.error = f"could not be parsed ({type(exc).__name__}: {clean_line(str(exc))[:120]})"
    return article


def load_body(article: Article) -> str:
    """Read and return the HTML body of an article listed header-only.

    Never raises: a file that vanished or changed into garbage yields ``""`` and
    a problem on the article. The body is cached on the article.
    """
    if article.body is not None:
        return article.body
    full = parse(article.path)
    if full.error:
        article.problems.append(f"body could not be read: {full.error}")
        return ""
    article.body = full.body or ""
    return article.body


def _read(path: Path | str, article: Article, header_only: bool) -> tuple[bytes, bool]:
    """Read the file (or its head); return the bytes and whether they are all of it.

    Unbuffered: one ``read`` call for a header is cheaper than filling a buffer first.
    """
    with open(path, "rb", buffering=0) as fh:
        st = os.fstat(fh.fileno())
        article.size = st.st_size
        article.mtime = st.st_mtime
        if not header_only:
            return fh.readall(), True
        data = fh.read(HEAD_BYTES)
        if len(data) < HEAD_BYTES:
            # Short: the whole file, unless the size disagrees (a raw read may return
            # less than asked on some file systems); then only an empty read ends it.
            while len(data) != st.st_size and len(data) < HEAD_BYTES:
                more = fh.read(HEAD_BYTES - len(data))
                if not more:
                    break
                data += more
            if len(data) < HEAD_BYTES:
                return data, True
        # Headers that run past the first block (long front matter, a title line of
        # many KiB): keep reading until they are complete.
        while len(data) < MAX_HEAD_BYTES and _header_open(data):
            more = fh.read(len(data))
            if not more:
                return data, True
            data += more
        return data, False


_OPEN_FENCE = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*---[ \t]*\r?\n")
_CLOSE_FENCE = re.compile(rb"\n(?:---|\.\.\.)[ \t]*\r?\n")


def _header_open(data: bytes) -> bool:
    """True when the bytes may end inside the headers.

    That is: inside a front matter block whose closing fence is not in them yet, or
    before the line breaks that end a feed header (``<!--stamp-->``, ``[title](url)``,
    dashes).
    """
    m = _OPEN_FENCE.match(data)
    start = 0
    if m is not None:
        close = _CLOSE_FENCE.search(data, m.end() - 1)
        if close is None:
            return True
        start = close.end()
    start = _SPACE.match(data, start).end()  # type: ignore[union-attr]  # always matches
    lines = 3 if data.startswith(b"<!--", start) else 2  # stamp line, then link and rule
    for _ in range(lines):
        start = data.find(b"\n", start) + 1
        if not start:
            return True
    return False


_SPACE = re.compile(rb"\s*")


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "file vanished before it could be read"
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, IsADirectoryError):
        return "is a directory"
    return f"cannot be read ({clean_line(exc.strerror or type(exc).__name__)})"


def _fill(article: Article, text: str, *, keep_body: bool) -> None:
    parts = split(text)
    if parts.problems:
        article.problems.extend(parts.problems)
    if not parts.has_front_matter and not parts.has_feed:
        article.error = (
            "not an article: no front matter and no feed header ([title](url) and ------)"
        )
        return
    fm = parts.front_matter
    article.format = _format(parts)

    if fm:
        title = clean_title(_text(fm.get("title")))
        article.url = _first_url(fm)
        article.author = clean_field(_first_text(fm, _AUTHOR_KEYS)) or None
        article.categories = _list(fm.get("categories", fm.get("category")))
        article.tags = _list(fm.get("tags", fm.get("tag")))
        article.image = _clean_url(_first_text(fm, _IMAGE_KEYS))
    else:
        title = ""  # a feed-only file: every field below comes from the feed header
        fm = {}
    if not title:
        title = clean_title(parts.feed_title)
    if article.url is None:
        article.url = _clean_url(parts.feed_url)
    _fill_date(article, fm, parts)
    article.source = _source(article)
    if not title:
        title = _title_from_body(parts.body, article) or _title_from_name(article)
    article.title = title
    if keep_body:
        article.body = strip_controls(parts.body)


def _format(parts: Split) -> Format:
    if parts.has_front_matter and parts.has_feed:
        return "hybrid"
    return "frontmatter" if parts.has_front_matter else "feed"


def _fill_date(article: Article, fm: dict[str, Any], parts: Split) -> None:
    """Front-matter date first, then the feed's timestamp, then a date line in the body."""
    problems: list[str] = []
    for key in _DATE_KEYS:
        value = fm.get(key)
        if value is None:
            continue
        value = value if type(value) is str else _text(value)
        if value:
            dt, problem = parse_date(value)
            if problem:
                problems.append(problem)
            if dt is not None:
                article.date = dt
                break
    if article.date is None and parts.feed_stamp is not None:
        dt, problem = parse_epoch(parts.feed_stamp)
        if problem:
            problems.append(problem)
        article.date = dt
    if article.date is None:
        m = _BODY_DATE.search(parts.body, 0, 3000)
        if m:
            dt, problem = parse_date(_TAG.sub("", m.group(1)))
            if dt is not None:
                article.date = dt
                if problem:
                    problems.append(problem)
    if article.date is None:
        problems.append("no date found")
    if problems:
        article.problems.extend(strip_controls(p) for p in problems)


def _source(article: Article) -> str | None:
    """The site an article came from.

    Hexo seeds list a generic group first (``新媒体``) and the site second; Jekyll
    seeds list only the site. Then the author, then the URL's host.
    """
    if len(article.categories) >= 2:
        return article.categories[1]
    if len(article.categories) == 1:
        return article.categories[0]
    if article.author:
        return article.author
    host = _host(article.url)
    return host


def _host(url: str | None) -> str | None:
    if not url:
        return None
    plain = _PLAIN_HOST.match(url)
    if plain is not None:
        # What urlsplit(url).hostname gives for a plain ASCII host, without its cost.
        return plain.group(1).lower().removeprefix("www.")
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host.removeprefix("www.")


#: ``http(s)://host`` with nothing urlsplit would treat specially (user, port, IPv6,
#: percent signs, whitespace) before the path, query, fragment or end.
_PLAIN_HOST = re.compile(r"(?i:https?)://([A-Za-z0-9.-]+)(?=[/?#]|\Z)")


def _title_from_body(body: str, article: Article) -> str:
    head = body[:8000]
    m = _HEADING.search(head)
    if m:
        title = clean_title(_TAG.sub("", m.group(1)))
        if title:
            article.problems.append("no title; used the body's first heading")
            return title
    text = clean_title(_TAG.sub(" ", _DROP_BLOCKS.sub(" ", head)))
    if text:
        end = _SENTENCE_END.search(text)
        sentence = text[: end.end()].strip() if end and end.end() <= 80 else text[:80].strip()
        if len(text) > len(sentence) and not end:
            sentence += "…"
        article.problems.append("no title; used the body's first sentence")
        return sentence
    return ""


def _title_from_name(article: Article) -> str:
    article.problems.append("no title; used the file name")
    return clean_line(article.path.stem) or clean_line(article.path.name) or "(untitled)"


def _text(value: object) -> str:
    """A field as one string, whatever YAML made of it."""
    if type(value) is str:
        return value
    if value is None:
        return ""
    if isinstance(value, list | tuple | dict):
        return " ".join(_leaves(value))
    return str(value)


#: Most strings read out of one nested field. YAML aliases let a 400-byte header
#: describe a list of a billion items (each alias repeats a whole list); a field is
#: read only up to here, so such a file costs microseconds, not hours.
MAX_FIELD_ITEMS = 2000


def _leaves(value: list[Any] | tuple[Any, ...] | dict[Any, Any]) -> list[str]:
    """The strings of a nested field, in order, as ``_text`` joins them.

    A list's ``None`` items are dropped and a dict's ``None`` values read as ``""``; an
    empty container reads as ``""``. Iterative, so deep nesting cannot overflow the stack.
    """
    out: list[str] = []
    stack: list[Iterator[Any]] = [iter((value,))]
    while stack and len(out) < MAX_FIELD_ITEMS:
        item = next(stack[-1], _END)
        if item is _END:
            stack.pop()
            continue
        if type(item) is str:
            out.append(item)
        elif item is None:
            out.append("")  # only a dict value gets here: list items that are None are skipped
        elif isinstance(item, list | tuple):
            children = [child for child in item if child is not None]
            if children:
                stack.append(iter(children))
            else:
                out.append("")
        elif isinstance(item, dict):
            if item:
                stack.append(iter(item.values()))
            else:
                out.append("")
        else:
            out.append(str(item))
    return out


_END = object()


def _first_text(fm: dict[str, Any], keys: Iterable[str]) -> str:
    for key in keys:
        value = fm.get(key)
        if value is None:
            continue
        value = (value if type(value) is str else _text(value)).strip()
        if value:
            return value
    return ""


def _first_url(fm: dict[str, Any]) -> str | None:
    for key in _URL_KEYS:
        value = fm.get(key)
        if value is None:
            continue
        url = _clean_url(value if type(value) is str else _text(value))
        if url and "://" in url:
            return url
    return None


def _clean_url(value: str | None) -> str | None:
    if not value:
        return None
    url = clean_line(value).strip("\"'<> ")
    return url.replace(" ", "%20") or None


def _list(value: object) -> list[str]:
    """Categories and tags: flatten nested lists, split flow-style strings, drop blanks."""
    if value is None:
        return []
    items = [value] if type(value) is str else value
    if type(items) is list:
        # Fast path: a flat list of strings, none of them a "[flow, list]".
        out: list[str] = []
        for item in items:
            if type(item) is not str:
                return _list_general(value)
            text = item.strip()
            if text[:1] == "[" and text[-1:] == "]":
                return _list_general(value)
            text = clean_title(text)
            if text and text not in out:
                out.append(text)
        return out
    return _list_general(value)


def _list_general(value: object) -> list[str]:
    """:func:`_list` for any shape YAML can produce."""
    out: list[str] = []
    budget = [MAX_FIELD_ITEMS * 5]  # items looked at: YAML aliases can nest a billion

    def add(item: object, depth: int) -> None:
        if item is None or depth > 8 or budget[0] <= 0:
            return
        budget[0] -= 1
        if isinstance(item, list | tuple):
            for sub in item:
                add(sub, depth + 1)
        elif isinstance(item, dict):
            for k, v in item.items():
                add(k, depth + 1)
                add(v, depth + 1)
        else:
            text = str(item).strip()
            if text.startswith("[") and text.endswith("]"):
                for part in text[1:-1].split(","):
                    add(part, depth + 1)
                return
            text = clean_title(text)
            if text and text not in out:
                out.append(text)

    add(value, 0)
    return out
