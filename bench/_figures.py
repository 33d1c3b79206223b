"""Key figures of a benchmark, machine-readable for ``bench/run_all.py``.

A benchmark calls ``emit(benchmark, figure, value, unit)`` for each figure worth keeping.
When ``BENCH_FIGURES`` names a file (``run_all.py`` sets it), each call appends one JSON
line to it; a benchmark run on its own writes nothing more than its usual output.
``quick()`` tells a benchmark to take its smaller sizes (``BENCH_QUICK=1``).
"""

from __future__ import annotations

import json
import os


def emit(benchmark: str, figure: str, value: float | int | str, unit: str = "") -> None:
    path = os.environ.get("BENCH_FIGURES")
    if not path:
        return
    if isinstance(value, float):
        value = round(value, 3)
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(json.dumps({"benchmark": benchmark, "figure": figure, "value": value, "unit": unit}) + "\n")


def quick() -> bool:
    return os.environ.get("BENCH_QUICK", "") not in ("", "0")
