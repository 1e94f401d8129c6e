"""Figures of the bundled data, written so that a refactor can be checked against them.

``python tests/golden/snapshot.py OUT_DIR`` writes, for a copy of the bundled districts: the
processed tables (``data/processed/*.csv``), every frame a district report and the comparison
compute (simulated progress, fixed as-of dates), one CSV each. ``tests/test_golden.py`` runs the
same function and compares with the copy stored beside this file (made before the refactor of
issue 11).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

import pandas as pd

AS_OF = ("2020-10-15", "2020-12-31", "2021-12-31")
ROOT = Path(__file__).resolve().parents[2]


def _frames(report_obj, names: list[str]) -> dict[str, pd.DataFrame]:
    out = {}
    for name in names:
        value = getattr(report_obj, name)
        if isinstance(value, dict):
            for key, frame in value.items():
                out[f"{name}-{key}"] = frame
        else:
            out[name] = value
    return out


DISTRICT_FRAMES = [
    "workload",
    "workload_by_source",
    "units",
    "mix",
    "concentration",
    "measurability",
    "status",
    "rates",
    "lights",
    "red",
    "trend",
]
COMPARE_FRAMES = ["indicators", "workload", "mix", "lights", "rates", "trend"]


def write_snapshot(raw_dir: Path, out: Path) -> list[Path]:
    """Write every figure of the districts in ``raw_dir`` into ``out`` as CSV files."""
    from taskstats import report
    from taskstats.datasets import write_processed as ingest

    out.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        processed = Path(tmp) / "processed"
        ingest(raw_dir=raw_dir, out_dir=processed)
        for f in sorted(processed.glob("*.csv")):
            target = out / f"processed-{f.name}"
            shutil.copyfile(f, target)
            written.append(target)
        store = Path(tmp) / "store"
        districts = sorted(p.name for p in raw_dir.iterdir() if (p / "manifest.toml").exists())
        for day in AS_OF:
            for d in districts:
                r = report.prepare_district(
                    d, as_of=day, progress="demo", raw_dir=raw_dir, store_dir=store
                )
                for name, frame in _frames(r, DISTRICT_FRAMES).items():
                    written.append(_write(frame, out / f"{d}-{day}-{name}.csv"))
            c = report.prepare_comparison(
                districts, as_of=day, progress="demo", raw_dir=raw_dir, store_dir=store
            )
            for name, frame in _frames(c, COMPARE_FRAMES).items():
                written.append(_write(frame, out / f"compare-{day}-{name}.csv"))
    return written


def _write(frame: pd.DataFrame, target: Path) -> Path:
    frame = frame.reset_index(drop=True)
    for col in frame.columns:
        if pd.api.types.is_float_dtype(frame[col]):
            frame[col] = frame[col].round(9)
    frame.to_csv(target, index=False, encoding="utf-8", lineterminator="\n")
    return target


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "figures"
    raw = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "data" / "raw"
    paths = write_snapshot(raw, target)
    print(f"{len(paths)} files in {target}")
