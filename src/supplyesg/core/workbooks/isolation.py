"""Run the parsing of an untrusted file in a child process with memory and CPU limits. Plain Python.

A native reader can abort the whole process on a hostile file (calamine reserving 100 GB for a lying
count), and no Python exception can catch that. So readers of uploaded workbooks run in a child process
started from a small "forkserver" (once per serving process, readers preloaded): never a fork of the
threaded server itself. ``call`` keeps one reading child per serving process and reuses it (warm caches,
no start-up per file); it limits its address space (RLIMIT_AS) and the CPU time of each call
(RLIMIT_CPU), and the parent waits with a wall-clock timeout. A crash, a limit hit or a timeout kills
that child only, comes back as ``UnsafeFile`` with a short reason, and the next call starts a new one.
``measure`` runs one call in a fresh child and reports its peak memory (benchmarks, the fuzz run).
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import signal
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

MB = 1024 * 1024
# Imported once by the forkserver so each child starts warm. Names, not imports: a missing one is skipped.
PRELOAD = [
    "__main__",  # a script using this must guard its entry point with if __name__ == "__main__"
    "python_calamine",
    "openpyxl",
    "supplyesg.core.workbooks.grids",
    "supplyesg.minerals.cmrt.reader",
]


@dataclass(frozen=True)
class ChildLimits:
    """``memory_mb`` is address space above what the child holds when it starts (interpreter, readers)."""

    memory_mb: int = 512
    cpu_seconds: int = 30
    timeout_seconds: int = 60


DEFAULT_CHILD_LIMITS = ChildLimits()


class UnsafeFile(Exception):
    """The child could not read the file within its limits; ``reason`` says how it ended."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Measured:
    value: Any
    peak_rss_bytes: int  # the child's peak resident memory (interpreter included)
    start_rss_bytes: int  # its resident memory before reading


_lock = threading.Lock()
_context: multiprocessing.context.BaseContext | None = None


def _get_context():
    global _context
    with _lock:
        if _context is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(PRELOAD)
            _context = context
        return _context


def _rss_bytes() -> int:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _vm_bytes() -> int:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _cpu_seconds_used() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _run_one(conn, task: tuple, start_rss: int, memory_mb: int) -> None:
    fn, args, kwargs, cpu_seconds = task
    soft = int(_cpu_seconds_used()) + cpu_seconds
    resource.setrlimit(resource.RLIMIT_CPU, (soft, resource.getrlimit(resource.RLIMIT_CPU)[1]))
    try:
        value = fn(*args, **kwargs)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        conn.send(("ok", Measured(value, peak, start_rss)))
    except MemoryError:
        conn.send(("failed", f"more than {memory_mb} MB of memory needed"))
    except BaseException as exc:  # noqa: BLE001 - everything is reported to the parent, nothing escapes
        detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        conn.send(("failed", detail[:300]))


def _serve(conn, memory_mb: int, once: bool) -> None:
    """The child: limit the address space, then run tasks from the pipe until it closes."""
    start_rss = _rss_bytes()
    ceiling = _vm_bytes() + memory_mb * MB
    resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        _run_one(conn, task, start_rss, memory_mb)
        if once:
            return


class _Child:
    def __init__(self, memory_mb: int, *, once: bool = False):
        context = _get_context()
        self.conn, child_end = context.Pipe()
        self.process = context.Process(target=_serve, args=(child_end, memory_mb, once), daemon=True)
        self.process.start()
        child_end.close()
        self.owner = os.getpid()
        self.calls = 0

    def run(self, fn, args, kwargs, limits: ChildLimits) -> Measured:
        self.calls += 1
        message = None
        try:
            self.conn.send((fn, args, kwargs, limits.cpu_seconds))
            if self.conn.poll(limits.timeout_seconds):
                message = self.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            message = None
        if message is None:
            self.stop(grace=5)
            raise UnsafeFile(_ended(self.process.exitcode, limits))
        status, payload = message
        if status != "ok":
            self.stop(grace=0)  # after a MemoryError its state is not to be trusted
            raise UnsafeFile(payload)
        return payload

    def stop(self, grace: float = 0) -> None:
        self.conn.close()
        self.process.join(grace)  # a crashed child may still be exiting when its pipe closes
        if self.process.is_alive():
            self.process.kill()
            self.process.join(10)


_children: dict[int, _Child] = {}
_children_lock = threading.Lock()
RECYCLE_AFTER = 500  # calls; bounds slow growth of the reading child's heap


def _ended(exitcode: int | None, limits: ChildLimits) -> str:
    if exitcode is None:
        return f"reading took longer than {limits.timeout_seconds} seconds"
    if exitcode < 0:
        number = -exitcode
        if number == signal.SIGXCPU:
            return f"reading needed more than {limits.cpu_seconds} seconds of CPU"
        if number in (signal.SIGABRT, signal.SIGSEGV, signal.SIGBUS, signal.SIGKILL):
            name = signal.Signals(number).name
            return f"the reader crashed ({name}), most likely on a memory limit of {limits.memory_mb} MB"
        return f"the reader was stopped by signal {number}"
    return f"the reader exited with status {exitcode}"


def measure(fn: Callable[..., Any], *args: Any, limits: ChildLimits = DEFAULT_CHILD_LIMITS, **kwargs: Any) -> Measured:
    """``fn(*args, **kwargs)`` in a fresh limited child; its peak memory is this call's alone."""
    child = _Child(limits.memory_mb, once=True)
    try:
        return child.run(fn, args, kwargs, limits)
    finally:
        child.stop(grace=5)


def call(fn: Callable[..., Any], *args: Any, limits: ChildLimits = DEFAULT_CHILD_LIMITS, **kwargs: Any) -> Any:
    """``fn(*args, **kwargs)`` in this process's reading child. ``fn`` and its arguments must be picklable."""
    with _children_lock:
        child = _children.get(limits.memory_mb)
        if child is None or child.owner != os.getpid() or not child.process.is_alive() or child.calls >= RECYCLE_AFTER:
            if child is not None and child.owner == os.getpid():
                child.stop()
            child = _children[limits.memory_mb] = _Child(limits.memory_mb)
        try:
            return child.run(fn, args, kwargs, limits).value
        except UnsafeFile:
            _children.pop(limits.memory_mb, None)
            raise
