"""A generator of hostile seeds directories, built fresh by the tests (no checked-in blobs).

Each entry says what a careful reader must do with the file: list it (with a
title) or report it (with a reason). The same directory feeds the parser
tests, the CLI tests and the headless/pty app tests.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

#: Escape sequences that would drive a terminal if they reached it.
ESCAPES = {
    "csi_clear": "\x1b[2J\x1b[H",
    "osc_title": "\x1b]0;PWNED-TITLE\x07",
    "osc_link": "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\",
    "osc_clipboard": "\x1b]52;c;UFdORUQtQ0xJUA==\x07",
    "bel": "\x07\x07",
    "backspace": "abc\x08\x08\x08XYZ",
    "c1_csi": "\x9b31m",
    "c1_osc": "\x9d0;PWNED-C1\x9c",
}
MARKUP = (
    "[bold red]LOUD[/bold red] [@click=app.quit]quit[/] [link=https://evil.example]x[/link] [video]"
)
INVISIBLE = "zero\u200bwidth \u202eevil\u202c bidi e\u0301\u0301\u0301 combining"


@dataclass(frozen=True)
class Expect:
    """What the reader must do with one hostile file."""

    listed: bool
    #: For listed files: a substring the title must contain (after cleaning).
    title_has: str = ""
    #: For reported files: a substring of the reason.
    reason_has: str = ""


def feed(title: str, body: str, stamp: str = "1641989702000") -> str:
    return f"<!--{stamp}-->\n[{title}](https://example.org/a)\n------\n\n{body}\n"


def front(title_line: str, body: str, extra: str = "date: 2022-01-01T00:00:00Z\n") -> str:
    return f"---\n{title_line}\n{extra}---\n\n{body}\n"


def make_hostile_seeds(root: Path, *, big: bool = True) -> dict[str, Expect]:
    """Write the hostile directory under ``root``; return file name -> expectation."""
    root.mkdir(parents=True, exist_ok=True)
    expect: dict[str, Expect] = {}

    def put(name: str, data: str | bytes, e: Expect, encoding: str = "utf-8") -> None:
        raw = data.encode(encoding) if isinstance(data, str) else data
        (root / name).write_bytes(raw)
        expect[name] = e

    zh_s = front("title: 俄罗斯与北约的危机", "<p>美国与俄罗斯就安全保证开展谈判。</p>")
    zh_t = front("title: 香港反送中運動如何來到臨界點", "<p>這篇文章可能回答不了為什麼。</p>")
    put("gb18030.md", zh_s, Expect(True, "俄罗斯与北约的危机"), "gb18030")
    put("big5.md", zh_t, Expect(True, "香港反送中運動"), "big5")
    put("utf16le-bom.md", zh_s, Expect(True, "俄罗斯"), "utf-16")
    put("utf16be.md", b"\xfe\xff" + zh_s.encode("utf-16-be"), Expect(True, "俄罗斯"))
    put("utf16le-nobom.md", zh_s.encode("utf-16-le"), Expect(True, "俄罗斯"))
    put("bom-crlf.md", "\ufeff" + zh_s.replace("\n", "\r\n"), Expect(True, "俄罗斯"))
    put("lone-cr.md", zh_s.replace("\n", "\r"), Expect(True, "俄罗斯"))
    put(
        "binary.md",
        b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 16,
        Expect(False, reason_has="binary"),
    )
    put("empty.md", b"", Expect(False, reason_has="empty"))
    put("whitespace.md", b"\n \n\t\n", Expect(False, reason_has="empty"))
    put(
        "unclosed.md",
        "---\ntitle: never closed\ndate: 2021-01-01\n<p>body</p>\n",
        Expect(True, "never closed"),
    )

    # YAML that fails in many ways.
    yamls = {
        "yaml-tab.md": "title:\tTabbed\n\tcategories: [a",
        "yaml-quotes.md": 'title: """"\'Quoted\'""""',
        "yaml-unbalanced.md": "title: 'unbalanced",
        "yaml-dupkeys.md": "title: first\ntitle: second",
        "yaml-anchor.md": "title: &a Anchored\nalias: *a",
        "yaml-alias-bomb.md": "a: &a [x, x, x, x, x, x, x, x, x]\n"
        + "".join(
            f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n"
            for i in range(8)
        )
        + "title: *i\ncategories: *i\ntags: *i",
        "yaml-list-title.md": "title: [a, b]\ncategories: {x: y}",
        "yaml-binary-tag.md": "title: !!binary aGVsbG8=\ndate: !!timestamp 2001-12-14",
        "yaml-python-tag.md": "title: !!python/object/apply:os.system ['echo PWNED']",
        "yaml-number.md": "title: 12_00",
        "yaml-deep.md": "title: " + "[" * 3000 + "]" * 3000,
        "yaml-huge-key.md": "k" * 50_000 + ": v\ntitle: huge key",
    }
    for name, fm in yamls.items():
        put(name, f"---\n{fm}\n---\n<p>body of {name}</p>\n", Expect(True))

    for key, seq in ESCAPES.items():
        put(
            f"esc-{key}.md",
            feed(f"Escape {key} {seq} end", f"<p>before {seq} after</p><p>{seq}</p>"),
            Expect(True, f"Escape {key}"),
        )
    put(
        "esc-frontmatter.md",
        front('title: "FM \\x1b]0;PWNED-FM\\x07 \\x1b[31mred"', "<p>\x1b]52;c;UFdORUQ=\x07</p>"),
        Expect(True, "FM"),
    )
    put(
        "markup-title.md",
        feed(MARKUP, f"<p>{MARKUP}</p><h2>{MARKUP}</h2>"),
        Expect(True, "[bold red]LOUD"),
    )
    put("invisible.md", feed(INVISIBLE, f"<p>{INVISIBLE}</p>"), Expect(True, "combining"))
    put("long-title.md", feed("长" * 10_000, "<p>x</p>"), Expect(True, "长长长"))
    put(
        "deep-html.md",
        feed("Deep HTML", "<div>" * 5000 + "deep text" + "</div>" * 5000),
        Expect(True, "Deep"),
    )
    put(
        "future-date.md",
        feed("Future date", "<p>x</p>", stamp="99999999999999"),
        Expect(True, "Future"),
    )
    put(
        "negative-date.md",
        feed("Negative date", "<p>x</p>", stamp="-1641989702000"),
        Expect(True, "Negative"),
    )
    put(
        "nonsense-date.md",
        front("title: Nonsense date", "<p>x</p>", "date: the day after tomorrow\n"),
        Expect(True, "Nonsense"),
    )
    put("nan-date.md", feed("NaN date", "<p>x</p>", stamp="NaN"), Expect(True, "NaN"))
    put(
        "not-article.md", "# Just notes\n\nNo header.\n", Expect(False, reason_has="not an article")
    )
    if big:
        body = "<p>" + "大段正文。" * 20 + "</p>\n"
        put(
            "ten-mb.md",
            feed("Ten megabytes", body * (10 * 1024 * 1024 // len(body.encode()))),
            Expect(True, "Ten"),
        )

    # Symlink loop and a dangling link: the walk must end and report the dangling one.
    (root / "loop").mkdir(exist_ok=True)
    (root / "loop" / "inside.md").write_text(feed("Inside loop dir", "<p>x</p>"), encoding="utf-8")
    expect["loop/inside.md"] = Expect(True, "Inside loop")
    for link, target in (("loop/again", root / "loop"), ("loop/up", root)):
        if not (root / link).is_symlink():
            os.symlink(target, root / link)
    if not (root / "dangling.md").is_symlink():
        os.symlink(root / "nowhere.md", root / "dangling.md")
    expect["dangling.md"] = Expect(False, reason_has="broken symbolic link")
    fifo = root / "pipe.md"
    if not fifo.exists():
        os.mkfifo(fifo)
    expect["pipe.md"] = Expect(False, reason_has="not a regular file")
    return expect
