"""Group commit: one thread owns the SQLite write connection and batches every write.

Theory of operation
-------------------
Callers on the event loop hand the writer an *operation* (a function of the connection) and
get back an asyncio future. The writer thread blocks on its queue, then drains everything
queued so far and runs the whole batch in ONE transaction (`BEGIN IMMEDIATE` ... `COMMIT`:
in the WAL file, so it survives the process dying; with durability "power" also fsynced, see
sqlite.py). Only then are the futures of that batch resolved, in queue order, on their own
loops. While one batch is being committed the next one accumulates, so the number of commits
(and fsyncs) per second stays at what the disk can do while the number of operations per
commit grows with the load: that is what makes durability cheap.

Queue order is commit order: an operation queued after another is never committed before
it. If a batch fails, it is rolled back and each operation is retried alone, so one bad
operation fails only its own future. An operation whose type has `run_together(conn, ops)`
(sqlite.py's appends) is run with the operations of its type queued right after it in one
call: fewer statements, so the thread lets go of the GIL (and waits to take it back from the
event loop) a few times per batch instead of a few times per operation.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import sqlite3
import threading
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

Operation = Callable[[sqlite3.Connection], Any]
_STOP = object()


class Commit(asyncio.Future[Any]):
    """A write's future, which cannot be cancelled: once handed to the writer a write is
    committed regardless, so a cancelled future would misreport it. A task cancelled while
    awaiting one gets its CancelledError once the write has settled, not before — so a caller
    may await it directly (one loop pass sooner than through `asyncio.shield`, which wakes a
    future that wakes the task) and still never lose track of a committed write.

    `on_settled(fn)` runs `fn` the moment the write settles, in the very callback that
    settles it, before any waiter wakes (a waiting task runs a loop pass later, and under load
    a loop pass is milliseconds): what must follow a commit at once — telling the room's
    connections — need not wait for that pass."""

    _hooks: list[Callable[[Commit], None]] | None = None

    def cancel(self, msg: Any = None) -> bool:
        return False

    def on_settled(self, fn: Callable[[Commit], None]) -> None:
        """Run `fn(self)` as soon as this write settles (now, if it has)."""
        if self.done():
            fn(self)
        else:
            self._hooks = [*(self._hooks or ()), fn]

    def set_result(self, result: Any) -> None:
        super().set_result(result)
        self._run_hooks()

    def set_exception(self, exception: type | BaseException) -> None:
        super().set_exception(exception)
        self._run_hooks()

    def _run_hooks(self) -> None:
        hooks, self._hooks = self._hooks, None
        for fn in hooks or ():
            try:
                fn(self)
            except Exception:  # one hook's bug must not keep the batch's other writes unsettled
                log.exception("a commit's hook failed")


class _Item:
    __slots__ = ("op", "loop", "future")

    def __init__(self, op: Operation, loop: asyncio.AbstractEventLoop, future: asyncio.Future[Any]) -> None:
        self.op, self.loop, self.future = op, loop, future


class GroupWriter:
    """A writer thread over `connection`; `submit(op)` returns a future resolved after COMMIT."""

    def __init__(self, connection: sqlite3.Connection, max_batch: int = 4096) -> None:
        self._conn = connection
        self._max_batch = max_batch
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="parley-store-writer", daemon=True)
        self._thread.start()
        self.batches = 0  # transactions committed (for the benchmark)
        self.operations = 0

    def submit(self, op: Operation) -> asyncio.Future[Any]:
        loop = asyncio.get_running_loop()
        future = Commit(loop=loop)
        self._queue.put(_Item(op, loop, future))
        return future

    def close(self) -> None:
        """Commit what is queued, then stop the thread."""
        if self._thread.is_alive():
            self._queue.put(_STOP)
            self._thread.join()

    # ------------------------------------------------------------ the thread

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is _STOP:
                return
            batch, stop = [first], False
            while len(batch) < self._max_batch:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is _STOP:
                    stop = True
                    break
                batch.append(item)
            self._commit(batch)
            if stop:
                return

    def _commit(self, batch: list[_Item]) -> None:
        try:
            results = self._transaction([item.op for item in batch])
        except Exception:
            log.warning("a batch of %d writes failed; retrying each alone", len(batch))
            for item in batch:
                self._commit_one(item)
            return
        self.batches += 1
        self.operations += len(batch)
        self._resolve([(item, result, None) for item, result in zip(batch, results)])

    def _commit_one(self, item: _Item) -> None:
        try:
            result = self._transaction([item.op])[0]
        except Exception as exc:  # this operation's own failure, told to its caller
            self._resolve([(item, None, exc)])
        else:
            self._resolve([(item, result, None)])

    def _transaction(self, ops: list[Operation]) -> list[Any]:
        conn = self._conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            results = _run(conn, ops)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return results

    @staticmethod
    def _resolve(outcomes: list[tuple[_Item, Any, BaseException | None]]) -> None:
        by_loop: dict[asyncio.AbstractEventLoop, list[tuple[_Item, Any, BaseException | None]]] = {}
        for outcome in outcomes:
            by_loop.setdefault(outcome[0].loop, []).append(outcome)
        for loop, group in by_loop.items():
            try:
                loop.call_soon_threadsafe(_settle, group)
            except RuntimeError:  # that loop is closed: nobody is waiting any more
                pass


def _run(conn: sqlite3.Connection, ops: list[Operation]) -> list[Any]:
    """Each operation's result, in order; runs of one type that can run together run so (None each)."""
    results: list[Any] = []
    at = 0
    while at < len(ops):
        together = getattr(type(ops[at]), "run_together", None)
        if together is None:
            results.append(ops[at](conn))
            at += 1
            continue
        end = at
        while end < len(ops) and type(ops[end]) is type(ops[at]):
            end += 1
        together(conn, ops[at:end])
        results += [None] * (end - at)
        at = end
    return results


def _settle(group: list[tuple[_Item, Any, BaseException | None]]) -> None:
    for item, result, error in group:
        future = item.future
        if future.done():
            continue
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)
