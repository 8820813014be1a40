"""CPU time spent by the emulator process, its Lambda workers and this process (the load generator), from /proc.

Wall-clock rates depend on whatever else the machine runs; CPU time per operation does not (much), so the
figures under load (bench.sagas, bench.express) come with it, and ``python -m bench`` reports the share of the
machine's CPU other processes took during the run. Workers are the emulator's child processes; a worker that
exited during the measurement (a timeout kill, a pool replaced) takes its CPU time with it, which none of the
benchmarks do. A helper, not run by itself.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class CpuSeconds:
    emulator: float
    workers: float
    client: float

    def __sub__(self, other: CpuSeconds) -> CpuSeconds:
        return CpuSeconds(self.emulator - other.emulator, self.workers - other.workers, self.client - other.client)

    @property
    def total(self) -> float:
        return self.emulator + self.workers + self.client

    def per(self, count: int) -> dict[str, float]:
        """Milliseconds of CPU per operation, by process group."""
        count = max(count, 1)
        return {
            "emulator_ms": self.emulator / count * 1000,
            "workers_ms": self.workers / count * 1000,
            "client_ms": self.client / count * 1000,
            "total_ms": self.total / count * 1000,
        }


def cpu_now(emulator_pid: int) -> CpuSeconds:
    emulator = workers = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process exited while we looked
            continue
        pid, parent = int(stat.parent.name), int(fields[1])
        seconds = (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS  # utime + stime
        if pid == emulator_pid:
            emulator += seconds
        elif parent == emulator_pid:
            workers += seconds
    times = os.times()
    return CpuSeconds(emulator, workers, times.user + times.system)


def system_busy_seconds() -> float:
    """CPU time the whole machine spent busy (all CPUs), from /proc/stat."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(value) for value in fields[:8])
    return (user + nice + system + irq + softirq + steal) / _CLOCK_TICKS


def run_tree_seconds(emulator_pid: int) -> float:
    """CPU time of this run's own processes: this process and its finished children (importtime, the direct
    chain), the emulator and every worker it started, finished (reaped by the emulator) or alive."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, parent = int(stat.parent.name), int(fields[1])
        if pid == emulator_pid:
            total += sum(int(value) for value in fields[11:15]) / _CLOCK_TICKS  # utime stime cutime cstime
        elif parent == emulator_pid:
            total += (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS
    times = os.times()
    return total + times.user + times.system + times.children_user + times.children_system
