"""The figures behind the README's "Dependencies": each library against what newsdeck uses.

Run: ``.venv/bin/python -m bench.dependencies [CORPUS_DIR]`` (default: the real corpus beside
the checkout). Needs the dev extras (python-frontmatter, beautifulsoup4). Every figure is the
best of ``--repeat`` passes over the whole corpus, so a busy machine shows less in it.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

from tests.locations import REAL_CORPUS
from tui.body.markdown import html_to_markdown
from tui.files.decode import decode_parts
from tui.files.header import split


def best(repeat: int, work: Callable[[], object]) -> float:
    """Seconds of the fastest of ``repeat`` runs of ``work``."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=REAL_CORPUS)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)

    import frontmatter
    from bs4 import BeautifulSoup

    texts = []
    for path in sorted(args.corpus.glob("*.md")):
        text = decode_parts(path.read_bytes())[0]  # line endings already normalised
        texts.append(text)
    with_fm = [t for t in texts if t.startswith("---")]
    print(f"{len(texts)} files, {len(with_fm)} starting with front matter ({args.corpus})")

    # 1. Front matter: python-frontmatter's loads (regex split + PyYAML SafeLoader, C when
    #    available) against newsdeck's split (offset scan + flat reader, YAML as a fallback).
    def fm_oracle() -> None:
        for text in with_fm:
            # One real file is invalid YAML: both sides still pay for reading it.
            with contextlib.suppress(Exception):
                frontmatter.loads(text)

    def fm_newsdeck() -> None:
        for text in with_fm:
            split(text)

    oracle_s = best(args.repeat, fm_oracle)
    ours_s = best(args.repeat, fm_newsdeck)
    n = len(with_fm)
    print(
        f"front matter: python-frontmatter {oracle_s / n * 1e3:.3f} ms/file, "
        f"newsdeck split {ours_s / n * 1e3:.3f} ms/file: {oracle_s / ours_s:.1f}x"
    )
    blank_first = "\n---\ntitle: After a blank line\n---\n<p>x</p>\n"
    print(
        "front matter after a blank line: python-frontmatter reads "
        f"{dict(frontmatter.loads(blank_first).metadata)!r}, newsdeck reads "
        f"{split(blank_first).front_matter!r}"
    )

    # 2. HTML: BeautifulSoup (html.parser, the pure-Python tree builder it always has) against
    #    selectolax/lexbor, parse plus text, per article body; then newsdeck's whole conversion.
    bodies = [split(t).body for t in texts]

    def soup() -> None:
        for body in bodies:
            BeautifulSoup(body, "html.parser").get_text()

    def lexbor() -> None:
        for body in bodies:
            tree = LexborHTMLParser(body)
            if tree.body is not None:
                tree.body.text()

    def convert() -> None:
        for body in bodies:
            html_to_markdown(body)

    n = len(bodies)
    soup_ms = best(max(1, args.repeat // 2), soup) / n * 1e3
    lexbor_ms = best(args.repeat, lexbor) / n * 1e3
    convert_ms = best(args.repeat, convert) / n * 1e3
    sizes = [len(b.encode()) for b in bodies]
    print(
        f"html ({n} bodies, median {statistics.median(sizes) / 1024:.0f} KiB, "
        f"max {max(sizes) / 1024:.0f} KiB): bs4 html.parser {soup_ms:.2f} ms/article, "
        f"selectolax/lexbor {lexbor_ms:.2f} ms/article ({soup_ms / lexbor_ms:.0f}x), "
        f"newsdeck html_to_markdown {convert_ms:.2f} ms/article"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
