"""Choosing a protocol from the terminal's own answers, and asking it over a real pty."""

from __future__ import annotations

import os
import pty
import threading

import pytest

from tui.images.terminal import probe as detect_module
from tui.images.terminal.probe import (
    DA1_QUERY,
    KITTY_QUERY,
    Reply,
    Terminal,
    choose,
    parse_reply,
    query_terminal,
)

KITTY_OK = "\x1b_Gi=31;OK\x1b\\"


def test_parse_reply() -> None:
    assert parse_reply(KITTY_OK + "\x1b[6;20;10t\x1b[?62;22c") == Reply(True, False, (10, 20), True)
    assert parse_reply("\x1b[?64;1;4;22c") == Reply(False, True, None, True)
    assert parse_reply("\x1b[?1;2c") == Reply(answered=True)
    assert parse_reply("") == Reply()
    assert not parse_reply("\x1b[?14;2c").sixel  # 14 is not 4


def test_choose() -> None:
    both = Reply(kitty=True, sixel=True, answered=True)
    assert choose("sixel", None) == "sixel"
    assert choose("kitty", Reply()) == "kitty"
    assert choose("auto", None) == "halfblocks"
    assert choose("auto", Reply(kitty=True, answered=True)) == "kitty"
    assert choose("auto", Reply(sixel=True, answered=True)) == "sixel"
    assert choose("auto", both) == "sixel"  # WezTerm, Konsole: no unicode placeholders
    assert choose("auto", Reply(answered=True)) == "halfblocks"
    assert choose("auto", both, tmux=True) == "halfblocks"  # no passthrough
    assert choose("auto", both, tmux=True, passthrough=True) == "kitty"


def test_tmux_passthrough_wraps_and_doubles_escapes() -> None:
    term = Terminal("kitty", tmux_passthrough=True)
    assert term.wrap("\x1b_Ga=t\x1b\\") == "\x1bPtmux;\x1b\x1b_Ga=t\x1b\x1b\\\x1b\\"
    assert Terminal("kitty").wrap("x") == "x"


def _fake_terminal(answer: str | None) -> tuple[int, threading.Thread, list[bytes]]:
    """A pty whose far side answers the queries like a terminal would."""
    master, slave = pty.openpty()
    seen: list[bytes] = []

    def serve() -> None:
        data = b""
        while DA1_QUERY.encode() not in data:
            data += os.read(master, 1024)
        seen.append(data)
        if answer is not None:
            os.write(master, answer.encode())

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return slave, thread, seen


def test_query_over_a_pty_kitty() -> None:
    slave, thread, seen = _fake_terminal(KITTY_OK + "\x1b[6;18;9t\x1b[?62;22c")
    reply = query_terminal(slave, slave, timeout=5)
    thread.join(5)
    assert reply == Reply(True, False, (9, 18), True)
    assert seen[0].startswith(KITTY_QUERY.encode())


def test_query_over_a_pty_silent_terminal_times_out() -> None:
    slave, _thread, _ = _fake_terminal(None)
    assert query_terminal(slave, slave, timeout=0.2) == Reply()


def test_detect_once_per_process(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    detect_module.forget()
    try:
        slave, _thread, _ = _fake_terminal("\x1b[?62;4c")
        monkeypatch.setattr(detect_module, "QUERY_TIMEOUT", 5)
        first = detect_module.detect("auto", env={}, fd_in=slave, fd_out=slave)
        assert first.protocol == "sixel"
        # Asked once: a later call (another fd, no answer) gets the first answer.
        assert detect_module.detect("auto", env={}, fd_in=-1, fd_out=-1) is first
        detect_module.forget()
        assert detect_module.detect("auto", env={}, web=True).protocol == "halfblocks"
    finally:
        detect_module.forget()


def test_tmux_without_passthrough_asks_the_terminal_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Under tmux the kitty query would become the window title: nothing is written."""
    from tui.images.terminal import probe

    probe.forget()
    monkeypatch.setattr(probe, "tmux_passthrough_on", lambda: False)
    monkeypatch.setattr(probe.os, "isatty", lambda fd: True)

    def no_query(*args: object, **kwargs: object) -> probe.Reply:
        raise AssertionError("the terminal was asked")

    monkeypatch.setattr(probe, "query_terminal", no_query)
    try:
        assert probe.detect("auto", env={"TMUX": "/tmp/tmux-0/default,1,0"}).protocol == (
            "halfblocks"
        )
    finally:
        probe.forget()
