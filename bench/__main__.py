"""``python -m bench``: print newsdeck's performance figures, section by section.

Sections run only when the code they measure exists, because the modules are
written in parallel with this harness; a missing or broken module prints a skip
line instead of stopping the run. Each comparison is against a baseline taken in
the same run (shared, noisy machine), and nothing is asserted.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import importlib
import math
import os
import platform
import shlex
import statistics
import subprocess
import sys
import time
import traceback
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import Any

from bench import corpus

BENCH_DIR = Path(__file__).resolve().parent
SECTIONS: tuple[str, ...] = (
    "scan", "convert", "fuzzy", "list", "cli", "app", "index", "appindex", "pty", "typography",
    "serve", "images",
)  # fmt: skip
SIZES_FULL = (10_000, 100_000)
SIZES_QUICK = (10_000,)
SCAN_TARGET_RATIO = 3.0
#: Skip the 100,000-file scan when 10,000 already took longer than this (seconds).
SCAN_SLOW_LIMIT = 60.0


class Skip(Exception):
    """A section (or part of one) cannot run yet; the message says why."""


# --- output -------------------------------------------------------------------------------


def _width(text: str) -> int:
    """Terminal cells of ``text``: CJK wide characters take two, so columns line up."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _shorten(text: str, cells: int) -> str:
    if _width(text) <= cells:
        return text
    out = ""
    for ch in text:
        if _width(out + ch) > cells - 1:
            break
        out += ch
    return out + "…"


def table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """Print an aligned plain-text table: text columns left, numbers right."""
    raw = [list(row) for row in rows]
    cells = [[str(h) for h in headers]] + [[_fmt(v) for v in row] for row in raw]
    numeric = [
        all(isinstance(row[i], int | float) for row in raw if i < len(row))
        for i in range(len(headers))
    ]
    widths = [max(_width(row[i]) for row in cells if i < len(row)) for i in range(len(headers))]
    for n, row in enumerate(cells):
        parts = []
        for i, value in enumerate(row):
            pad = " " * (widths[i] - _width(value))
            parts.append(pad + value if numeric[i] and n else value + pad)
        print("  " + "  ".join(parts).rstrip())
        if n == 0:
            print("  " + "  ".join("-" * w for w in widths))


def _fmt(value: object) -> str:
    if isinstance(value, float):
        if value == 0 or math.isnan(value) or abs(value) >= 100:
            return f"{value:,.0f}" if not math.isnan(value) else "n/a"
        if abs(value) >= 10:
            return f"{value:.1f}"
        return f"{value:.3g}" if abs(value) < 0.01 else f"{value:.2f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def heading(title: str) -> None:
    """A section banner."""
    print()
    print(f"== {title} " + "=" * max(0, 74 - len(title)))


def note(text: str) -> None:
    """An indented remark under a section."""
    print(f"  {text}")


def dict_table(result: dict[str, Any]) -> None:
    """Print a section module's result dict as a two-column table."""
    table(("figure", "value"), [(str(k), v) for k, v in result.items()])


# --- helpers ------------------------------------------------------------------------------


def load(name: str) -> ModuleType:
    """Import ``name`` or raise :class:`Skip` saying whether it is missing or broken."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name and (name == exc.name or name.startswith(exc.name + ".")):
            raise Skip(f"{name} is not written yet") from None
        raise Skip(f"{name} does not import: {exc}") from None
    except Exception as exc:
        raise Skip(f"{name} does not import: {type(exc).__name__}: {exc}") from None


def load_bench_module(stem: str, function: str) -> Callable[..., Any]:
    """``bench/<stem>.py``'s ``function``, or :class:`Skip` when it is absent."""
    if not (BENCH_DIR / f"{stem}.py").is_file():
        raise Skip(f"bench/{stem}.py is not present")
    func = getattr(load(f"bench.{stem}"), function, None)
    if not callable(func):
        raise Skip(f"bench/{stem}.py has no {function}()")
    return func  # type: ignore[no-any-return]


def get_corpus(n: int, seed: int) -> Path:
    """The cached synthetic corpus of ``n`` files, saying when it has to be generated."""
    dest = corpus.CACHE_DIR / f"{n}-{seed}"
    facts = corpus.read_marker(dest)
    if not (facts and facts.get("n") == n and facts.get("seed") == seed):
        note(f"generating {n:,} files in {dest} ...")
        sys.stdout.flush()
    root = corpus.cached(n, seed)
    facts = corpus.read_marker(root) or {}
    size = int(facts.get("bytes", 0)) / 2**20  # type: ignore[call-overload]
    note(
        f"corpus {root}: {n:,} files, {size:,.0f} MiB, "
        f"generated in {facts.get('seconds', '?')} s (seed {seed})"
    )
    return root


def best_of(runs: list[float]) -> float:
    return min(runs) if runs else math.nan


def percentile(sorted_values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile of an already sorted sequence."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[rank - 1]


# --- section 1: metadata scan --------------------------------------------------------------


def walk_only(root: Path) -> int:
    """Count files with ``os.walk``: the floor both the raw read and the scan stand on."""
    return sum(len(files) for _, _, files in os.walk(root))


def raw_read(root: Path) -> int:
    """Open every file under ``root`` and read its first 4 KiB: the scan's baseline."""
    count = 0
    for dirpath, _, filenames in os.walk(root):
        for name in filenames:
            with open(os.path.join(dirpath, name), "rb") as fh:
                fh.read(4096)
            count += 1
    return count


def frontmatter_read(root: Path) -> int:
    """python-frontmatter's default path on every file: the reference the issue compares to."""
    import frontmatter

    count = 0
    for dirpath, _, filenames in os.walk(root):
        for name in filenames:
            # A reference timing: files it cannot read still count.
            with contextlib.suppress(Exception):
                frontmatter.load(os.path.join(dirpath, name))
            count += 1
    return count


def _timed(func: Callable[..., Any], *args: Any) -> tuple[float, Any]:
    gc.collect()
    started = time.perf_counter()
    result = func(*args)
    return time.perf_counter() - started, result


def _scan_list(scan: Callable[[Path], Iterable[Any]], root: Path) -> list[Any]:
    return list(scan(root))


def section_scan(args: argparse.Namespace) -> None:
    """Header-only scan versus open-and-read-4-KiB, same files, warm cache, best of N."""
    scan_mod = load("tui.files.scan")
    scan = getattr(scan_mod, "scan", None)
    if not callable(scan):
        raise Skip("tui.files.scan has no scan()")
    for n in args.sizes:
        print()
        note(f"-- {n:,} files --")
        root = get_corpus(n, args.seed)
        best_scan = _scan_one(scan, root, args.repeat)
        if best_scan > SCAN_SLOW_LIMIT and n != args.sizes[-1]:
            note(f"scan took over {SCAN_SLOW_LIMIT:.0f} s; larger corpora skipped")
            break


def _scan_one(scan: Callable[[Path], Iterable[Any]], root: Path, repeats: int) -> float:
    """Measure and print one corpus; return the best scan time."""
    walk_runs = [_timed(walk_only, root)[0] for _ in range(repeats)]
    raw_read(root)  # warm the page cache and the dentry cache
    raw_runs: list[float] = []
    scan_runs: list[float] = []
    articles: list[Any] = []
    files = 0
    for _ in range(repeats):  # alternate, so drift on a shared machine hits both alike
        seconds, files = _timed(raw_read, root)
        raw_runs.append(seconds)
        seconds, articles = _timed(_scan_list, scan, root)
        scan_runs.append(seconds)
    raw = best_of(raw_runs)

    def row(label: str, runs: list[float], count: int) -> list[object]:
        best = best_of(runs)
        return [
            label,
            count,
            best,
            count / best if best else math.nan,
            best / raw if raw else math.nan,
            " ".join(f"{r:.2f}" for r in runs),
        ]

    rows = [
        row("walk only (os.walk)", walk_runs, files),
        row("raw open + read 4 KiB", raw_runs, files),
        row("scan() header-only", scan_runs, len(articles)),
    ]
    if files <= 20_000:  # the reference is ~20x slower: time it once, on the small corpus only
        try:
            seconds, count = _timed(frontmatter_read, root)
            rows.append(row("python-frontmatter load (reference)", [seconds], count))
        except ImportError:
            note("python-frontmatter is not installed; reference row skipped")
    table(("what", "files", "best s", "files/s", "x raw", "runs s"), rows)
    best_scan = best_of(scan_runs)
    ratio = best_scan / raw if raw else math.nan
    note(f"scan / raw = {ratio:.2f}x  (issue target: within {SCAN_TARGET_RATIO:.0f}x)")
    _describe_scan(articles, root, files)
    return best_scan


def _describe_scan(articles: list[Any], root: Path, files: int) -> None:
    """What the scan returned, beside what the generator wrote (a sanity check, no assert)."""
    errors = sum(1 for a in articles if getattr(a, "error", None))
    untitled = sum(1 for a in articles if not getattr(a, "error", None) and not a.title)
    undated = sum(1 for a in articles if not getattr(a, "error", None) and a.date is None)
    formats = Counter(str(getattr(a, "format", None)) for a in articles)
    bodies = sum(1 for a in articles if getattr(a, "body", None) is not None)
    note(
        f"scan returned {len(articles):,} records for {files:,} files: {errors:,} errors, "
        f"{untitled:,} untitled, {undated:,} undated, {bodies:,} with body loaded"
    )
    note("formats: " + ", ".join(f"{k} {v:,}" for k, v in formats.most_common()))
    facts = corpus.read_marker(root) or {}
    layouts = facts.get("layouts")
    if isinstance(layouts, dict):
        expected: Counter[str] = Counter()
        for layout, count in layouts.items():
            expected[corpus.EXPECTED_FORMAT.get(str(layout), str(layout))] += int(count)
        note("expected: " + ", ".join(f"{k} {v:,}" for k, v in expected.most_common()))


# --- section 2: markdown conversion ----------------------------------------------------------


def _crude_body(path: Path) -> str:
    """The body without the parser: drop front matter and a feed header, if any."""
    text = path.read_text("utf-8", errors="replace").replace("\r\n", "\n")
    stripped = text.lstrip()
    if stripped.startswith("---\n"):
        end = stripped.find("\n---", 4)
        if end != -1:
            text = stripped[stripped.find("\n", end + 1) + 1 :]
    marker = text.find("\n------\n", 0, 4096)
    if marker != -1 and text.lstrip().startswith(("<!--", "[")):
        text = text[marker + 8 :]
    return text


def _body_getter() -> tuple[Callable[[Path], str], str]:
    """The parser's body when it is ready, the crude split otherwise."""
    try:
        parser = load("tui.files.parser")
    except Skip as exc:
        return _crude_body, f"crude split ({exc})"
    parse = getattr(parser, "parse", None)
    load_body = getattr(parser, "load_body", None)
    if not callable(parse):
        return _crude_body, "crude split (tui.files.parser has no parse())"

    def get(path: Path) -> str:
        article = parse(path)
        body = article.body
        if body is None and callable(load_body):
            loaded = load_body(article)
            body = loaded if isinstance(loaded, str) else article.body
        return body if body is not None else _crude_body(path)

    return get, "tui.files.parser.parse(path).body"


def section_convert(args: argparse.Namespace) -> None:
    """html_to_markdown and html_to_text over every real file, best of N per file."""
    real: Path = args.real
    if not real.is_dir():
        raise Skip(f"real corpus absent ({real})")
    convert = load("tui.body.markdown")
    funcs = {
        name: getattr(convert, name)
        for name in ("html_to_markdown", "html_to_text")
        if callable(getattr(convert, name, None))
    }
    if not funcs:
        raise Skip("tui.body.markdown has neither html_to_markdown nor html_to_text")
    get_body, how = _body_getter()
    paths = sorted(p for p in real.iterdir() if p.is_file())
    bodies: list[tuple[Path, str]] = []
    body_errors = 0
    for path in paths:
        try:
            bodies.append((path, get_body(path)))
        except Exception:
            body_errors += 1
            bodies.append((path, _crude_body(path)))
    note(f"{len(bodies)} files from {real}; bodies via {how}")
    if body_errors:
        note(f"{body_errors} files raised in the parser; crude split used for them")
    largest_path, largest_body = max(bodies, key=lambda pb: len(pb[1].encode()))
    rows = []
    for name, func in funcs.items():
        times: list[tuple[float, Path]] = []
        failures: list[str] = []
        for path, body in bodies:
            runs = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                try:
                    func(body)
                except Exception as exc:
                    failures.append(f"{path.name}: {type(exc).__name__}: {exc}")
                    break
                runs.append(time.perf_counter() - started)
            if runs:
                times.append((min(runs) * 1000, path))
        if not times:
            note(f"{name}: every call failed, e.g. {failures[0] if failures else '?'}")
            continue
        ms = sorted(t for t, _ in times)
        slowest_ms, slowest = max(times, key=lambda tp: tp[0])
        largest_ms = next((t for t, p in times if p == largest_path), math.nan)
        rows.append(
            [
                name,
                len(times),
                statistics.median(ms),
                percentile(ms, 0.95),
                slowest_ms,
                largest_ms,
                sum(ms) / 1000,
                _shorten(slowest.name, 30),
            ]
        )
        if failures:
            note(f"{name}: {len(failures)} failures, first: {_shorten(failures[0], 100)}")
    size_kb = len(largest_body.encode()) / 1024
    table(
        ("function", "files", "median ms", "p95 ms", "max ms", "largest ms", "total s", "slowest"),
        rows,
    )
    note(f"largest body: {_shorten(largest_path.name, 50)} ({size_kb:,.0f} KiB of HTML)")


# --- sections 3-5: modules other engineers provide -------------------------------------------


def _per_size(stem: str, args: argparse.Namespace) -> None:
    """Run ``bench/<stem>.py: run(n) -> dict`` for each corpus size and print its figures."""
    run = load_bench_module(stem, "run")
    for n in args.sizes:
        print()
        note(f"-- n = {n:,} --")
        dict_table(run(n))


def section_fuzzy(args: argparse.Namespace) -> None:
    """``bench/fuzzy_bench.py: run(n) -> dict``, for each corpus size."""
    _per_size("fuzzy_bench", args)


def section_list(args: argparse.Namespace) -> None:
    """``bench/list_bench.py: run(n) -> dict``, for each corpus size."""
    _per_size("list_bench", args)


def section_cli(args: argparse.Namespace) -> None:
    """``bench/cli_bench.py``: first line and whole run of list/search/check on a warm index.

    ``$NEWSDECK_BENCH_BASELINE``: another checkout (with its .venv) to run alongside.
    """
    run = load_bench_module("cli_bench", "run")
    report = load_bench_module("cli_bench", "report")
    baseline = os.environ.get("NEWSDECK_BENCH_BASELINE")
    for n in args.sizes:
        print()
        note(f"-- n = {n:,} --")
        report(run(n, Path(baseline) if baseline else None, 3))


def section_app(args: argparse.Namespace) -> None:
    """``bench/app_bench.py: run(root) -> dict`` on the synthetic and the real corpora."""
    run = load_bench_module("app_bench", "run")
    for n in args.sizes:
        print()
        note(f"-- synthetic {n:,} --")
        dict_table(run(get_corpus(n, args.seed)))
    print()
    if args.real.is_dir():
        note(f"-- real corpus {args.real} --")
        dict_table(run(args.real))
    else:
        note(f"real corpus absent ({args.real}); skipped")


def section_index(args: argparse.Namespace) -> None:
    """``bench/index_bench.py: run(n) -> dict``: build, reopen, FTS queries, list vs fzf."""
    _per_size("index_bench", args)


def section_appindex(args: argparse.Namespace) -> None:
    """``bench/app_index_bench.py: run(n) -> dict``: the app's warm reopen and peak memory."""
    _per_size("app_index_bench", args)


def section_pty(args: argparse.Namespace) -> None:
    """``bench/pty_bench.py: run(root) -> dict``: bytes written per cursor move and keystroke."""
    run = load_bench_module("pty_bench", "run")
    dict_table(run(Path(__file__).resolve().parents[1] / "sample_seeds"))


def section_typography(args: argparse.Namespace) -> None:
    """``bench/typography.py``: short lines and forbidden breaks in Chinese, before and after."""
    if not args.real.is_dir():
        raise Skip(f"real corpus absent ({args.real})")
    run = load_bench_module("typography", "run")
    load_bench_module("typography", "report")(run(args.real, limit=60 if args.quick else None))


def section_serve(args: argparse.Namespace) -> None:
    """``bench/serve_bench.py``: serve ssh with 1, 8, 16 OpenSSH sessions (PSS, list, keys)."""
    main = load_bench_module("serve_bench", "main")
    main(["--articles", "20000" if args.quick else "20000,100000", "--sessions", "1,8,16"])


def section_images(args: argparse.Namespace) -> None:
    """``bench/image_bench.py: run(images, rounds, fmt) -> dict``: fetch+decode, cache, memory."""
    run = load_bench_module("image_bench", "run")
    for fmt in ("JPEG",) if args.quick else ("JPEG", "PNG"):
        print()
        note(f"-- 50 {fmt} pictures from a loopback server --")
        dict_table(run(50, args.repeat, fmt))
    print()
    note("-- in the app: `i` to the first image drawn, bytes per protocol --")
    load_bench_module("image_app_bench", "run")()


RUNNERS: dict[str, tuple[str, Callable[[argparse.Namespace], None]]] = {
    "scan": ("1. Metadata scan: scan() vs raw first-4-KiB read", section_scan),
    "convert": ("2. HTML conversion on the real corpus", section_convert),
    "fuzzy": ("3. Fuzzy filter", section_fuzzy),
    "list": ("4. List widget", section_list),
    "cli": ("5. CLI on a warm index: first line and whole run", section_cli),
    "app": ("6. App", section_app),
    "index": ("7. Persistent index and full-text search", section_index),
    "appindex": ("8. App on a warm index: reopen and memory", section_appindex),
    "pty": ("9. Bytes written to the terminal (SSH)", section_pty),
    "typography": ("10. Chinese line breaking on the real corpus", section_typography),
    "serve": ("11. serve ssh: many readers (memory, time to the list, keys)", section_serve),
    "images": ("12. Article images: fetch + decode, cache hits, memory", section_images),
}


# --- main ---------------------------------------------------------------------------------


def _git_head() -> str:
    try:
        out = subprocess.run(
            ["git", "-C", str(BENCH_DIR.parent), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return out.stdout.strip() or "no commit yet"


def print_machine(argv: Sequence[str]) -> None:
    """The command line and the facts needed to compare runs across machines."""
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count() or 0
    try:
        load_avg = " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        load_avg = "n/a"
    print("newsdeck benchmark")
    table(
        ("fact", "value"),
        [
            ("command", shlex.join([sys.executable, "-m", "bench", *argv])),
            ("started", datetime.now().astimezone().isoformat(timespec="seconds")),
            ("python", f"{platform.python_implementation()} {platform.python_version()}"),
            ("platform", platform.platform()),
            ("cpus", f"{os.cpu_count()} (usable {usable})"),
            ("load average", load_avg),
            ("git HEAD", _git_head()),
        ],
    )


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    """Command-line options; ``--only`` takes names, repeated or comma-separated."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="10,000 files only")
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="SECTION",
        help=f"run only these sections ({', '.join(SECTIONS)}); repeat or comma-separate",
    )
    parser.add_argument("--seed", type=int, default=0, help="synthetic corpus seed")
    parser.add_argument("--repeat", type=int, default=None, help="runs per measurement")
    parser.add_argument("--real", type=Path, default=corpus.REAL_CORPUS, help="real corpus dir")
    args = parser.parse_args(argv)
    only = [s.strip() for item in args.only for s in item.split(",") if s.strip()]
    unknown = [s for s in only if s not in SECTIONS]
    if unknown:
        parser.error(f"unknown section {', '.join(unknown)}; choose from {', '.join(SECTIONS)}")
    args.only = only or list(SECTIONS)
    args.sizes = SIZES_QUICK if args.quick else SIZES_FULL
    if args.repeat is None:
        args.repeat = 3
    args.repeat = max(1, args.repeat)
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the selected sections; a failing section is reported and the rest still run."""
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(argv)
    print_machine(argv)
    started = time.perf_counter()
    for name in SECTIONS:
        if name not in args.only:
            continue
        title, runner = RUNNERS[name]
        heading(title)
        try:
            runner(args)
        except Skip as exc:
            note(f"skipped: {exc}")
        except KeyboardInterrupt:
            note("interrupted")
            return 130
        except Exception:
            note("FAILED (the section raised; other sections still run):")
            for line in traceback.format_exc().rstrip().splitlines():
                note("  " + line)
        sys.stdout.flush()
    print()
    print(f"done in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
