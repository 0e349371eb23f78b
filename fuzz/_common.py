"""Shared by the fuzz targets: the time budget and the invariants every output must hold."""

from __future__ import annotations

import os
import re

#: Seconds each target runs (``make fuzz`` sets it; 180 by default).
FUZZ_SECONDS = float(os.environ.get("FUZZ_SECONDS", "180"))
#: Any C0 control but newline/tab, DEL, or C1 control: none may leave newsdeck.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
#: One input may take at most this long; slower is a finding (a hang in the app).
SLOW_SECONDS = 2.0

HTML_TOKENS = [
    "<p>", "</p>", "<div>", "</div>", "<b>", "</b>", "<i>", "<em>", "<a href='http://x'>",
    "<a href=javascript:alert(1)>", "</a>", "<ul>", "<ol start=99999999999>", "<li>", "</ul>",
    "<dl>", "<dd>", "<dt>", "<table>", "<tr>", "<td colspan=9999 rowspan=9999>", "<th>",
    "</table>", "<pre>", "</pre>", "<code>", "`", "<br>", "<hr>", "<h1>", "<h2>", "</h1>",
    "<blockquote>", "<img src=x alt='[b]x'>", "<video src=v>", "<iframe src=//y>",
    "<script>alert(1)</script>", "<svg><g>", "<!--", "-->", "&amp;", "&#27;", "&#x9b;",
    "&#0;", "&lt;", "\x1b]0;T\x07", "\x9b", "\r", "\n", "\n\n", "中", "文\n字", "[red]",
    "*", "_", "#", ">", "1.", "|", "\\", "~~", "\u2028", "\ufeff", "\ufdd0",
]  # fmt: skip
