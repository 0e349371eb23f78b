"""The filter box's query language, shared by the app and ``newsdeck list --filter``.

A query mixes fuzzy text with field filters; everything that is not a filter is
fuzzy text, ranked by :class:`~tui.search.fuzzy.FuzzyIndex`::

    openai src:cnbeta cat:新闻 -广告 is:unread after:2022-01 before:7d

==========================  ===================================================
``src:V`` ``source:V``      the source contains V (case-insensitive substring)
``cat:V`` ``category:V``    some category contains V
``tag:V``                   some tag contains V
``author:V`` ``by:V``       the author contains V
``title:V``                 the title contains V (a plain substring, not fuzzy)
``url:V`` ``path:V``        the URL / the file path contains V
``is:unread`` ``is:read``   reading state; ``is:starred`` ``is:unstarred``;
                            ``is:started`` begun (scrolled into) and not finished
``after:D`` ``since:D``     dated on or after the start of D
``before:D`` ``until:D``    dated before the start of D
``date:D`` ``on:D``         dated within D
``-word`` ``-"a phrase"``   title, source and author do not contain it
``-FIELD:V``                negates any filter (``-src:cnbeta``, ``-is:starred``)
==========================  ===================================================

Values: ``src:"IT 之家"`` quotes a value with spaces (``\\"`` is a literal quote
inside); ``src:=cnbeta`` matches the whole value exactly (case-insensitive), which
is what the source browser uses; ``src:a,b`` (unquoted) means a or b. Filters on
the same field are ORed (``src:a src:b``), different fields and negations ANDed.
Matching folds both sides with :func:`~tui.search.fold.fold_field` (NFKC + casefold),
so ``ＩＴ`` finds ``it``.

Dates ``D``, in local time: ``2022`` / ``2022-01`` / ``2022-01-31`` (``/`` or
``.`` also separate), ``today``, ``yesterday``, or a span back from now: ``12h``,
``7d``, ``2w`` (``after:7d`` = the last 7 days, ``before:2w`` = older than two weeks).
Articles without a date never pass a date filter.

Parsing never raises: unknown fields, empty values, bad dates and unclosed quotes
each add a human-readable message to :attr:`Query.errors` and the rest of the
query still applies (an unknown ``foo:bar`` is searched as plain text, so titles
like ``Re:Zero`` still work; quote it to silence the message).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo

from tui.model import Article
from tui.search.fold import fold_field
from tui.search.fuzzy import FuzzyIndex, FuzzyResult

__all__ = [
    "FIELDS",
    "DateRange",
    "Facet",
    "Facets",
    "FieldFilter",
    "Query",
    "apply",
    "apply_with_result",
    "facets",
    "field_term",
    "parse",
    "quote",
]

ArticlePredicate = Callable[[Article], bool]

#: Query field name -> canonical field.
FIELDS: dict[str, str] = {
    "src": "source",
    "source": "source",
    "cat": "category",
    "category": "category",
    "tag": "tag",
    "author": "author",
    "by": "author",
    "title": "title",
    "url": "url",
    "path": "path",
    "is": "is",
    "after": "after",
    "since": "after",
    "before": "before",
    "until": "before",
    "date": "date",
    "on": "date",
}
_DATE_FIELDS = ("after", "before", "date")
#: ``is:`` values -> (state, wanted).
FLAGS: dict[str, tuple[str, bool]] = {
    "unread": ("read", False),
    "read": ("read", True),
    "starred": ("starred", True),
    "star": ("starred", True),
    "unstarred": ("starred", False),
    "started": ("started", True),
}
_FIELD_HELP = "src, cat, tag, author, title, url, path, is, after, before, date"
_FLAG_HELP = "unread, read, starred, unstarred or started"
_DATE_HELP = "use 2022, 2022-01, 2022-01-31, today, yesterday, 12h, 7d or 2w"

_FIELD_RE = re.compile(r"([A-Za-z]+):")
_ABS_DATE_RE = re.compile(r"(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?")
_REL_DATE_RE = re.compile(r"(\d{1,5})([hdw])")
_REL_UNITS = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}


# --------------------------------------------------------------------------- the model


@dataclass(frozen=True, slots=True)
class FieldFilter:
    """One text-field filter: ``field`` is canonical, ``value`` already folded."""

    field: str
    value: str
    exact: bool = False
    negated: bool = False


@dataclass(frozen=True, slots=True)
class DateRange:
    """``start <= date < end`` (either bound may be open); ``negated`` inverts it."""

    start: datetime | None
    end: datetime | None
    negated: bool = False

    def contains(self, date: datetime | None) -> bool:
        """Whether ``date`` passes; an undated article never passes a date filter."""
        if date is None:
            return False
        inside = (self.start is None or date >= self.start) and (
            self.end is None or date < self.end
        )
        return inside != self.negated


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed filter string. Build it with :func:`parse`; it never fails to build."""

    raw: str = ""
    #: The fuzzy part, handed to :meth:`FuzzyIndex.search` (may be blank).
    text: str = ""
    filters: tuple[FieldFilter, ...] = ()
    #: Folded words/phrases that title, source and author must not contain.
    excluded: tuple[str, ...] = ()
    dates: tuple[DateRange, ...] = ()
    #: ``(state, wanted)`` pairs: ``("read", False)`` is ``is:unread``.
    flags: tuple[tuple[str, bool], ...] = ()
    errors: tuple[str, ...] = ()

    @property
    def has_filters(self) -> bool:
        """Whether anything beyond the fuzzy text restricts the articles."""
        return bool(self.filters or self.excluded or self.dates or self.flags)

    @property
    def is_blank(self) -> bool:
        """Whether the query keeps every article in the given order."""
        return not self.text.strip() and not self.has_filters

    @property
    def needs_state(self) -> bool:
        """Whether matching consults the reading state (``is:`` filters)."""
        return bool(self.flags)

    def matches(
        self,
        article: Article,
        is_read: ArticlePredicate | None = None,
        is_starred: ArticlePredicate | None = None,
        *,
        is_started: ArticlePredicate | None = None,
    ) -> bool:
        """Whether ``article`` passes every non-fuzzy part of the query.

        ``is_read``/``is_starred``/``is_started`` answer ``is:`` filters (e.g.
        ``StateStore.is_read``); without them every article counts as unread,
        unstarred and not started.
        """
        for state, wanted in self.flags:
            lookup = (
                is_read if state == "read" else is_starred if state == "starred" else is_started
            )
            if (lookup(article) if lookup is not None else False) != wanted:
                return False
        for rng in self.dates:
            if not rng.contains(article.date):
                return False
        if self.excluded:
            hay = (
                fold_field(article.title),
                fold_field(article.source or ""),
                fold_field(article.author or ""),
            )
            for word in self.excluded:
                if any(word in h for h in hay):
                    return False
        positive: dict[str, bool] = {}
        for flt in self.filters:
            hit = _field_hit(flt, article)
            if flt.negated:
                if hit:
                    return False
            elif hit:
                positive[flt.field] = True
            else:
                positive.setdefault(flt.field, False)
        return all(positive.values())


def _values(name: str, article: Article) -> Iterable[str]:
    if name == "source":
        return (article.source,) if article.source else ()
    if name == "category":
        return article.categories
    if name == "tag":
        return article.tags
    if name == "author":
        return (article.author,) if article.author else ()
    if name == "title":
        return (article.title,)
    if name == "url":
        return (article.url,) if article.url else ()
    if name == "path":
        return (article.path.as_posix(),)
    return ()


def _field_hit(flt: FieldFilter, article: Article) -> bool:
    if flt.exact:
        return any(fold_field(v) == flt.value for v in _values(flt.field, article))
    return any(flt.value in fold_field(v) for v in _values(flt.field, article))


# --------------------------------------------------------------------------- parsing


@dataclass(slots=True)
class _Token:
    negated: bool
    name: str | None  # the field name as typed (lower-cased), None for text
    name_raw: str
    value: str
    exact: bool
    quoted: bool
    unclosed: bool


def _read_value(s: str, i: int) -> tuple[str, int, bool, bool]:
    """Read up to unquoted whitespace; return (value, end, had quotes, quote unclosed)."""
    out: list[str] = []
    quoted = in_quote = False
    n = len(s)
    while i < n:
        ch = s[i]
        if in_quote:
            if ch == "\\" and i + 1 < n:
                out.append(s[i + 1])
                i += 2
                continue
            if ch == '"':
                in_quote = False
            else:
                out.append(ch)
        elif ch == '"':
            in_quote = quoted = True
        elif ch.isspace():
            break
        else:
            out.append(ch)
        i += 1
    return "".join(out), i, quoted, in_quote


def _tokens(s: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(s)
    while i < n:
        if s[i].isspace():
            i += 1
            continue
        negated = s[i] == "-"
        if negated:
            i += 1
        name = None
        name_raw = ""
        m = _FIELD_RE.match(s, i)
        if m:
            name_raw = m.group(1)
            name = name_raw.lower()
            i = m.end()
        exact = name is not None and i < n and s[i] == "="
        if exact:
            i += 1
        value, i, quoted, unclosed = _read_value(s, i)
        tokens.append(_Token(negated, name, name_raw, value, exact, quoted, unclosed))
    return tokens


def parse(raw: str, *, now: datetime | None = None, tz: tzinfo | None = None) -> Query:
    """Parse a filter string; never raises (problems go to :attr:`Query.errors`).

    ``now`` and ``tz`` fix the clock and the zone of calendar dates (default: the
    current time and the local zone), so tests do not depend on the machine.
    """
    text: list[str] = []
    filters: list[FieldFilter] = []
    excluded: list[str] = []
    dates: list[DateRange] = []
    flags: list[tuple[str, bool]] = []
    errors: list[str] = []
    for tok in _tokens(raw):
        if tok.unclosed:
            errors.append('unclosed quote: add a closing "')
        canonical = FIELDS.get(tok.name) if tok.name is not None else None
        if tok.name is not None and canonical is None:
            errors.append(
                f'unknown field "{tok.name_raw}:" (searched as text); fields: {_FIELD_HELP}'
            )
            word = f"{tok.name_raw}:{'=' if tok.exact else ''}{tok.value}"
            _add_text(word, tok.negated, text, excluded)
            continue
        if canonical is None:
            if not tok.value.strip():
                if tok.negated and not tok.quoted:
                    errors.append('"-" needs a word right after it, as in -广告')
                continue
            _add_text(tok.value, tok.negated, text, excluded)
            continue
        prefix = ("-" if tok.negated else "") + f"{tok.name_raw}:"
        value = tok.value.strip()
        if not value:
            errors.append(f"{prefix} needs a value")
            continue
        if canonical == "is":
            flag = FLAGS.get(value.lower())
            if flag is None:
                errors.append(f'{prefix} "{value}" is unknown; use {_FLAG_HELP}')
                continue
            flags.append((flag[0], flag[1] != tok.negated))
        elif canonical in _DATE_FIELDS:
            period = parse_period(value, now=now, tz=tz)
            if period is None:
                errors.append(f'{prefix} "{value}" is not a date ({_DATE_HELP})')
                continue
            start, end = period
            if canonical == "after":
                dates.append(DateRange(start, None, tok.negated))
            elif canonical == "before":
                dates.append(DateRange(None, start, tok.negated))
            else:
                dates.append(DateRange(start, end, tok.negated))
        else:
            parts = [value] if tok.quoted else [p for p in value.split(",") if p.strip()]
            for part in parts:
                filters.append(FieldFilter(canonical, fold_field(part), tok.exact, tok.negated))
    return Query(
        raw=raw,
        text=" ".join(text),
        filters=tuple(filters),
        excluded=tuple(excluded),
        dates=tuple(dates),
        flags=tuple(flags),
        errors=tuple(dict.fromkeys(errors)),
    )


def _add_text(word: str, negated: bool, text: list[str], excluded: list[str]) -> None:
    if negated:
        folded = fold_field(word)
        if folded:
            excluded.append(folded)
    elif word.strip():
        text.append(" ".join(word.split()))


def parse_period(
    value: str, *, now: datetime | None = None, tz: tzinfo | None = None
) -> tuple[datetime, datetime | None] | None:
    """``(start, end)`` of a date value, aware; ``end`` is None for spans back from now."""
    v = value.strip().lower()
    current = now if now is not None else datetime.now(tz).astimezone(tz)
    if current.tzinfo is None:
        current = current.astimezone()
    m = _REL_DATE_RE.fullmatch(v)
    if m:
        return current - int(m.group(1)) * _REL_UNITS[m.group(2)], None
    if v in ("today", "yesterday"):
        local = current.astimezone(tz) if tz is not None else current.astimezone()
        day = local.date() - timedelta(days=1 if v == "yesterday" else 0)
        nxt = day + timedelta(days=1)
        return (
            _local(day.year, day.month, day.day, tz),
            _local(nxt.year, nxt.month, nxt.day, tz),
        )
    m = _ABS_DATE_RE.fullmatch(v)
    if not m:
        return None
    year = int(m.group(1))
    try:
        if m.group(3):
            month, day_ = int(m.group(2)), int(m.group(3))
            start = _local(year, month, day_, tz)
            nxt = datetime(year, month, day_) + timedelta(days=1)
            return start, _local(nxt.year, nxt.month, nxt.day, tz)
        if m.group(2):
            month = int(m.group(2))
            start = _local(year, month, 1, tz)
            ny, nm = (year + 1, 1) if month == 12 else (year, month + 1)
            return start, _local(ny, nm, 1, tz)
        start = _local(year, 1, 1, tz)
        return start, (_local(year + 1, 1, 1, tz) if year < 9999 else None)
    except (ValueError, OverflowError):
        return None


def _local(year: int, month: int, day: int, tz: tzinfo | None) -> datetime:
    """Midnight of that day in ``tz`` (default: the local zone, DST-aware)."""
    if year < 1:
        raise ValueError("year 0")
    if tz is not None:
        return datetime(year, month, day, tzinfo=tz)
    return datetime(year, month, day).astimezone()


def quote(value: str) -> str:
    """``value`` as a query value: bare when safe, else double-quoted with escapes."""
    if value and not any(c.isspace() or c in '",\\' for c in value) and value[0] not in "=-":
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def field_term(name: str, value: str, *, exact: bool = True) -> str:
    """A query term for a browser choice, e.g. ``field_term("src", "IT 之家")``."""
    return f"{name}:{'=' if exact else ''}{quote(value)}"


# --------------------------------------------------------------------------- applying


def apply_with_result(
    query: Query | str,
    articles: Sequence[Article],
    index: FuzzyIndex | None = None,
    is_read: ArticlePredicate | None = None,
    is_starred: ArticlePredicate | None = None,
    *,
    is_started: ArticlePredicate | None = None,
    ids: Sequence[int] | None = None,
    previous: FuzzyResult | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> tuple[list[Article], FuzzyResult | None]:
    """:func:`apply`, also returning the fuzzy result (to seed the next keystroke)."""
    q = parse(query) if isinstance(query, str) else query
    if not q.has_filters:
        if not q.text.strip():
            return list(articles), None
        if index is not None and ids is None:  # the common case: skip every mapping
            result = index.search(
                q.text, previous, ids=range(len(articles)), should_stop=should_stop
            )
            return [articles[i] for i in result.ids], result
        kept = list(range(len(articles)))
    else:
        kept = [
            k
            for k, a in enumerate(articles)
            if q.matches(a, is_read, is_starred, is_started=is_started)
        ]
    if not q.text.strip():
        return [articles[k] for k in kept], None
    if index is None:
        index = FuzzyIndex()
        index.extend(
            (articles[k].title, articles[k].source or "", articles[k].author or "") for k in kept
        )
        result = index.search(q.text, should_stop=should_stop)
        return [articles[kept[i]] for i in result.ids], result
    id_of = list(ids) if ids is not None else list(range(len(articles)))
    if len(id_of) != len(articles):
        raise ValueError("ids must give one index id per article")
    by_id = {id_of[k]: articles[k] for k in kept}
    result = index.search(q.text, previous, ids=[id_of[k] for k in kept], should_stop=should_stop)
    return [by_id[i] for i in result.ids], result


def apply(
    query: Query | str,
    articles: Sequence[Article],
    index: FuzzyIndex | None = None,
    is_read: ArticlePredicate | None = None,
    is_starred: ArticlePredicate | None = None,
    *,
    is_started: ArticlePredicate | None = None,
    ids: Sequence[int] | None = None,
    previous: FuzzyResult | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> list[Article]:
    """The articles a query shows: field filters first, then fuzzy ranking of the rest.

    Without fuzzy text the given order (the current sort) is kept; with text the
    survivors are ranked best first, ties in the given order. ``index`` is an index
    already holding the articles; ``ids[k]`` is the index id of ``articles[k]``
    (default: its position). Without an index a temporary one is built.
    ``is_read``/``is_starred``/``is_started`` answer the ``is:`` filters.
    ``should_stop`` may raise :class:`~tui.search.fuzzy.SearchCancelled`.
    """
    return apply_with_result(
        query,
        articles,
        index,
        is_read,
        is_starred,
        is_started=is_started,
        ids=ids,
        previous=previous,
        should_stop=should_stop,
    )[0]


# --------------------------------------------------------------------------- browser


@dataclass(slots=True)
class Facet:
    """One entry of the source/category browser."""

    name: str
    total: int = 0
    unread: int = 0


@dataclass(slots=True)
class Facets:
    """Counts for the browser and the header: overall, per source, per category."""

    total: int = 0
    unread: int = 0
    sources: list[Facet] = field(default_factory=list)
    categories: list[Facet] = field(default_factory=list)


def facets(articles: Iterable[Article], is_read: ArticlePredicate | None = None) -> Facets:
    """Count articles and unread ones per source and per category (sorted by name)."""
    out = Facets()
    sources: dict[str, Facet] = {}
    categories: dict[str, Facet] = {}
    for article in articles:
        unread = 0 if is_read is not None and is_read(article) else 1
        out.total += 1
        out.unread += unread
        if article.source:
            f = sources.get(article.source)
            if f is None:
                f = sources[article.source] = Facet(article.source)
            f.total += 1
            f.unread += unread
        for cat in dict.fromkeys(article.categories):
            f = categories.get(cat)
            if f is None:
                f = categories[cat] = Facet(cat)
            f.total += 1
            f.unread += unread
    out.sources = sorted(sources.values(), key=lambda f: fold_field(f.name))
    out.categories = sorted(categories.values(), key=lambda f: fold_field(f.name))
    return out
