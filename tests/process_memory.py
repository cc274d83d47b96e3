"""The memory Chromium's renderers use, read from /proc (Linux): the page and its workers run in
renderer processes, so their resident size is what reading a log costs. Only the descendants of
this process count (the Chromium that Playwright started from here), not other browsers on the
machine. Shared by the tests and the benchmark."""

from __future__ import annotations

import os
import threading
from pathlib import Path


def _children() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    return children


def renderer_rss(root: int | None = None) -> dict[int, int]:
    """Bytes resident in each renderer process descended from root (default: this process)."""
    children = _children()
    todo, sizes = [root or os.getpid()], {}
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, []))
        try:
            if b"--type=renderer" not in Path(f"/proc/{pid}/cmdline").read_bytes():
                continue
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        sizes[pid] = next((int(line.split()[1]) * 1024 for line in status.splitlines() if line.startswith("VmRSS:")), 0)
    return sizes


class PeakRss:
    """How much one renderer process grew at most while the block ran (the page and its worker
    share one), sampled every `every` seconds: other pages' processes coming and going do not count."""

    def __init__(self, every: float = 0.05):
        self.every = every
        self.baseline: dict[int, int] = {}
        self.peak: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        for pid, size in renderer_rss().items():
            self.peak[pid] = max(self.peak.get(pid, 0), size)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(self.every)

    def __enter__(self) -> "PeakRss":
        self.baseline = renderer_rss()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()

    @property
    def growth(self) -> int:
        return max((peak - self.baseline.get(pid, 0) for pid, peak in self.peak.items()), default=0)
