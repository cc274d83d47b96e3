"""What the benchmark parts report: one row per figure, with its target, and the table they make."""

from __future__ import annotations

import sys
from dataclasses import dataclass


@dataclass
class Row:
    figure: str
    measured: str
    target: str
    met: bool | None  # None: not measured


def table(rows: list[Row]) -> str:
    head = ("Figure", "Measured", "Target", "Met")
    cells = [head] + [(r.figure, r.measured, r.target, "n/a" if r.met is None else "met" if r.met else "NOT MET")
                      for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(4)]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(row, widths)) + " |" for row in cells]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
