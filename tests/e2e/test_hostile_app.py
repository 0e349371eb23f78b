"""Hostile seeds through the whole app: headless (Pilot), in a real pty, in tmux.

The issue-6 guarantees, checked end to end: the app starts on a hostile
directory, lists what can be read and reports the rest with a reason; opening
every hostile article renders without an exception; markup shows literally; no
control byte from a file reaches the terminal (raw pty bytes, tmux pane title
and clipboard); the seeds directory is never written; state and index survive
``kill -9``. Every wait is bounded; nothing asserts on elapsed time.

Scale: ``make test`` runs the many-files case with 20,000 files;
``make fuzz`` sets ``NEWSDECK_MANY_FILES=100000`` and runs it with 100,000.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import io
import json
import os
import re
import shutil
import signal
import sqlite3
import stat
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from rich.console import Console
from textual.widget import Widget
from textual.widgets import Static
from textual.worker import WorkerCancelled

from tests.hostile import MARKUP, Expect, make_hostile_seeds
from tests.locations import REPO
from tui.app import reader as reader_module
from tui.app.app import NewsdeckApp
from tui.app.screens.main import MainScreen
from tui.app.screens.problems import ProblemsScreen
from tui.images.terminal.probe import KITTY_QUERY
from tui.store.config import Config

#: Any C0 control but newline/tab, DEL, or C1 control.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
#: Seconds any single wait may last before the test fails instead of hanging.
WAIT = 120
MANY_FILES = int(os.environ.get("NEWSDECK_MANY_FILES", "20000"))


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Expect]]:
    root = tmp_path_factory.mktemp("hostile")
    return root, make_hostile_seeds(root)


def listed(expect: dict[str, Expect]) -> list[str]:
    return sorted(name for name, e in expect.items() if e.listed)


async def settle(pilot) -> None:  # type: ignore[no-untyped-def]
    """Let every worker finish and the screen catch up (bounded by the test's timeout)."""
    for _ in range(3):
        with contextlib.suppress(WorkerCancelled):  # an exclusive worker replaced by a newer one
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()


#: The hostile files repeat one text in many encodings: copies the app would fold into one
#: entry. These tests are about every readable file being listed, so each is shown.
UNFOLDED = Config(fold_duplicates=False)


def main(app: NewsdeckApp) -> MainScreen:
    screen = app.main_screen
    assert screen is not None
    return screen


def plain(widget: Widget, width: int = 400) -> str:
    """What a Static shows, as plain text (rendered by Rich, markup never parsed)."""
    console = Console(file=io.StringIO(), width=width, markup=False, color_system=None)
    assert isinstance(widget, Static)
    console.print(widget.content)
    return console.file.getvalue()  # type: ignore[attr-defined]


def error_notifications(app: NewsdeckApp) -> list[str]:
    """Error toasts: a worker that raised shows up here (the app's one failure handler)."""
    return [str(n.message) for n in app._notifications if n.severity == "error"]


# --------------------------------------------------------------------------- headless


async def test_app_lists_readable_and_reports_the_rest(
    hostile: tuple[Path, dict[str, Expect]],
) -> None:
    root, expect = hostile
    app = NewsdeckApp(root, config=UNFOLDED)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main(app)
        assert not screen.scanning
        paths = [a.relpath(root) for a in screen.article_list.articles]
        assert len(paths) == len(set(paths)), "an article is listed twice (symlink loop?)"
        for name, e in expect.items():
            if e.listed:
                assert name in paths, name
                article = next(a for a in screen.article_list.articles if a.relpath(root) == name)
                assert e.title_has in article.title, (name, article.title)
            else:
                assert name not in paths, name
        await pilot.press("exclamation_mark")
        await settle(pilot)
        problems = app.screen
        assert isinstance(problems, ProblemsScreen)
        reasons = {a.relpath(root): a.error or "" for a in problems.problems}
        for name, e in expect.items():
            if not e.listed:
                assert e.reason_has in reasons.get(name, "<missing>"), (name, reasons.get(name))
        table = plain(problems.query_one("#problems-table", Static), width=300)
        assert not CONTROL.search(table)
        assert "binary.md" in table
        await pilot.press("escape")
        await settle(pilot)
        assert error_notifications(app) == []


async def test_opening_every_hostile_article_renders(
    hostile: tuple[Path, dict[str, Expect]],
) -> None:
    root, expect = hostile
    app = NewsdeckApp(root, config=UNFOLDED)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main(app)
        by_name = {a.relpath(root): a for a in screen.article_list.articles}
        for name in listed(expect):
            screen.open_article(by_name[name])
            await settle(pilot)
            reader = screen.reader
            assert reader.article is by_name[name], name
            lines = reader.view.plain_lines
            assert lines, name
            text = "\n".join(lines)
            assert not CONTROL.search(text), name
            assert "Loading…" not in text, name
            assert not reader.loading_article and not reader.rendering_article, name
        assert error_notifications(app) == []
        # the deep article kept its text; the escape articles show their printable rest
        screen.open_article(by_name["deep-html.md"])
        await settle(pilot)
        assert "deep text" in " ".join(screen.reader.view.plain_lines)


async def test_markup_shows_literally_in_list_reader_and_sidebar(
    hostile: tuple[Path, dict[str, Expect]],
) -> None:
    root, _ = hostile
    app = NewsdeckApp(root, config=UNFOLDED)
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(pilot)
        screen = main(app)
        await pilot.press("slash", *"LOUD")
        await settle(pilot)
        articles = screen.article_list.articles
        assert [a.relpath(root) for a in articles] == ["markup-title.md"]
        row = screen.article_list.render_line(0).text
        assert "[bold red]LOUD" in row
        await pilot.press("enter")  # the filter box hands Enter to the list / opens
        await settle(pilot)
        screen.open_article(articles[0])
        await settle(pilot)
        body = " ".join(line.strip() for line in screen.reader.view.plain_lines)
        for piece in ("[bold red]LOUD[/bold red]", "[@click=app.quit]quit[/]", "[video]"):
            assert piece in body, piece
        assert body.count(MARKUP[:15]) >= 3  # title, paragraph and heading
        side = plain(screen.sidebar.query_one("#sidebar-body", Static))
        assert "[bold red]LOUD[/bold red] [@click=app.quit]quit[/]" in " ".join(side.split())
        assert app.is_running  # [@click=app.quit] did not quit


async def test_huge_body_is_capped_with_a_notice_and_opens_anyway(
    hostile: tuple[Path, dict[str, Expect]],
) -> None:
    root, _ = hostile
    app = NewsdeckApp(root, config=UNFOLDED)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = main(app)
        big = next(a for a in screen.article_list.articles if a.relpath(root) == "ten-mb.md")
        screen.open_article(big)
        await settle(pilot)
        capped = screen.reader.view.plain_lines
        tail = " ".join(capped[-6:])
        assert "truncated" in tail.lower(), tail
        assert reader_module.OPEN_FULL_KEY in tail
        await pilot.press(reader_module.OPEN_FULL_KEY)
        await settle(pilot)
        whole = screen.reader.view.plain_lines
        assert len(whole) > len(capped)
        assert error_notifications(app) == []


async def test_directory_without_articles(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    junk = tmp_path / "junk"
    junk.mkdir()
    (junk / "a.md").write_bytes(b"\x00\x01binary")
    (junk / "b.md").write_text("# no header\n", encoding="utf-8")
    for root, unreadable in ((empty, 0), (junk, 2)):
        app = NewsdeckApp(root, config=UNFOLDED)
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            screen = main(app)
            assert screen.article_list.articles == []
            assert f"No articles in {root}" in screen.article_list.empty_message
            await pilot.press("enter", "n", "p", "slash", "x", "escape", "escape")
            await pilot.press("exclamation_mark")
            await settle(pilot)
            problems = app.screen
            assert isinstance(problems, ProblemsScreen)
            assert len(problems.problems) == unreadable
            await pilot.press("escape")
            assert error_notifications(app) == []


def _write_many(root: Path, count: int) -> None:
    """``count`` tiny feed articles in 100 subdirectories (one of them unreadable)."""
    for d in range(100):
        (root / f"d{d:02}").mkdir(parents=True)
    for i in range(count):
        stamp = 1_600_000_000_000 + i * 60_000
        (root / f"d{i % 100:02}" / f"{i:06}.md").write_text(
            f"<!--{stamp}-->\n[Tiny {i}](https://example.org/{i})\n------\n\n<p>t{i}</p>\n",
            encoding="utf-8",
        )
    (root / "d00" / "zz-broken.md").write_bytes(b"\x00" * 64)


async def test_many_tiny_files(tmp_path: Path) -> None:
    root = tmp_path / "many"
    _write_many(root, MANY_FILES)
    app = NewsdeckApp(root, config=UNFOLDED)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = main(app)
        await settle(pilot)
        deadline = time.monotonic() + 600
        while screen.scanning and time.monotonic() < deadline:
            await pilot.pause(0.2)
            await settle(pilot)
        assert not screen.scanning
        assert len(screen.article_list.articles) == MANY_FILES
        assert screen.article_list.articles[0].title == f"Tiny {MANY_FILES - 1}"
        assert len(screen.library.problems) == 1
        await pilot.press("slash", *f"Tiny {MANY_FILES // 2}")
        await settle(pilot)
        assert any(a.title == f"Tiny {MANY_FILES // 2}" for a in screen.article_list.articles[:5])
        await pilot.press("escape", "G", "enter")
        await settle(pilot)
        assert screen.reader.article is not None
        assert error_notifications(app) == []


# --------------------------------------------------------------------------- read-only seeds


def tree_digest(root: Path) -> dict[str, tuple[object, ...]]:
    """Every entry below ``root`` (not following links): kind, mode, size, mtime, content."""
    out: dict[str, tuple[object, ...]] = {}
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        for name in sorted(dirnames + filenames):
            path = Path(dirpath) / name
            st = os.lstat(path)
            rel = path.relative_to(root).as_posix()
            if stat.S_ISLNK(st.st_mode):
                out[rel] = ("link", os.readlink(path))
            elif stat.S_ISREG(st.st_mode):
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
                out[rel] = ("file", st.st_mode, st.st_size, st.st_mtime_ns, digest)
            else:  # directories and the FIFO: never opened (a FIFO would block)
                out[rel] = ("other", st.st_mode, st.st_mtime_ns)
    st = os.lstat(root)
    out["."] = ("dir", st.st_mode, st.st_mtime_ns)
    return out


def make_read_only(root: Path) -> None:
    for dirpath, dirnames, filenames in os.walk(root, topdown=False, followlinks=False):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            if not path.is_symlink():
                path.chmod(path.lstat().st_mode & ~0o222)
    root.chmod(root.stat().st_mode & ~0o222)


def make_writable(root: Path) -> None:
    root.chmod(root.stat().st_mode | 0o200)
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            if not path.is_symlink():
                path.chmod(path.lstat().st_mode | 0o200)


async def test_seeds_directory_is_never_written(tmp_path: Path) -> None:
    root = tmp_path / "ro"
    expect = make_hostile_seeds(root, big=False)
    make_read_only(root)
    try:
        before = tree_digest(root)
        app = NewsdeckApp(root, config=UNFOLDED)
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(pilot)
            screen = main(app)
            assert len(screen.article_list.articles) == len(listed(expect))
            # a session of use: read every article, mark, star, sort, filter, panels
            await pilot.press("enter")
            for _ in listed(expect):
                await pilot.press("n", "m", "f")
                await settle(pilot)
            await pilot.press("escape", "S", "S", "s", "s", "c", "escape")
            await pilot.press("slash", *"escape", "enter")
            await pilot.press("escape", "exclamation_mark", "escape", "question_mark", "escape")
            await settle(pilot)
            assert screen.reader.article is not None
        for args in (["list", str(root), "--json"], ["check", str(root)], ["index", str(root)]):
            result = subprocess.run(
                [sys.executable, "-m", "tui", *args],
                capture_output=True,
                text=True,
                timeout=WAIT,
                check=False,
            )
            assert "Traceback" not in result.stderr, (args, result.stderr)
        assert tree_digest(root) == before
    finally:
        make_writable(root)


# --------------------------------------------------------------------------- kill -9


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEXTUAL", "COLORTERM"))}
    env.update(TERM="xterm-256color", TZ="UTC", PYTHONPATH=str(REPO), PYTHONUNBUFFERED="1")
    return env


def test_index_survives_kill_9_at_any_moment(tmp_path: Path) -> None:
    root = tmp_path / "seeds"
    _write_many(root, 4000)
    cmd = [sys.executable, "-m", "tui", "index", str(root), "--quiet"]
    for delay in (0.3, 0.8, 1.5, 2.5):
        proc = subprocess.Popen(cmd, env=_env(), stderr=subprocess.PIPE)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=WAIT)
        # after each kill the index opens and whatever it holds is a real article
        from tui.store.index import Index

        with Index(root) as index:
            held = index.load()
        assert all(a.title.startswith("Tiny ") if a.ok else a.error for a in held)
        assert len(held) <= 4001  # 4,000 articles and the broken file
    result = subprocess.run(
        cmd, env=_env(), capture_output=True, text=True, timeout=WAIT, check=False
    )
    assert result.returncode == 0, result.stderr
    listing = subprocess.run(
        [sys.executable, "-m", "tui", "list", str(root), "--json"],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=WAIT,
        check=False,
    )
    assert len(listing.stdout.splitlines()) == 4000
    assert "1 file(s) could not be read" in listing.stderr


_STATE_WRITER = """
import sys
from pathlib import Path
from tui.model import Article
from tui.store.state import StateStore
store = StateStore()
for i in range(100_000):
    article = Article(path=Path(f"/x/{i}.md"), title=f"t{i}", url=f"https://e.org/{i}")
    store.set_read([article], True)
    if i % 3 == 0:
        store.set_starred([article], True)
    print(i, flush=True)
"""


def test_state_survives_kill_9_and_keeps_every_commit(tmp_path: Path) -> None:
    from tui.model import Article
    from tui.store.state import StateStore

    committed = -1
    for delay in (0.5, 1.0, 2.0):
        proc = subprocess.Popen(
            [sys.executable, "-c", _STATE_WRITER],
            env=_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        out, _ = proc.communicate(timeout=WAIT)
        done = [int(x) for x in out.split()]
        committed = max([committed, *done])
        with StateStore(readonly=True) as store:
            for i in done:  # every write acknowledged before the kill is there
                article = Article(path=Path(f"/x/{i}.md"), title=f"t{i}", url=f"https://e.org/{i}")
                assert store.is_read(article), i
                assert store.is_starred(article) == (i % 3 == 0), i
    assert committed >= 0, "the writer never committed anything before the kill"
    path = Path(os.environ["NEWSDECK_DATA_DIR"])
    for db in path.rglob("*.sqlite*"):
        if db.suffix in (".sqlite", ".sqlite3") or db.name.endswith(".db"):
            with sqlite3.connect(db) as conn:
                assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


# --------------------------------------------------------------------------- pty


class Pty:
    """``python -m tui DIR`` in a real pseudo-terminal; every byte it writes is kept."""

    def __init__(self, root: Path, cols: int = 120, rows: int = 36) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.master = master
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tui", str(root)],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=_env(),
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self.data = bytearray()
        self._lock = threading.Lock()
        self._last = time.monotonic()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            with self._lock:
                self.data += chunk
                self._last = time.monotonic()

    def send(self, keys: str, quiet: float = 0.4) -> None:
        os.write(self.master, keys.encode())
        self.wait_quiet(quiet)

    def wait_quiet(self, quiet: float, timeout: float = 30) -> None:
        """Until no output came for ``quiet`` seconds (bounded: ``timeout``)."""
        end = time.monotonic() + timeout
        time.sleep(quiet)
        while time.monotonic() < end and time.monotonic() - self._last < quiet:
            time.sleep(0.05)

    def wait_for(self, pattern: bytes, timeout: float = WAIT) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if pattern in strip_escapes(bytes(self.data)):
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        raise AssertionError(f"{pattern!r} never shown; output tail: {bytes(self.data)[-400:]!r}")

    def close(self) -> bytes:
        if self.proc.poll() is None:
            os.write(self.master, b"q")
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=15)
        self._reader.join(timeout=5)
        os.close(self.master)
        return bytes(self.data)


#: Escape sequences newsdeck/Textual may write: CSI (incl. private modes and SGR),
#: and the two-byte charset/keypad/cursor-save ones.
_CSI = rb"\x1b\[[0-?]*[ -/]*[@-~]"
_ESC2 = rb"\x1b[78=>]|\x1b\([B0]"
#: The one OSC Textual 8.2.8 itself emits (found by running the app on benign seeds
#: with the same keys: see test_pty_baseline_osc_is_only_pointer_shape): the Kitty
#: pointer shape, ``ESC ] 22 ; <shape> BEL`` (App._set_pointer_shape). Nothing else.
ALLOWED_OSC = re.compile(rb"\x1b\]22;[a-z-]{1,24}\x07")
#: newsdeck's own image probe (tui.images.terminal.probe): kitty's graphics query, a
#: constant written once at start-up before Textual runs (DA1 and CSI 16 t are CSI).
ALLOWED_APC = re.escape(KITTY_QUERY.encode())
_KNOWN = re.compile(_CSI + b"|" + _ESC2 + b"|" + ALLOWED_OSC.pattern + b"|" + ALLOWED_APC)


def strip_escapes(data: bytes) -> bytes:
    return _KNOWN.sub(b"", data)


def foreign_escapes(data: bytes) -> list[bytes]:
    """ESC-started sequences that are not CSI, the known two-byte ones or an allowed OSC."""
    return [m.group() for m in re.finditer(rb"\x1b.{0,24}", strip_escapes(data), re.S)]


#: Sequences from hostile.ESCAPES, in the context the files put them in.
FROM_FILES = (
    b"\x1b]0;PWNED",
    b"\x1b]52;",
    b"\x1b]8;;https://evil",
    b"\x1b[2J\x1b[H end",
    b"\x1b[2J\x1b[H after",
    b"\x1b[31mred",
    b"\x08\x08\x08XYZ",
)


def assert_clean_terminal_output(data: bytes) -> None:
    for seq in FROM_FILES:
        assert seq not in data, seq
    text = data.decode("utf-8")  # strict: a raw C1 byte (0x9b, 0x9d) is invalid UTF-8
    assert not re.search("[\x80-\x9f]", text), "C1 control in output"
    rest = strip_escapes(data)
    assert foreign_escapes(data) == [], "an escape sequence that newsdeck does not write"
    assert b"\x1b]" not in rest, "a foreign OSC"
    assert b"\x07" not in rest, "BEL reached the terminal"
    assert not re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1a\x1c-\x1f\x7f]", rest), "a C0 control"
    assert b"Traceback" not in data


def _session(root: Path, steps: int) -> bytes:
    term = Pty(root)
    try:
        term.wait_for(b"articles")
        term.wait_quiet(1.0)
        term.send("\r", quiet=1.0)  # open the first article
        for _ in range(steps):
            term.send("n", quiet=0.5)  # the next one, opened
        term.send("\x1b", quiet=0.3)
        term.send("s", quiet=0.3)
        term.send("!", quiet=0.5)
        term.send("\x1b", quiet=0.3)
    finally:
        data = term.close()
    assert term.proc.returncode == 0, data[-500:]
    return data


def test_pty_baseline_osc_is_only_pointer_shape(tmp_path: Path) -> None:
    """The whitelist is exact: on benign articles the app writes only OSC 22, and the
    hostile-output check passes (so a failure on hostile seeds is the files' doing)."""
    from tests.app.test_app import write_seeds

    data = _session(write_seeds(tmp_path / "benign"), steps=6)
    osc = re.findall(rb"\x1b\][^\x07\x1b]{0,40}\x07?", data)
    assert osc and all(ALLOWED_OSC.fullmatch(o) for o in osc), osc[:5]
    assert_clean_terminal_output(data)
    # and the check does catch a file's sequence when one gets through
    with pytest.raises(AssertionError):
        assert_clean_terminal_output(data + b"\x1b]0;PWNED-TITLE\x07")
    with pytest.raises(AssertionError):
        assert_clean_terminal_output(data + "\x9d0;x\x9c".encode())
    assert b"Russia and NATO" in strip_escapes(data)


def test_pty_no_byte_from_a_file_reaches_the_terminal(
    hostile: tuple[Path, dict[str, Expect]],
) -> None:
    root, expect = hostile
    data = _session(root, steps=len(listed(expect)) + 2)
    assert_clean_terminal_output(data)
    shown = strip_escapes(data)
    # the printable rest of the hostile titles was shown, as text
    assert b"Escape osc_title" in shown
    assert b"PWNED-TITLE" in shown  # as visible text only (checked above: no OSC)


# --------------------------------------------------------------------------- tmux


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Callable[..., str]]:
    if shutil.which("tmux") is None:
        pytest.skip("tmux is not installed")
    socket = tmp_path / "tmux.sock"

    def run(*args: str, check: bool = True) -> str:
        result = subprocess.run(
            ["tmux", "-S", str(socket), "-f", "/dev/null", *args],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"tmux {args}: {result.stderr}")
        return result.stdout

    yield run
    run("kill-server", check=False)


def _pane_wait(tmux: Callable[..., str], target: str, text: str, timeout: float = WAIT) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if text in tmux("capture-pane", "-p", "-t", target, check=False):
            return
        time.sleep(0.2)
    raise AssertionError(f"{text!r} never shown in tmux pane {target}")


def test_tmux_title_and_clipboard_unchanged(
    hostile: tuple[Path, dict[str, Expect]], tmux: Callable[..., str]
) -> None:
    root, expect = hostile
    env = " ".join(
        f"{k}={shlex_quote(v)}" for k, v in _env().items() if k.startswith(("NEWSDECK", "PYTHON"))
    )
    command = f"env {env} TZ=UTC {shlex_quote(sys.executable)} -m tui {shlex_quote(str(root))}"
    tmux("new-session", "-d", "-s", "h", "-x", "120", "-y", "36", "sh")
    tmux("set-option", "-g", "set-clipboard", "on")
    tmux("set-option", "-g", "allow-passthrough", "off", check=False)
    # control: the mechanism sees a title and a clipboard set by a program in a pane
    tmux("new-window", "-d", "-t", "h:9", "sh")
    tmux("send-keys", "-t", "h:9", "printf '\\033]2;CONTROL\\007\\033]52;c;Q1RSTA==\\007'", "Enter")
    _pane_wait_title(tmux, "h:9", "CONTROL")
    assert "CTRL" in tmux("show-buffer", check=False)
    tmux("delete-buffer", check=False)
    tmux("kill-window", "-t", "h:9")

    tmux("respawn-pane", "-k", "-t", "h:0", command)
    title = tmux("display", "-p", "-t", "h:0", "#{pane_title}")
    _pane_wait(tmux, "h:0", "articles")
    assert tmux("list-buffers") == ""
    tmux("send-keys", "-t", "h:0", "Enter")
    for _ in range(len(listed(expect)) + 1):
        time.sleep(0.4)
        assert tmux("display", "-p", "-t", "h:0", "#{pane_title}") == title
        assert tmux("list-buffers") == ""
        tmux("send-keys", "-t", "h:0", "n")
    time.sleep(1.0)
    assert tmux("display", "-p", "-t", "h:0", "#{pane_title}") == title
    assert tmux("list-buffers") == ""
    screen = tmux("capture-pane", "-p", "-t", "h:0")
    assert "Traceback" not in screen
    tmux("send-keys", "-t", "h:0", "q")


def _pane_wait_title(tmux: Callable[..., str], target: str, title: str) -> None:
    end = time.monotonic() + 30
    while time.monotonic() < end:
        if tmux("display", "-p", "-t", target, "#{pane_title}").strip() == title:
            return
        time.sleep(0.1)
    raise AssertionError("tmux did not take a title from the control program")


def shlex_quote(text: str) -> str:
    import shlex

    return shlex.quote(text)


def test_tree_digest_sees_changes() -> None:
    """The digest helper sees a change (so the read-only test can fail)."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "a.md").write_text("x", encoding="utf-8")
        before = tree_digest(root)
        (root / "a.md").write_text("y", encoding="utf-8")
        assert tree_digest(root) != before
        (root / "b.md").write_text("", encoding="utf-8")
        assert set(tree_digest(root)) - set(before) == {"b.md"}
        assert json.dumps(sorted(before))
