"""Helpers for the `parley web` tests: the real commands as processes, and a terminal reader.

`Command` runs `python -m server.cli ...` (the installed `parley`), with HOME in a tmp dir,
and waits for the line that names its address. `TerminalReader` feeds the bytes a page's
terminal receives (textual-serve's websocket protocol) into a pyte screen, so a test reads the
words a student sees.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pyte


class Command:
    """One `parley` subcommand as a process; `address` is what its first matching line named."""

    def __init__(self, args: list[str], home: Path, pattern: str | None = None, timeout: float = 30) -> None:
        env = dict(os.environ, HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"),
                   XDG_DATA_HOME=str(home / ".local"), PYTHONUNBUFFERED="1")
        self.process = subprocess.Popen([sys.executable, "-m", "server.cli", *args], env=env,
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines: list[str] = []
        self.address = ""
        if pattern is not None:
            self.address = self._wait_for(pattern, timeout)
        threading.Thread(target=self._drain, daemon=True).start()

    def _wait_for(self, pattern: str, timeout: float) -> str:
        assert self.process.stdout is not None
        deadline = time.monotonic() + timeout
        for line in self.process.stdout:
            self.lines.append(line)
            found = re.search(pattern, line)
            if found:
                return found.group(1)
            if time.monotonic() > deadline:
                break
        self.stop()
        raise AssertionError(f"no line matching {pattern!r}; output:\n{''.join(self.lines)}")

    def _drain(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def run_parley(args: list[str], home: Path) -> str:
    """Run a `parley` subcommand to its end; its stdout (AssertionError with stderr if it failed)."""
    env = dict(os.environ, HOME=str(home))
    done = subprocess.run([sys.executable, "-m", "server.cli", *args], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


class TerminalReader:
    """The screen of one page's terminal, rebuilt from the frames its websocket carries."""

    def __init__(self, columns: int = 80, lines: int = 24) -> None:
        self.screen = pyte.Screen(columns, lines)
        self.stream = pyte.ByteStream(self.screen)
        self.lock = threading.Lock()

    def received(self, payload: str | bytes) -> None:
        if isinstance(payload, bytes):
            with self.lock:
                self.stream.feed(payload)

    def sent(self, payload: str | bytes) -> None:
        """The page's own `["resize", {...}]` tells the size its terminal has."""
        if isinstance(payload, str) and payload.startswith('["resize"'):
            size = json.loads(payload)[1]
            with self.lock:
                self.screen.resize(size["height"], size["width"])

    @property
    def text(self) -> str:
        with self.lock:
            return "\n".join(self.screen.display)

    def find(self, words: str, below: int = -1) -> tuple[int, int]:
        """(column, row) where `words` first appear on the screen, below row `below`."""
        with self.lock:
            for row, line in enumerate(self.screen.display):
                if row > below and words in line:
                    return line.index(words), row
        raise AssertionError(f"{words!r} is not on the screen:\n{self.text}")
