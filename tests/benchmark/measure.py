"""Run one benchmark command as a whole process: its wall time, CPU time and peak memory."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Sample:
    """One timed process."""

    seconds: float
    peak_mib: float
    cpu_seconds: float = 0.0  # user + system time of the process tree (threads included)


def _tree_pss_kib(root: int) -> int:
    """Return the proportional memory (PSS) of `root` and all its descendants, in KiB.

    PSS shares each page among the processes that map it, so forked workers are not
    counted twice for the memory they share with their parent (RSS would).
    """
    parents: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        parents[int(entry.name)] = int(stat[stat.rindex(b")") + 2 :].split()[1])
    family, changed = {root}, True
    while changed:
        changed = False
        for pid, parent in parents.items():
            if parent in family and pid not in family:
                family.add(pid)
                changed = True
    total = 0
    for pid in family:
        try:
            with open(f"/proc/{pid}/smaps_rollup", "rb") as fh:
                for line in fh:
                    if line.startswith(b"Pss:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            continue
    return total


def measure(cmd: list[str], cwd: Path, env: dict[str, str], log: Path) -> Sample:
    """Run `cmd` to completion; return its wall time, the peak memory of its process tree and
    the CPU time of the tree (wait4 counts the children the process waited for)."""
    with log.open("wb") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        peak = [0]
        done = threading.Event()

        def sample() -> None:  # the whole tree's memory includes worker processes
            while not done.wait(0.05):
                with contextlib.suppress(OSError, ValueError):
                    peak[0] = max(peak[0], _tree_pss_kib(proc.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(
            f"benchmark build failed ({' '.join(cmd)}), see {log}:\n"
            + log.read_text(errors="replace")[-3000:]
        )
    cpu = usage.ru_utime + usage.ru_stime
    return Sample(seconds, max(usage.ru_maxrss, peak[0]) / 1024, cpu)
