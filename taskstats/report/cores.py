"""How many cores a report may use: the process's affinity, a container's CPU quota, and a
batch's share (given to the kernels it starts as :data:`CORES_ENV`)."""

from __future__ import annotations

import os
from pathlib import Path

# The cores a report's kernel may use; a batch running several reports at once gives each its
# share, so a kernel with one does not draw its charts ahead (report/drawing.py).
CORES_ENV = "TASKSTATS_CORES"
# A container's or a service's CPU quota (cgroup v2): a machine may show more cores than it
# lets a process use. The quota may sit on this process's cgroup or on any above it.
CGROUP_ROOT = Path("/sys/fs/cgroup")
SELF_CGROUP = Path("/proc/self/cgroup")


def usable_cores() -> int:
    """The cores this process may run on: its affinity where the system says (else all), no
    more than a container's CPU quota allows (cgroup v2 ``cpu.max``, rounded up)."""
    if hasattr(os, "sched_getaffinity"):
        cores = len(os.sched_getaffinity(0))
    else:
        cores = os.cpu_count() or 1
    quota = cgroup_quota()
    return min(cores, quota) if quota else cores  # a quota is at least one core


def cgroup_quota() -> int | None:
    """The smallest CPU quota (in cores, rounded up) on the way from this process's cgroup v2
    (``0::/…`` in :data:`SELF_CGROUP`) up to :data:`CGROUP_ROOT`, or None: no quota there."""
    try:
        lines = SELF_CGROUP.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        lines = []
    own = next((line[3:] for line in lines if line.startswith("0::")), "/")
    here = (CGROUP_ROOT / own.lstrip("/")).resolve()
    root = CGROUP_ROOT.resolve()
    quotas = []
    for folder in (here, *here.parents):
        if not folder.is_relative_to(root):
            break
        quota = cpu_quota(folder / "cpu.max")
        if quota:
            quotas.append(quota)
    return min(quotas) if quotas else None


def cpu_quota(cgroup: Path) -> int | None:
    """The cores one cgroup v2 ``cpu.max`` file allows ("200000 100000" is 2; "150000 100000"
    is 2, rounded up), or None: no quota ("max ..."), no such file, or a line not understood."""
    try:
        fields = cgroup.read_text(encoding="ascii").split()
    except (OSError, UnicodeDecodeError):
        return None
    if len(fields) != 2 or not all(f.isdigit() for f in fields) or int(fields[1]) == 0:
        return None
    quota, period = int(fields[0]), int(fields[1])
    return max(1, -(-quota // period))


def cores_for(workers: int) -> int:
    """Each worker's share of the cores when a batch runs ``workers`` reports at once (given
    to its kernels as :data:`CORES_ENV`): at least one."""
    return max(1, usable_cores() // max(1, workers))


def kernel_cores() -> int:
    """The cores a report's kernel may use: :data:`CORES_ENV` when set (a batch running
    several reports at once gives each its share), else those this process may run on."""
    given = os.environ.get(CORES_ENV, "").strip()
    if given.isdigit():
        return int(given)
    return usable_cores()
