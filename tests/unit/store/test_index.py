"""The persistent index: reopening, reconciling, recovery, full-text search, the CLI."""

from __future__ import annotations

import builtins
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.locations import REAL_CORPUS, REPO
from tui.cli import main as cli
from tui.files import parser as parser_module
from tui.files.scan import scan
from tui.store import index as index_module
from tui.store.index import Index, db_path, list_articles
from tui.store.index import database as database_module
from tui.store.index import facade as facade_module
from tui.store.index import fulltext as fulltext_module
from tui.store.index.packed import unpack_text

Write = Callable[..., Path]


def fts_integrity_check(index: Index) -> None:
    """Raise unless the contentless FTS table is consistent (read on its own connection)."""
    conn = sqlite3.connect(index.path, isolation_level=None)
    try:
        conn.execute("INSERT INTO fts (fts, rank) VALUES ('integrity-check', 1)")
    finally:
        conn.close()


def feed(title: str, body: str, stamp: int = 1641989702000) -> str:
    return f"<!--{stamp}-->\n[{title}](https://example.org/{stamp})\n------\n{body}\n"


ARTICLES = {
    "a.md": feed(
        "疫苗研发进展", "<p>中国新冠疫苗研发完成并投入使用后愿率先惠及非洲国家。</p>", 1641989702000
    ),
    "sub/b.md": feed(
        "Markets rally",
        "<p>The central bank said the Vaccine rollout helps growth.</p>",
        1641989703000,
    ),
    "sub/deep/c.md": (
        "---\ntitle: 经济观察\ndate: 2021-05-01\ncategories: [新媒体, 财经网]\ntags: [经济]\n---\n"
        "<p>今年经济增长放缓，[bold]markup[/bold] stays text.</p>\n"
    ),
}


@pytest.fixture(autouse=True)
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own cache directory, outside the seeds directory."""
    where = tmp_path / "cache"
    monkeypatch.setenv("NEWSDECK_CACHE_DIR", str(where))
    return where


@pytest.fixture
def seeds(tmp_path: Path) -> Path:
    root = tmp_path / "seeds"
    for name, text in ARTICLES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (root / "binary.bin").write_bytes(b"\x00\x01\x02garbage\xff" * 10)
    return root


def build(root: Path, **kwargs: Any) -> Index:
    index = Index(root)
    for _ in index.reconcile(**kwargs):
        pass
    return index


def fingerprint(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def records(articles: list[Any], root: Path) -> dict[str, tuple[Any, ...]]:
    return {
        a.relpath(root): (json.dumps(a.to_json(root), ensure_ascii=False), a.error, a.size, a.mtime)
        for a in articles
    }


# --------------------------------------------------------------------------- store


def test_index_lives_in_the_cache_not_in_the_seeds(seeds: Path, cache: Path) -> None:
    before = fingerprint(seeds)
    with build(seeds) as index:
        assert index.path.is_relative_to(cache)
        assert index.path == db_path(seeds)
        assert index.notice is None
    assert fingerprint(seeds) == before
    assert not any(p.suffix == ".sqlite" for p in seeds.rglob("*"))
    # Another directory gets another database.
    other = seeds.parent / "other"
    other.mkdir()
    assert db_path(other) != db_path(seeds)


def test_load_gives_what_a_header_scan_gives(seeds: Path) -> None:
    with build(seeds) as index:
        loaded = index.load()
    scanned = list(scan(seeds))
    assert records(loaded, seeds) == records(scanned, seeds)
    assert all(a.body is None for a in loaded)
    bad = [a for a in loaded if not a.ok]
    assert [a.relpath(seeds) for a in bad] == ["binary.bin"]
    # Newest first, undated/unreadable last.
    dated = [a.date for a in loaded if a.date]
    assert dated == sorted(dated, reverse=True)


def test_reopen_reads_no_file_for_unchanged_articles(
    seeds: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(seeds).close()
    opened: list[str] = []
    real_open = builtins.open

    def spy_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        opened.append(str(file))
        return real_open(file, *args, **kwargs)

    parsed: list[Path] = []
    real_parse = parser_module.parse

    def spy_parse(path: Path, **kwargs: Any) -> Any:
        parsed.append(path)
        return real_parse(path, **kwargs)

    monkeypatch.setattr(builtins, "open", spy_open)
    monkeypatch.setattr(parser_module, "parse", spy_parse)
    with Index(seeds) as index:
        first = next(index.iter_load())
        batches = list(index.reconcile())
        assert len(first) == 4
        assert not any(batches)
    assert parsed == []
    assert not [f for f in opened if f.startswith(str(seeds))]

    # Touch one file: only that one is read again.
    target = seeds / "sub" / "b.md"
    target.write_text(feed("Markets fall", "<p>changed</p>", 1641989703000), encoding="utf-8")
    with Index(seeds) as index:
        changed = [a for b in index.reconcile() for a in b.changed]
    assert parsed == [target]
    assert [a.title for a in changed] == ["Markets fall"]


def test_reconcile_added_changed_deleted(seeds: Path) -> None:
    build(seeds).close()
    (seeds / "a.md").unlink()
    (seeds / "sub" / "deep").joinpath("c.md").write_text(
        ARTICLES["sub/deep/c.md"].replace("经济观察", "经济观察（更新）"), encoding="utf-8"
    )
    (seeds / "new.md").write_text(
        feed("新文章", "<p>全新的内容</p>", 1641989709000), encoding="utf-8"
    )
    (seeds / ".hidden.md").write_text(feed("hidden", "<p>x</p>"), encoding="utf-8")
    with Index(seeds) as index:
        batches = list(index.reconcile())
        added = {a.relpath(seeds) for b in batches for a in b.added}
        changed = {a.relpath(seeds): a.title for b in batches for a in b.changed}
        removed = {p.relative_to(seeds).as_posix() for b in batches for p in b.removed}
        assert added == {"new.md"}
        assert changed == {"sub/deep/c.md": "经济观察（更新）"}
        assert removed == {"a.md"}
        assert records(index.load(), seeds) == records(list(scan(seeds)), seeds)
        # The text index follows: the deleted article is no longer found, the new one is.
        assert index.search("疫苗研发") == []
        assert [h.article.title for h in index.search("全新的内容")] == ["新文章"]


def test_corrupt_database_is_rebuilt_with_a_notice(seeds: Path) -> None:
    build(seeds).close()
    path = db_path(seeds)
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    path.write_bytes(b"this is not a database" * 500)
    before = fingerprint(seeds)
    with Index(seeds) as index:
        assert index.notice is not None and "\n" not in index.notice
        assert "rebuild" in index.notice
        assert index.count() == 0
        assert len([a for b in index.reconcile() for a in b.added]) == 4
        assert index.search("经济增长")
    assert fingerprint(seeds) == before
    with Index(seeds) as index:
        assert index.notice is None  # the rebuilt index is fine next time
        assert index.count() == 4


def test_old_schema_is_rebuilt(seeds: Path) -> None:
    build(seeds).close()
    conn = sqlite3.connect(db_path(seeds))
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with Index(seeds) as index:
        assert index.notice is not None and "schema" in index.notice
        assert index.count() == 0


def test_locked_database_falls_back_to_a_private_index(
    seeds: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(seeds).close()
    monkeypatch.setattr(database_module, "BUSY_TIMEOUT_MS", 100)
    holder = sqlite3.connect(db_path(seeds), isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with Index(seeds) as index:
            assert index.notice is not None and "locked" in index.notice
            assert index.path != db_path(seeds)
            private = index.path
            for _ in index.reconcile():
                pass
            assert [h.article.title for h in index.search("疫苗研发")] == ["疫苗研发进展"]
        assert not private.exists()  # the private index goes away with the session
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_two_processes_index_and_search_one_directory(seeds: Path) -> None:
    for i in range(120):
        (seeds / "bulk" / f"{i:03d}.md").parent.mkdir(exist_ok=True)
        (seeds / "bulk" / f"{i:03d}.md").write_text(
            feed(f"Bulk {i}", f"<p>批量文章第{i}号 unique{i:03d}x</p>", 1641989702000 + i),
            encoding="utf-8",
        )
    env = dict(os.environ)
    cmd = [sys.executable, "-m", "tui", "index", str(seeds), "--quiet"]
    procs = [subprocess.Popen(cmd, cwd=REPO, env=env, stderr=subprocess.PIPE) for _ in range(2)]
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    assert all(b"locked" not in err for _, err in results)
    with Index(seeds) as index:
        assert index.notice is None
        assert index.count() == 124
        assert [h.article.title for h in index.search("unique077x")] == ["Bulk 77"]
    # A reader and a writer at once: search while another process refreshes.
    (seeds / "bulk" / "000.md").write_text(feed("Bulk zero", "<p>改过了</p>"), encoding="utf-8")
    writer = subprocess.Popen(cmd, cwd=REPO, env=env)
    search = subprocess.run(
        [sys.executable, "-m", "tui", "search", str(seeds), "批量文章", "--json", "--limit", "500"],
        cwd=REPO,
        env=env,
        capture_output=True,
        check=False,
    )
    assert writer.wait(timeout=120) == 0
    assert search.returncode == 0, search.stderr
    assert len(search.stdout.decode().splitlines()) == 119


# --------------------------------------------------------------------------- search


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("疫苗", "疫苗研发进展"),  # two characters: below the trigram size
        ("新冠疫", "疫苗研发进展"),  # exactly three
        ("投入使用后愿率先", "疫苗研发进展"),  # longer
        ("增长", "经济观察"),
        ("vaccine", "Markets rally"),  # an English word, any case
        ("VACCINE rollout", "Markets rally"),
        ('"central bank"', "Markets rally"),
        ("经济 markup", "经济观察"),  # short and long words together
    ],
)
def test_search_finds_substrings(seeds: Path, query: str, title: str) -> None:
    with build(seeds) as index:
        hits = index.search(query)
    assert [h.article.title for h in hits] == [title]
    hit = hits[0]
    assert hit.score > 0
    assert "\n" not in hit.snippet and "\x02" not in hit.snippet
    assert hit.highlights
    words = [w.strip('"').lower() for w in query.split()]
    for start, end in hit.highlights:
        assert any(
            hit.snippet[start:end].lower() in w or w in hit.snippet[start:end].lower()
            for w in words
        )


def test_search_misses_and_ranks(seeds: Path) -> None:
    (seeds / "more.md").write_text(
        feed("经济增长 经济增长", "<p>经济增长，经济增长，再一次经济增长。</p>", 1641989705000),
        encoding="utf-8",
    )
    with build(seeds) as index:
        assert index.search("不存在的句子") == []
        assert index.search("疫苗 markets") == []  # all words must match
        assert index.search("   ") == []
        hits = index.search("经济增长")
        assert [h.article.title for h in hits] == ["经济增长 经济增长", "经济观察"]
        assert hits[0].score > hits[1].score
        assert len(index.search("经济增长", limit=1)) == 1
        assert index.search('"unbalanced') == []  # odd quotes never raise


def test_cli_search_json(seeds: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["search", str(seeds), "经济增长", "--json"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert list(record) == ["path", "title", "date", "source", "snippet", "score"]
    assert record["path"] == "sub/deep/c.md"
    assert record["title"] == "经济观察"
    assert record["source"] == "财经网"
    assert record["date"].startswith("2021-05-01")
    assert "经济增长" in record["snippet"]
    assert cli.main(["search", str(seeds), "没有这句话", "--json"]) == 1
    assert capsys.readouterr().out == ""


def test_cli_search_prints_markup_literally(
    seeds: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["search", str(seeds), "markup", "--limit", "3"]) == 0
    out = capsys.readouterr().out
    assert "[bold]markup[/bold]" in out
    assert "经济观察" in out and "sub/deep/c.md" in out


def test_cli_index_builds_and_refreshes(seeds: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["index", str(seeds)]) == 0
    err = capsys.readouterr().err
    assert "4 entries indexed (4 added, 0 changed, 0 removed)" in err
    (seeds / "a.md").unlink()
    assert cli.main(["index", str(seeds)]) == 0
    assert "3 entries indexed (0 added, 0 changed, 1 removed)" in capsys.readouterr().err
    assert cli.main(["index", str(seeds / "missing")]) == 2


# --------------------------------------------------------------------------- list fast path


def test_list_articles_uses_the_index_in_scan_order(seeds: Path) -> None:
    assert list_articles(seeds) is None  # no index yet: the caller scans
    build(seeds).close()
    (seeds / "sub" / "a0.md").write_text(feed("later", "<p>x</p>"), encoding="utf-8")
    listed = list_articles(seeds)
    assert listed is not None
    scanned = list(scan(seeds))
    assert [a.relpath(seeds) for a in listed] == [a.relpath(seeds) for a in scanned]
    assert records(listed, seeds) == records(scanned, seeds)


# --------------------------------------------------------------------------- watcher updates


def test_update_applies_a_watcher_batch(seeds: Path) -> None:
    with build(seeds) as index:
        new = seeds / "sub" / "new.md"
        new.write_text(feed("刚刚到达", "<p>同步工具放下的文章</p>"), encoding="utf-8")
        gone = seeds / "a.md"
        gone.unlink()
        batch = index.update([new, gone, seeds / ".hidden"])
        assert [a.title for a in batch.added] == ["刚刚到达"]
        assert batch.removed == [gone]
        # A whole directory moved away.
        (seeds / "sub" / "deep" / "c.md").unlink()
        (seeds / "sub" / "deep").rmdir()
        batch = index.update([seeds / "sub" / "deep"])
        assert [p.relative_to(seeds).as_posix() for p in batch.removed] == ["sub/deep/c.md"]
        assert index.search("同步工具")
        assert index.count() == 3


# --------------------------------------------------------------------------- text and folding

REAL = REAL_CORPUS


def write(root: Path, name: str, text: str) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_search_folds_script_case_diacritics_and_prefixes(seeds: Path) -> None:
    write(seeds, "tw.md", feed("臺灣經濟", "<p>今年經濟增長放緩，市場觀望。</p>", 1641989710000))
    write(seeds, "fr.md", feed("Le café", "<p>Un café crème à Montréal.</p>", 1641989711000))
    with build(seeds) as index:
        # Simplified query, Traditional article (and the Simplified one too).
        titles = {h.article.title for h in index.search("经济增长")}
        assert titles == {"臺灣經濟", "经济观察"}
        assert [h.article.title for h in index.search("市场观望")] == ["臺灣經濟"]
        assert [h.article.title for h in index.search("觀望")] == ["臺灣經濟"]
        hit = index.search("市场观望")[0]
        assert "市場觀望" in hit.snippet  # the snippet shows the article's own characters
        assert [hit.snippet[a:b] for a, b in hit.highlights] == ["市場觀望"]
        assert [h.article.title for h in index.search("montreal CAFE")] == ["Le café"]
        assert [h.article.title for h in index.search("vacc")] == ["Markets rally"]  # prefix
        assert index.search("accine") == []  # not from the middle of a word
        assert index.search('"bank said growth"') == []  # a phrase keeps its order
        assert index.search("...") == []  # no word at all


def test_changed_and_unreadable_files_leave_no_stale_text(seeds: Path) -> None:
    with build(seeds) as index:
        assert index.search("rollout")
        write(seeds, "sub/b.md", feed("Markets fall", "<p>Completely different words.</p>"))
        (seeds / "a.md").write_bytes(b"\x00\x01\x02 not an article any more")
        batch = index.update([seeds / "sub" / "b.md", seeds / "a.md"])
        assert {a.relpath(seeds) for a in batch.changed} == {"sub/b.md", "a.md"}
        assert index.search("rollout") == []
        assert [h.article.title for h in index.search("completely different")] == ["Markets fall"]
        assert index.search("疫苗研发") == []
        # The contentless FTS table stays consistent: its integrity check passes.
        fts_integrity_check(index)
    with build(seeds) as index:
        assert not any(index.reconcile())
        assert [h.article.title for h in index.search("markets")] == ["Markets fall"]


def test_snippets_are_one_plain_line(seeds: Path) -> None:
    write(
        seeds,
        "ctl.md",
        feed("Control", "<p>before\x1b[31m red \x07 [@click=quit]zebra[/] after</p>"),
    )
    with build(seeds) as index:
        (hit,) = index.search("zebra")
    assert not any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in hit.snippet)
    assert "[@click=quit]zebra[/]" in hit.snippet
    assert [hit.snippet[a:b] for a, b in hit.highlights] == ["zebra"]


# --------------------------------------------------------------------------- newsdeck list


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_json_is_the_same_with_and_without_an_index(
    seeds: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(seeds, ".hidden/x.md", feed("hidden", "<p>x</p>"))
    os.symlink(seeds / "missing-target.md", seeds / "dangling.md")
    plain: dict[tuple[str, ...], tuple[int, str, str]] = {
        cmd: run_cli(capsys, *cmd) for cmd in (("list", str(seeds), "--json"),)
    }
    plain[("check", str(seeds))] = run_cli(capsys, "check", str(seeds))
    assert not index_module.exists(seeds)
    assert run_cli(capsys, "index", str(seeds), "--quiet")[0] == 0
    for cmd, expected in plain.items():
        assert run_cli(capsys, *cmd) == expected, cmd
    # A file rewritten in place (its directory's mtime does not change) is only seen
    # by --rescan, which stats every file; then the index knows it for everyone.
    target = seeds / "sub" / "b.md"
    stat = target.stat()
    folder = target.parent.stat()
    target.write_text(feed("Markets rewritten", "<p>new</p>", 1641989703000), encoding="utf-8")
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    os.utime(target.parent, ns=(folder.st_atime_ns, folder.st_mtime_ns))
    assert "Markets rally" in run_cli(capsys, "list", str(seeds), "--json")[1]
    for args in (("--json", "--rescan"), ("--json",), ("--filter", "rewritten")):
        code, out, _ = run_cli(capsys, "list", str(seeds), *args)
        assert code == 0
        assert "Markets rewritten" in out and "Markets rally" not in out, args


def test_list_sees_added_removed_and_renamed_files_without_rescan(
    seeds: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run_cli(capsys, "index", str(seeds), "--quiet")[0] == 0
    stats: list[str] = []
    real_stat = os.stat

    def counting_stat(path: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        stats.append(os.fspath(path))
        return real_stat(path, *args, **kwargs)

    # Nothing changed: only the directories are stat()ed, no file is parsed.
    with monkeypatch.context() as m:
        m.setattr(os, "stat", counting_stat)
        m.setattr(parser_module, "parse", None)
        code, out, _ = run_cli(capsys, "list", str(seeds), "--filter", "markets")
    assert code == 0 and "Markets rally" in out
    seen = {s for s in stats if s.startswith(str(seeds))}
    assert seen == {str(seeds), str(seeds / "sub"), str(seeds / "sub" / "deep")}

    write(seeds, "sub/deep/new.md", feed("Markets newly added", "<p>x</p>", 1641989705000))
    (seeds / "sub" / "b.md").rename(seeds / "sub" / "renamed.md")
    (seeds / "a.md").unlink()
    code, out, _ = run_cli(capsys, "list", str(seeds), "--filter", "markets", "--json")
    paths = [json.loads(line)["path"] for line in out.splitlines()]
    assert paths == ["sub/renamed.md", "sub/deep/new.md"]  # the shorter title first
    code, out, _ = run_cli(capsys, "list", str(seeds), "--json")
    assert [json.loads(line)["path"] for line in out.splitlines()] == [
        "sub/deep/new.md",
        "sub/renamed.md",
        "sub/deep/c.md",
    ]


@pytest.mark.skipif(not REAL.is_dir(), reason="the real corpus is not beside the checkout")
def test_real_corpus_list_and_search(capsys: pytest.CaptureFixture[str]) -> None:
    args = ("list", str(REAL), "--json")
    expected = run_cli(capsys, *args)
    assert run_cli(capsys, "check", str(REAL))[0] in (0, 1)
    check = run_cli(capsys, "check", str(REAL))
    with build(REAL) as index:
        assert index.notice is None
        # A whole space-delimited piece of body text (it may mix scripts, digits and
        # punctuation) is found again, in the article it came from.
        rows = index.query(
            "SELECT a.path, t.body FROM texts t JOIN articles a ON a.id = t.id "
            "ORDER BY a.path LIMIT 60"
        )
        tried = 0
        for rel, packed in rows:
            pieces = [p for p in unpack_text(packed).split(" ") if 4 <= len(p) <= 16]
            if not pieces:
                continue
            piece = pieces[len(pieces) // 2].replace('"', "")
            found = {h.article.relpath(REAL) for h in index.search(f'"{piece}"', limit=300)}
            assert rel in found, (rel, piece)
            tried += 1
        assert tried >= 30
    assert run_cli(capsys, *args) == expected
    assert run_cli(capsys, "check", str(REAL)) == check


def test_list_leaves_a_mostly_new_directory_to_the_scan(
    seeds: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(seeds).close()
    monkeypatch.setattr(facade_module, "LIST_PARSE_LIMIT", 2)
    for i in range(3):
        write(seeds, f"drop/{i}.md", feed(f"Dropped {i}", "<p>x</p>", 1641989720000 + i))
    assert list_articles(seeds) is None  # 3 new files > limit and > a quarter of 4
    with Index(seeds) as index:
        assert index.count() == 4  # nothing was parsed for the list
    monkeypatch.setattr(facade_module, "LIST_PARSE_LIMIT", 3)
    listed = list_articles(seeds)
    assert listed is not None
    assert records(listed, seeds) == records(list(scan(seeds)), seeds)


def test_common_words_rank_title_matches_first(
    seeds: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for i in range(5):
        write(seeds, f"w/{i}.md", feed(f"Note {i}", "<p>the harbour was quiet</p>", 1641989730000))
    write(seeds, "w/t.md", feed("Harbour news", "<p>a harbour story</p>", 1641989729000))
    with build(seeds) as index:
        few = index.search("harbour")
        assert len(few) == 6 and few[0].article.title == "Harbour news"  # bm25 path
        monkeypatch.setattr(fulltext_module, "RANK_CAP", 4)
        capped = index.search("harbour", limit=3)
    # Only the newest RANK_CAP matches are ranked; the title match still leads.
    assert capped[0].article.title == "Harbour news"
    assert len(capped) == 3
    assert all("harbour" in h.snippet.lower() for h in capped)
    assert capped[0].score > capped[1].score


def test_a_file_indexed_by_another_process_meanwhile_is_replaced_cleanly(seeds: Path) -> None:
    # Two processes reconcile a new directory at once: each saw an empty index,
    # so each writes every file; the second write must replace, not fail or duplicate.
    with Index(seeds) as late:
        stale_view = late.reconcile()
        first = next(stale_view)  # walked while the index was still empty
        assert first.total == 4
        build(seeds).close()  # "another process" indexes everything now
        assert sum(len(b.added) for b in stale_view) == 4
        assert late.notice is None
        fts_integrity_check(late)
        assert [h.article.title for h in late.search("疫苗研发")] == ["疫苗研发进展"]
        assert late.count() == 4
