"""Run every benchmark, one after the other, and gather their key figures in one table.

    .venv/bin/python bench/run_all.py                 # all of them (``make bench``)
    .venv/bin/python bench/run_all.py stock load      # some of them
    BENCH_QUICK=1 .venv/bin/python bench/run_all.py   # smaller sizes, for a quick look

Each benchmark prints its own report as it runs, and records its key figures through
``bench/_figures.py`` in a file this runner names (``BENCH_FIGURES``). At the end the
runner prints one Markdown table (benchmark | figure | value | unit) under a header naming
the date, the machine and the commit, and writes it to ``bench/figures.md`` when every
benchmark ran (``--output FILE`` writes it elsewhere, partial runs included). A benchmark
that fails is reported, the others still run, and the exit status is then 1.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
SCRIPTS = ["stock", "pricing", "checkout", "events", "load"]
# Run only when named (``run_all.py scale``, ``make bench-scale``): its build takes longer than the rest.
OPT_IN = ["scale"]
TIMEOUT = 20 * 60


def machine() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kilobytes = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kilobytes / 1024 / 1024:.0f} GB RAM"
    except (OSError, ValueError, IndexError):
        pass
    return f"{os.cpu_count()} cores{f' ({model})' if model else ''}{memory}, {platform.system()} {platform.release()}"


def commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def formatted(value) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def table(figures: list[dict], runs: list[tuple[str, int, float]], quick: bool) -> str:
    when = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    lines = [
        "# Benchmark figures",
        "",
        f"Measured {when} on {machine()}, Python {platform.python_version()}, commit {commit()}"
        f"{', BENCH_QUICK=1 (smaller sizes)' if quick else ''}. Written by `make bench` (`bench/run_all.py`);"
        " each benchmark's docstring says what it measures. The machine was shared with other"
        " work: compare figures from the same machine only, and expect noise.",
        "",
        "| benchmark | figure | value | unit |",
        "|---|---|---:|---|",
    ]
    lines += [f"| {row['benchmark']} | {row['figure']} | {formatted(row['value'])} | {row['unit']} |"
              for row in figures]
    lines += ["", "| benchmark | status | run time |", "|---|---|---:|"]
    lines += [f"| {name} | {'ok' if code == 0 else f'FAILED (exit {code})'} | {seconds:.0f} s |"
              for name, code, seconds in runs]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("benchmarks", nargs="*", metavar="NAME",
                        help=f"among {', '.join(SCRIPTS + OPT_IN)} (default: all but {', '.join(OPT_IN)})")
    parser.add_argument("--output", type=Path, help="default: bench/figures.md when every benchmark runs")
    args = parser.parse_args()
    unknown = set(args.benchmarks) - set(SCRIPTS) - set(OPT_IN)
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    chosen = args.benchmarks or SCRIPTS
    quick = os.environ.get("BENCH_QUICK", "") not in ("", "0")
    handle, figures_path = tempfile.mkstemp(prefix="load_figures_", suffix=".jsonl")
    os.close(handle)
    runs: list[tuple[str, int, float]] = []
    try:
        for name in chosen:
            print(f"\n== bench/{name}.py", flush=True)
            started = time.monotonic()
            try:
                code = subprocess.run([sys.executable, str(BENCH / f"{name}.py")], cwd=ROOT, timeout=TIMEOUT,
                                      env={**os.environ, "BENCH_FIGURES": figures_path}, check=False).returncode
            except subprocess.TimeoutExpired:
                code = -1
            runs.append((name, code, time.monotonic() - started))
            if code != 0:
                print(f"!! bench/{name}.py exited with {code}", flush=True)
        with open(figures_path, encoding="utf-8") as lines:
            figures = [json.loads(line) for line in lines if line.strip()]
    finally:
        os.unlink(figures_path)
    text = table(figures, runs, quick)
    print("\n" + text)
    output = args.output or (BENCH / "figures.md" if chosen == SCRIPTS else None)
    if output is None:
        print("(some benchmarks only: bench/figures.md left as it was; --output FILE to write this table)")
    else:
        output.write_text(text, encoding="utf-8")
        print(f"written to {output.resolve().relative_to(ROOT) if output.resolve().is_relative_to(ROOT) else output}")
    return 0 if all(code == 0 for _name, code, _seconds in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
