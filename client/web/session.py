"""One browser tab's Textual process, in a home directory of its own.

Every browser session of `parley web` runs as a process of the same user on one host, so
anything a process saves under the usual places (`~/.config/parley/client.json`, a token file,
Textual's own files) would be read by the next student's process. `PrivateSession` points
HOME, the XDG directories and TMPDIR of its process at a fresh directory (mode 0700, made by
`tempfile.mkdtemp`) and deletes it when the process has ended: a session starts with nothing
saved and leaves nothing behind.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from pathlib import Path

from textual_serve.app_service import AppService

PRIVATE_VARIABLES = ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME",
                     "XDG_STATE_HOME", "XDG_RUNTIME_DIR", "TMPDIR")
# The instructor key (and where its file is) is the teacher's, never a tab's.
DROPPED_VARIABLES = ("PARLEY_KEY", "PARLEY_DATA_DIR")
STOP_TIMEOUT = 5.0  # seconds a process has to quit before it is killed


class PrivateSession(AppService):
    """textual-serve's AppService, with a private home for its process."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.home = Path(tempfile.mkdtemp(prefix="parley-web-"))
        self._removed = False

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        environment = super()._build_environment(width, height)
        for name in DROPPED_VARIABLES:
            environment.pop(name, None)
        for name in PRIVATE_VARIABLES:
            environment[name] = str(self.home)
        return environment

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    async def stop(self) -> None:
        """Stop the process, then remove its home (once, however often stop is called)."""
        try:
            try:
                await asyncio.wait_for(super().stop(), STOP_TIMEOUT)
            except TimeoutError:
                pass
            if self._process is not None and self._process.returncode is None:
                self._process.kill()
                await self._process.wait()
        finally:
            if not self._removed:
                self._removed = True
                shutil.rmtree(self.home, ignore_errors=True)
