"""A plausible, simulated progress history, marked simulated wherever it goes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from taskstats import config
from taskstats.io.files import remove_stale_temps
from taskstats.io.locking import exclusive
from taskstats.measures.nodes import task_nodes
from taskstats.progress.ledger import DEMO_FILE, empty_ledger, typed_ledger, write_ledger
from taskstats.tidy import TaskTables
from taskstats.tidy.schema import LEDGER_COLUMNS, STATUSES


def demo_ledger(
    tables: TaskTables,
    schedules: dict[str, Sequence[dt.date]],
    *,
    seed: int = 2020,
) -> pd.DataFrame:
    """A plausible, simulated progress history for each district, marked ``simulated``.

    Each task gets a steady pace drawn at random; at each milestone its unit reports a few
    days after the node (已完成 most often, 序时推进, 滞后 or 未启动 otherwise), and some nodes
    get an earlier report that a later one supersedes. Deterministic for a given seed.
    """
    rng = np.random.default_rng(seed)
    frames = []
    import_id = 0
    labels = np.array(list(STATUSES))
    for district in sorted(schedules):
        dates = sorted(schedules[district])
        tasks = tables.tasks.loc[tables.tasks["district"] == district, "task_id"].to_numpy()
        n, k = len(tasks), len(dates)
        if not n:
            continue
        pace = rng.beta(6, 2, size=n)
        # Done more often as the year goes on; otherwise on track, behind or not started.
        p_done = np.minimum(0.97, pace[:, None] * (0.75 + 0.25 * np.arange(1, k + 1) / k))
        draw = rng.random((n, k))
        rest = (draw - p_done) / (1 - p_done)
        status = np.where(draw < p_done, 0, np.where(rest < 0.5, 1, np.where(rest < 0.85, 2, 3)))
        early = rng.random((n, k)) < 0.15  # an early report, superseded by the one at the node
        late = (status != 0) & (rng.random((n, k)) < 0.35)  # finished after the node
        offsets = {
            "early": rng.integers(10, 20, (n, k)),
            "final": rng.integers(0, 5, (n, k)),
            "late": rng.integers(10, 25, (n, k)),
        }
        day = np.array([np.datetime64(d) for d in dates])[None, :].repeat(n, axis=0)
        task = tasks[:, None].repeat(k, axis=1)
        ids = import_id + 1 + np.arange(k)[None, :].repeat(n, axis=0)
        import_id += k
        parts = [
            (early, day - offsets["early"], np.full((n, k), "序时推进"), 1),
            (np.ones((n, k), bool), day - offsets["final"], labels[status], 2),
            (late, day + offsets["late"], np.full((n, k), "已完成"), 3),
        ]
        for mask, reported, what, row in parts:
            reported_on = reported[mask].astype("datetime64[D]").astype(str)
            frames.append(
                pd.DataFrame(
                    {
                        "import_id": ids[mask],
                        "imported_at": np.char.add(reported_on, "T09:00:00"),
                        "file": "simulated",
                        "file_sha256": np.char.add(
                            f"simulated-{district}-", day[mask].astype("datetime64[D]").astype(str)
                        ),
                        "sheet": "模拟数据",
                        "row": row,
                        "district": district,
                        "task_id": task[mask],
                        "milestone": day[mask].astype("datetime64[D]").astype(str),
                        "status": what[mask],
                        "standard": "",
                        "progress": "（模拟数据）",
                        "evidence": "",
                        "contact": "",
                        "reported_on": reported_on,
                        "simulated": True,
                        "unit": "",
                    }
                )
            )
    if not frames:
        return empty_ledger()
    ledger = pd.concat(frames, ignore_index=True)
    ledger = pd.concat(
        [ledger, _own_deadline_reports(tables, schedules, ledger)], ignore_index=True
    )
    ledger = ledger.sort_values(["import_id", "task_id", "row"], kind="stable", ignore_index=True)
    return typed_ledger(ledger[LEDGER_COLUMNS].astype(str))


def _own_deadline_reports(
    tables: TaskTables, schedules: dict[str, Sequence[dt.date]], ledger: pd.DataFrame
) -> pd.DataFrame:
    """A simulated report at each task's own deadline that is not a scheduled milestone: the
    status its unit reports at the next milestone (or the last), two days before the deadline."""
    nodes = task_nodes(tables.tasks, schedules)
    own = nodes[~nodes["scheduled"]].sort_values("row", kind="stable")
    if own.empty:
        return ledger.iloc[:0]
    rows = []
    final = ledger[ledger["row"] == 2].set_index(["district", "task_id", "milestone"])["status"]
    next_id = int(ledger["import_id"].max()) + 1 if len(ledger) else 1
    for district, task_id, due in own[["district", "task_id", "milestone"]].itertuples(index=False):
        dates = sorted(d.isoformat() for d in schedules[district])
        then = next((d for d in dates if d >= due), dates[-1])
        reported = (dt.date.fromisoformat(due) - dt.timedelta(days=2)).isoformat()
        rows.append(
            {
                **ledger.iloc[0].to_dict(),
                "import_id": next_id,
                "imported_at": f"{reported}T09:00:00",
                "file_sha256": f"simulated-{district}-{due}",
                "row": 2,
                "district": district,
                "task_id": task_id,
                "milestone": due,
                "status": final.get((district, task_id, then), "序时推进"),
                "reported_on": reported,
            }
        )
    return pd.DataFrame(rows, columns=ledger.columns)


def write_demo_ledger(ledger: pd.DataFrame, store_dir: str | Path | None = None) -> Path:
    """Write a simulated ledger beside the real one (``demo_ledger.csv``), atomically."""
    store = Path(store_dir or config.processed_data_dir() / "progress")
    with exclusive(store):
        remove_stale_temps(store)
        target = store / DEMO_FILE
        write_ledger(ledger, target)
    return target
