"""Serving newsdeck to other machines: ``newsdeck serve ssh`` and ``newsdeck serve web``.

Each connection gets its own ``python -m tui DIR`` process; nothing here imports
Textual, so the server stays small and a crashing app takes down one session only.
"""

from __future__ import annotations
