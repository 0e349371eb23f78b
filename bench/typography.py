"""How Chinese articles are broken into lines: short lines and forbidden breaks, before and after.

Renders the body of every Chinese article of the real corpus the way ``newsdeck show
--width W`` does (Rich Markdown on a Console W cells wide) and watches every line Rich
wraps, at the seam itself (``rich.text.divide_line``), so each line is known with its
block and the width it was wrapped to:

- ``lines``: lines inside a paragraph (a line followed by another line of the same
  wrapped block); ``short``/``short %``: those ending more than :data:`SHORT` cells
  before the width; ``avoidable``: short lines in CJK text although the next line's
  first unbreakable run (UAX #14) would have fitted (a greedy fill leaves none);
- ``forbidden``: breaks that start a line with closing punctuation (UAX #14 CL, CP, EX,
  IS, NS, CJ, IN, closing quotes: :data:`tui.body.linebreak.NO_START`) or end one with
  opening punctuation (:data:`tui.body.linebreak.NO_END`); ``in CJK``: those in text
  with CJK in it (the seam leaves text without CJK, such as image URLs, to Rich);
- ``s``: the pass's wall time; then the largest file's and the largest body's render
  at width 80 (CPU ms, best of 3: the machine is shared).

``before`` is Rich's own wrapping (the seam off), ``after`` is :mod:`tui.body.rich_wrap`;
both come from the same run. ``--baseline`` measures only ``before`` (no install at all).

Usage: ``python bench/typography.py [--widths 40,46,60,80] [--limit N] [--baseline] [DIR]``;
``python -m bench --only typography`` runs it with the defaults.
"""

from __future__ import annotations

import argparse
import io
import re
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: the checkout's packages come first
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import rich.text
from rich.cells import cell_len
from rich.console import Console
from rich.markdown import Markdown

from bench.corpus import REAL_CORPUS
from tui.body import rich_wrap
from tui.body.linebreak import NO_END, NO_START, opportunities

#: A line inside a paragraph ending more than this many cells before the width is short.
SHORT = 4
WIDTHS = (40, 46, 60, 80)
#: An article is Chinese when at least this share of its non-space characters are Han.
CHINESE_SHARE = 0.3
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")

DivideLine = Callable[[str, int, bool], list[int]]


@dataclass
class Tally:
    """What the wrapped lines of one pass looked like."""

    lines: int = 0
    inside: int = 0  # lines followed by another line of the same block
    short: int = 0
    #: Short in CJK text, yet the next line's first unbreakable run (UAX #14) would have fit.
    #: Text without CJK is left out: the seam wraps it at spaces, as Rich does.
    avoidable: int = 0
    forbidden: int = 0
    #: Of those, in CJK text (the rest are Rich's folds of long URLs in lines without CJK).
    forbidden_cjk: int = 0
    examples: list[str] = field(default_factory=list)

    def add(self, text: str, width: int, offsets: Sequence[int]) -> None:
        bounds = [0, *offsets, len(text)]
        lines = [text[a:b] for a, b in pairwise(bounds)]
        self.lines += len(lines)
        breaks: list[int] | None = None
        for index, line in enumerate(lines[:-1]):
            body = line.rstrip()
            self.inside += 1
            if width - cell_len(body) > SHORT:
                self.short += 1
                if rich_wrap.breaks_by_uax14(text):
                    breaks = opportunities(text) if breaks is None else breaks
                    start = bounds[index + 1]
                    end = next((o for o in breaks if o > start), len(text))
                    if cell_len(line) + cell_len(text[start:end].rstrip()) <= width:
                        self.avoidable += 1
            following = lines[index + 1].lstrip()
            if (body and body[-1] in NO_END) or (following and following[0] in NO_START):
                self.forbidden += 1
                self.forbidden_cjk += rich_wrap.breaks_by_uax14(text)
                if len(self.examples) < 3:
                    self.examples.append(f"{body[-12:]!r} / {following[:12]!r}")

    @property
    def short_share(self) -> float:
        return 100.0 * self.short / self.inside if self.inside else 0.0


@contextmanager
def watching(inner: DivideLine, tally: Tally) -> Iterator[None]:
    """Make Rich wrap with ``inner`` while recording every line it produces in ``tally``."""
    saved = rich.text.divide_line  # type: ignore[attr-defined]

    def recording(text: str, width: int, fold: bool = True) -> list[int]:
        offsets = inner(text, width, fold)
        tally.add(text, width, offsets)
        return offsets

    rich.text.divide_line = recording  # type: ignore[attr-defined]
    try:
        yield
    finally:
        rich.text.divide_line = saved  # type: ignore[attr-defined]


def chinese_bodies(root: Path, limit: int | None = None) -> list[tuple[str, str, int]]:
    """(name, Markdown, file bytes) of the Chinese articles under ``root``.

    The Markdown is what ``newsdeck show`` converts the body to.
    """
    from tui.body.markdown import html_to_markdown
    from tui.files.parser import parse

    bodies: list[tuple[str, str, int]] = []
    for path in sorted(p for p in root.iterdir() if p.is_file()):
        article = parse(path)
        if not article.ok or not article.body:
            continue
        markdown = html_to_markdown(article.body)
        letters = len(re.sub(r"\s", "", markdown))
        if letters and len(_HAN.findall(markdown)) >= CHINESE_SHARE * letters:
            bodies.append((path.name, markdown, path.stat().st_size))
            if limit and len(bodies) >= limit:
                break
    return bodies


def render(markdown: str, width: int) -> None:
    """The body as ``newsdeck show --width W`` prints it (header left out)."""
    from tui.body import markdown as converter

    console = Console(file=io.StringIO(), width=width, highlight=False, emoji=False, markup=False)
    body = Markdown(markdown, hyperlinks=False)
    decode = getattr(converter, "decode_link_urls", None)
    if callable(decode):  # `newsdeck show` shows links' URLs decoded
        decode(body.parsed)
    console.print(body)


def measure(
    bodies: list[tuple[str, str, int]], width: int, inner: DivideLine
) -> tuple[Tally, float]:
    """One pass over ``bodies`` at ``width`` wrapping with ``inner``: the tally and seconds."""
    tally = Tally()
    started = time.perf_counter()
    with watching(inner, tally):
        for _, markdown, _ in bodies:
            render(markdown, width)
    return tally, time.perf_counter() - started


def best_ms(markdown: str, width: int, inner: DivideLine, repeat: int = 3) -> float:
    """The best of ``repeat`` renders of one body, in CPU milliseconds."""
    runs = []
    for _ in range(repeat):
        with watching(inner, Tally()):
            started = time.process_time()
            render(markdown, width)
            runs.append(time.process_time() - started)
    return 1000 * min(runs)


def run(
    root: Path = REAL_CORPUS,
    widths: Sequence[int] = WIDTHS,
    limit: int | None = None,
    baseline: bool = False,
) -> list[dict[str, Any]]:
    """One row of figures per width and pass (``before``; ``after`` unless ``baseline``).

    The last rows (``width`` "largest") time, at width 80, the largest file (bytes) and
    the largest body (characters of Markdown).
    """
    bodies = chinese_bodies(root, limit)
    passes: list[tuple[str, DivideLine]] = [("before", rich_wrap.RICH_DIVIDE_LINE)]
    if not baseline:
        passes.append(("after", rich_wrap.divide_line))
    rows: list[dict[str, Any]] = []
    for width in widths:
        for name, inner in passes:
            tally, seconds = measure(bodies, width, inner)
            rows.append(
                {
                    "width": width,
                    "pass": name,
                    "articles": len(bodies),
                    "lines": tally.inside,
                    "short": tally.short,
                    "short %": round(tally.short_share, 1),
                    "avoidable": tally.avoidable,
                    "forbidden": tally.forbidden,
                    "in CJK": tally.forbidden_cjk,
                    "s": round(seconds, 2),
                    "examples": tally.examples,
                }
            )
    if bodies:
        by_size = max(bodies, key=lambda body: body[2])
        by_text = max(bodies, key=lambda body: len(body[1]))
        for name, markdown, size in dict.fromkeys((by_size, by_text)):
            for label, inner in passes:
                rows.append(
                    {
                        "width": "largest",
                        "pass": label,
                        "articles": name,
                        "bytes": size,
                        "chars": len(markdown),
                        "ms": round(best_ms(markdown, 80, inner), 1),
                    }
                )
    return rows


COLUMNS = ("width", "pass", "lines", "short", "short %", "avoidable", "forbidden", "in CJK", "s")


def report(rows: list[dict[str, Any]]) -> None:
    """Print ``run``'s rows as a table, then examples and the largest body's render times."""
    table = [row for row in rows if row["width"] != "largest"]
    if not table:
        print("typography: no Chinese article found")
        return
    print(f"{table[0]['articles']} Chinese articles; lines = lines inside paragraphs")
    print("  ".join(f"{c:>9}" for c in COLUMNS))
    for row in table:
        print(
            "  ".join(
                f"{row[c]:>9,}" if isinstance(row[c], int) else f"{row[c]:>9}" for c in COLUMNS
            )
        )
    for row in table[: len({r["pass"] for r in table})]:
        if row["examples"]:
            print(
                f"{row['pass']}, forbidden at width {row['width']}: " + "; ".join(row["examples"])
            )
    timings = [row for row in rows if row["width"] == "largest"]
    for name in dict.fromkeys(row["articles"] for row in timings):
        same = [row for row in timings if row["articles"] == name]
        print(
            f"render at width 80, CPU best of 3, {same[0]['bytes'] / 1000:,.0f} KB file, "
            f"{same[0]['chars']:,} chars of Markdown: "
            + ", ".join(f"{row['pass']} {row['ms']:,.1f} ms" for row in same)
            + f"  ({name[:40]})"
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python bench/typography.py", description=__doc__.split("\n")[0]
    )
    parser.add_argument("root", nargs="?", type=Path, default=REAL_CORPUS, help="corpus directory")
    parser.add_argument("--widths", default=",".join(map(str, WIDTHS)), help="comma-separated")
    parser.add_argument("--limit", type=int, default=None, help="at most N Chinese articles")
    parser.add_argument("--baseline", action="store_true", help="Rich's wrapping only (no install)")
    args = parser.parse_args(argv)
    if not args.root.is_dir():
        print(f"typography: corpus absent ({args.root}); nothing to measure")
        return 0
    widths = [int(w) for w in args.widths.split(",") if w.strip()]
    report(run(args.root, widths, args.limit, args.baseline))
    return 0


if __name__ == "__main__":
    sys.exit(main())
