"""How soon ``newsdeck list``, ``search`` and ``check`` print their first line (not a test).

Each command runs as its own process on a generated archive with a warm index, stdout
a pipe; the figures are seconds from starting the process to its first line on
stdout and to its exit (the whole process, interpreter start included). With
``--baseline CHECKOUT`` the same commands also run from another checkout (e.g.
``/work/main``, before the streaming path), in the same run, alternating.

Run: ``.venv/bin/python bench/cli_bench.py [N ...] [--baseline DIR] [--repeat K]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.corpus import cached

REPO = Path(__file__).resolve().parents[1]

#: (label, arguments after the directory) of every measured command.
COMMANDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("list", ("list",)),
    ("list --json", ("list", "--json")),
    ("list --json --limit 50", ("list", "--json", "--limit", "50")),
    ("list --filter 经济", ("list", "--filter", "经济")),
    ("list --json --filter market", ("list", "--json", "--filter", "market")),
    ("search 经济", ("search", "经济")),
    ("search market --json", ("search", "market", "--json")),
    ("check", ("check",)),
)


#: Seconds to the first line, seconds to exit, lines printed, CPU seconds.
Timing = tuple[float, float, int, float]


def first_line(argv: list[str], cwd: Path) -> Timing:
    """(seconds to the first stdout line, seconds to exit, lines, CPU seconds) of one process.

    CPU seconds (user + system) say what the process cost when the machine is busy.
    """
    started = time.perf_counter()
    proc = subprocess.Popen(
        argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, bufsize=0
    )
    assert proc.stdout is not None
    first = proc.stdout.readline()
    at_first = time.perf_counter() - started
    rest = proc.stdout.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    total = time.perf_counter() - started
    lines = (first + rest).count(b"\n")
    return (at_first if first else total), total, lines, usage.ru_utime + usage.ru_stime


def command(checkout: Path, root: Path, args: tuple[str, ...]) -> list[str]:
    """``python -m tui`` of ``checkout`` (its own venv) on ``root``."""
    python = checkout / ".venv" / "bin" / "python"
    return [str(python), "-m", "tui", args[0], str(root), *args[1:]]


def index(root: Path) -> None:
    """Build or refresh the index of ``root`` (so every measured run finds it warm)."""
    subprocess.run(command(REPO, root, ("index", "--quiet")), cwd=REPO, check=True)


def run(n: int, baseline: Path | None, repeat: int) -> list[dict[str, object]]:
    """Measure every command on an archive of ``n`` articles, ``repeat`` times each."""
    root = cached(n)
    index(root)
    results: list[dict[str, object]] = []
    checkouts = [("new", REPO)] + ([("base", baseline)] if baseline else [])
    for label, args in COMMANDS:
        times: dict[str, list[Timing]] = {name: [] for name, _ in checkouts}
        for _name, checkout in checkouts:  # warm the page cache
            first_line(command(checkout, root, args), checkout)
        for _ in range(repeat):
            for name, checkout in checkouts:
                times[name].append(first_line(command(checkout, root, args), checkout))
        for name, _ in checkouts:
            got = times[name]
            results.append(
                {
                    "n": n,
                    "command": label,
                    "path": name,
                    "first_median": statistics.median(t[0] for t in got),
                    "first_range": (min(t[0] for t in got), max(t[0] for t in got)),
                    "total_median": statistics.median(t[1] for t in got),
                    "total_range": (min(t[1] for t in got), max(t[1] for t in got)),
                    "lines": got[0][2],
                    "cpu_median": statistics.median(t[3] for t in got),
                }
            )
    return results


def report(results: list[dict[str, object]]) -> None:
    """One line per (size, command, checkout): first line and whole run, median [min-max]."""
    for r in results:
        f0, f1 = r["first_range"]  # type: ignore[misc]
        t0, t1 = r["total_range"]  # type: ignore[misc]
        print(
            f"{r['n']:>7} {r['command']:<30} {r['path']:<4} "
            f"first {r['first_median']:6.3f} s [{f0:.3f}-{f1:.3f}]  "
            f"whole {r['total_median']:6.3f} s [{t0:.3f}-{t1:.3f}]  "
            f"cpu {r['cpu_median']:6.3f} s  {r['lines']} lines"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[10_000, 100_000])
    parser.add_argument("--baseline", type=Path, help="another checkout to compare with")
    parser.add_argument("--repeat", type=int, default=3)
    ns = parser.parse_args()
    for n in ns.sizes:
        report(run(n, ns.baseline, ns.repeat))


if __name__ == "__main__":
    main()
