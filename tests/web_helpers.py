"""Helpers for the `parley web` tests: the real commands as processes, and a terminal reader.

`Command` runs `python -m server.cli ...` (the installed `parley`), with HOME in a tmp dir,
and waits for the line that names its address. `TerminalReader` is the terminal of a page that
Playwright drives (client.web.probe's screen, fed from the frames the page receives).
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

from client.web.probe import TerminalScreen


def environment(home: Path) -> dict[str, str]:
    """Every command of a test in one home: the server's key file is where `parley host` looks."""
    return dict(os.environ, HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"),
                XDG_DATA_HOME=str(home / ".local"), PARLEY_DATA_DIR=str(home / "data"),
                PYTHONUNBUFFERED="1")


class Command:
    """One `parley` subcommand as a process; `address` is what its first matching line named."""

    def __init__(self, args: list[str], home: Path, pattern: str | None = None, timeout: float = 30) -> None:
        self.process = subprocess.Popen([sys.executable, "-m", "server.cli", *args], env=environment(home),
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
    done = subprocess.run([sys.executable, "-m", "server.cli", *args], env=environment(home),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


class TerminalReader(TerminalScreen):
    """The screen of one page's terminal, rebuilt from the frames Playwright sees it receive."""

    def received(self, payload: str | bytes) -> None:
        if isinstance(payload, bytes):
            self.feed(payload)

    def sent(self, payload: str | bytes) -> None:
        """The page's own `["resize", {...}]` tells the size its terminal has."""
        if isinstance(payload, str) and payload.startswith('["resize"'):
            size = json.loads(payload)[1]
            self.resize(size["width"], size["height"])
