"""Duplicates and related coverage in the index: what is stored, linked and looked up.

Why here: the signatures (:mod:`tui.search.similar`) are computed in the worker
processes; this module keeps them in four tables and answers the two questions
without a pass over all pairs:

* ``sims`` -- per article: its day, text size, folded story title and lead, and the
  blobs of its bucket keys and title-term hashes (so its rows elsewhere can be
  removed by key, without a second index).
* ``simkeys (key, id)`` -- the duplicate LSH buckets. A written article waits in
  ``pending`` until :func:`link_pending` (once per reconcile or update) checks the
  articles sharing one of its buckets on their text
  (:func:`~tui.search.similar.same_text`); every confirmed pair goes into
* ``dupes (a, b)`` -- so a duplicate group is a connected component of a small table,
  kept up to date incrementally (a changed or removed article takes its pairs along).
* ``simterms (term, day, id)`` -- title-term postings by day: related candidates are
  the articles within a few days sharing a title term that is not common there;
  they are then scored on title and lead terms (:func:`~tui.search.similar.related_score`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

from tui.search import similar as sim
from tui.store.index.packed import unpack_text

__all__ = [
    "CANDIDATES",
    "WINDOW_DAYS",
    "DuplicateGroups",
    "duplicate_groups",
    "forget",
    "group_of",
    "has_pending",
    "link_pending",
    "related",
    "store",
]

#: Related candidates come from this many days either side of the article's date.
WINDOW_DAYS = 3
#: A title term found in more articles than this in the window finds no candidates.
COMMON_TERM = 300
#: At most this many candidates are scored.
CANDIDATES = 200
#: A bucket shared by more articles than this is boilerplate: not a copy signal.
BUCKET_CAP = 16
#: Characters of stored text a duplicate check reads (the lead is within them).
_CHECK_CHARS = sim.LEAD_CHARS * 4
_UNDATED = -1

#: One article's row to store: id, date (epoch seconds or None), signatures.
Item = tuple[int, float | None, sim.Signatures]


def _day(ts: float | None) -> int:
    return _UNDATED if ts is None else int(ts // 86400)


def store(c: sqlite3.Connection, items: Sequence[Item]) -> None:
    """Keep the signatures of freshly written articles; their copies are linked later.

    Call inside the write transaction, after :func:`forget` removed their old rows.
    Articles with bucket keys are marked pending: :func:`link_pending` checks them.
    """
    if not items:
        return
    c.executemany(
        "INSERT OR REPLACE INTO sims (id, day, ts, size, title, lead, keys, postings) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                i,
                _day(ts),
                ts,
                s.size,
                s.title,
                s.lead,
                sim.pack_keys(s.keys),
                sim.pack_keys(s.postings),
            )
            for i, ts, s in items
        ],
    )
    c.executemany(
        "INSERT OR IGNORE INTO simkeys (key, id) VALUES (?, ?)",
        [(k, i) for i, _, s in items for k in s.keys],
    )
    c.executemany(
        "INSERT OR IGNORE INTO simterms (term, day, id) VALUES (?, ?, ?)",
        [(t, _day(ts), i) for i, ts, s in items for t in s.postings],
    )
    c.executemany(
        "INSERT OR IGNORE INTO pending (id) VALUES (?)", [(i,) for i, _, s in items if s.keys]
    )


def has_pending(c: sqlite3.Connection) -> bool:
    """Whether some written articles still wait for :func:`link_pending`."""
    return c.execute("SELECT 1 FROM pending LIMIT 1").fetchone() is not None


def link_pending(c: sqlite3.Connection) -> int:
    """Check every pending article against the articles sharing a bucket; record the copies.

    Call inside a write transaction. Returns how many copy pairs were added. Many
    pending articles (a build) read every bucket in one pass; a few look theirs up.
    A bucket shared by more than :data:`BUCKET_CAP` articles is boilerplate, not a
    copy signal.
    """
    pending = {r[0] for r in c.execute("SELECT id FROM pending")}
    if not pending:
        return 0
    pairs: set[tuple[int, int]] = set()
    total = c.execute("SELECT count(*) FROM sims").fetchone()[0]
    if len(pending) * 20 >= total:
        buckets: Iterable[list[int]] = (
            [int(x) for x in members.split(",")]
            for (members,) in c.execute(
                "SELECT group_concat(id) FROM simkeys GROUP BY key HAVING count(*) BETWEEN 2 AND ?",
                (BUCKET_CAP,),
            )
        )
    else:
        buckets = []
        for _, blob in _select(c, "SELECT id, keys FROM sims WHERE id IN ({})", list(pending)):
            for key in sim.unpack_keys(blob):
                ids = [r[0] for r in c.execute(
                    "SELECT id FROM simkeys WHERE key = ? LIMIT ?", (key, BUCKET_CAP + 1)
                )]  # fmt: skip
                if 2 <= len(ids) <= BUCKET_CAP:
                    buckets.append(ids)
    for ids in buckets:
        if not pending.isdisjoint(ids):
            ids.sort()
            pairs.update(p for p in combinations(ids, 2) if p[0] in pending or p[1] in pending)
    c.execute("DELETE FROM pending")
    if not pairs:
        return 0
    # The stored titles first: most candidates that only share a templated lead
    # are turned away here, without reading and unpacking their text.
    involved = list({i for pair in pairs for i in pair})
    grams = {
        i: sim.title_grams(title)
        for i, title in _select(c, "SELECT id, title FROM sims WHERE id IN ({})", involved)
    }
    pairs = {
        (a, b)
        for a, b in pairs
        if a in grams and b in grams and sim.grams_agree(grams[a], grams[b])
    }
    if not pairs:
        return 0
    involved = list({i for pair in pairs for i in pair})
    features: dict[int, sim.DupText] = {}
    for i, title, body in _select(
        c,
        "SELECT a.id, a.title, t.body FROM articles a JOIN texts t ON t.id = a.id "
        "WHERE a.id IN ({})",
        involved,
    ):
        features[i] = sim.dup_text(sim.dup_features(title, unpack_text(body)[:_CHECK_CHARS]))
    found = [
        (a, b)
        for a, b in sorted(pairs)
        if a in features and b in features and sim.same_text(features[a], features[b])
    ]
    c.executemany("INSERT OR IGNORE INTO dupes (a, b) VALUES (?, ?)", found)
    return len(found)


def _select(c: sqlite3.Connection, sql: str, ids: list[int]) -> list[tuple[Any, ...]]:
    """``sql`` (with one ``IN ({})``) over ``ids``, 500 at a time: SQLite caps the parameters."""
    out: list[tuple[Any, ...]] = []
    for start in range(0, len(ids), 500):
        part = ids[start : start + 500]
        out += c.execute(sql.format(",".join("?" * len(part))), part).fetchall()
    return out


def forget(c: sqlite3.Connection, ids: Sequence[int]) -> None:
    """Remove these articles' signatures, buckets, postings and copy links."""
    if not ids:
        return
    rows: list[tuple[int, int, bytes | None, bytes | None]] = []
    for start in range(0, len(ids), 500):
        part = list(ids[start : start + 500])
        marks = ",".join("?" * len(part))
        rows += c.execute(
            f"SELECT id, day, keys, postings FROM sims WHERE id IN ({marks})", part
        ).fetchall()
    c.executemany(
        "DELETE FROM simkeys WHERE key = ? AND id = ?",
        [(k, i) for i, _, keys, _ in rows for k in sim.unpack_keys(keys)],
    )
    c.executemany(
        "DELETE FROM simterms WHERE term = ? AND day = ? AND id = ?",
        [(t, day, i) for i, day, _, terms in rows for t in sim.unpack_keys(terms)],
    )
    c.executemany("DELETE FROM sims WHERE id = ?", [(i,) for i, *_ in rows])
    c.executemany("DELETE FROM dupes WHERE a = ? OR b = ?", [(i, i) for i in ids])
    c.executemany("DELETE FROM pending WHERE id = ?", [(i,) for i in ids])


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True, slots=True)
class DuplicateGroups:
    """Every group of copies, as stored (relative) paths, the fullest copy first.

    ``of`` maps each path in a group to its group's position in ``groups``; a path not
    in it has no copies. Cheap to build (it reads only the copy links and their
    sizes), so a caller may rebuild it whenever the index's generation changes.
    """

    groups: list[tuple[str, ...]]
    of: dict[str, int]

    def copies(self, rel: str) -> tuple[str, ...]:
        """Every copy of ``rel``, itself included (fullest first); ``(rel,)`` when none."""
        at = self.of.get(rel)
        return (rel,) if at is None else self.groups[at]


def duplicate_groups(c: sqlite3.Connection) -> DuplicateGroups:
    """The connected components of the copy links."""
    parent: dict[int, int] = {}

    def root(x: int) -> int:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    for a, b in c.execute("SELECT a, b FROM dupes"):
        parent.setdefault(a, a)
        parent.setdefault(b, b)
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    if not parent:
        return DuplicateGroups([], {})
    members: dict[int, list[int]] = {}
    for x in list(parent):
        members.setdefault(root(x), []).append(x)
    ids = list(parent)
    info: dict[int, tuple[str, int]] = {}
    for start in range(0, len(ids), 500):
        part = ids[start : start + 500]
        marks = ",".join("?" * len(part))
        for i, path, size in c.execute(
            f"SELECT a.id, a.path, s.size FROM articles a JOIN sims s ON s.id = a.id "
            f"WHERE a.id IN ({marks})",
            part,
        ):
            info[i] = (path, size)
    groups: list[tuple[str, ...]] = []
    of: dict[str, int] = {}
    for group in members.values():
        alive = [info[i] for i in group if i in info]
        if len(alive) < 2:
            continue
        alive.sort(key=lambda ps: (-ps[1], ps[0]))
        for path, _ in alive:
            of[path] = len(groups)
        groups.append(tuple(path for path, _ in alive))
    return DuplicateGroups(groups, of)


def group_of(c: sqlite3.Connection, article_id: int) -> set[int]:
    """The ids of ``article_id``'s copies, itself included (a walk of the links)."""
    seen = {article_id}
    todo = [article_id]
    while todo:
        i = todo.pop()
        for a, b in c.execute("SELECT a, b FROM dupes WHERE a = ? OR b = ?", (i, i)):
            for j in (a, b):
                if j not in seen:
                    seen.add(j)
                    todo.append(j)
    return seen


def related(c: sqlite3.Connection, article_id: int, limit: int) -> list[tuple[int, float]]:
    """Other articles about the same story as ``article_id``: (id, score), best first.

    Copies of the article are left out (they are the same article). Candidates share a
    title term with it, within :data:`WINDOW_DAYS` days; terms common in that window
    weigh less, and one found in over :data:`COMMON_TERM` articles finds none.
    """
    me = c.execute(
        "SELECT day, ts, title, lead, postings FROM sims WHERE id = ?", (article_id,)
    ).fetchone()
    if me is None or limit <= 0:
        return []
    day, ts, title, lead, postings = me
    low, high = (day, day) if day == _UNDATED else (day - WINDOW_DAYS, day + WINDOW_DAYS)
    mine = sim.terms_of(title, lead)
    by_hash = {sim.term_key(t): t for t in mine.title}
    votes: dict[int, float] = {}
    rarity: dict[str, float] = {}
    for term in sim.unpack_keys(postings):
        ids = [r[0] for r in c.execute(
            "SELECT id FROM simterms WHERE term = ? AND day BETWEEN ? AND ? LIMIT ?",
            (term, low, high, COMMON_TERM + 1),
        )]  # fmt: skip
        if len(ids) > COMMON_TERM:
            weight = 0.05
        else:
            weight = 1.0 / (1.0 + 0.5 * (len(ids) - 1) ** 0.5)
            for i in ids:
                votes[i] = votes.get(i, 0.0) + weight
        if term in by_hash:
            rarity[by_hash[term]] = weight
    copies = group_of(c, article_id)
    for i in copies:
        votes.pop(i, None)
    if not votes:
        return []
    best = sorted(votes, key=lambda i: -votes[i])[:CANDIDATES]
    marks = ",".join("?" * len(best))
    scored: list[tuple[int, float]] = []
    for i, other_ts, other_title, other_lead in c.execute(
        f"SELECT id, ts, title, lead FROM sims WHERE id IN ({marks})", best
    ):
        apart = None if ts is None or other_ts is None else (other_ts - ts) / 86400
        score = sim.related_score(mine, sim.terms_of(other_title, other_lead), apart, rarity)
        if score >= sim.RELATED_THRESHOLD:
            scored.append((i, score))
    scored.sort(key=lambda r: (-r[1], r[0]))
    return scored[:limit]
