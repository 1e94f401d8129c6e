"""The refactor of issue 11 changed no figure: processed tables and every report frame of the
bundled data equal those stored in ``tests/golden/figures`` (made by the code before it)."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import RAW

sys.path.insert(0, str(Path(__file__).parent / "golden"))
import snapshot

GOLDEN = Path(__file__).parent / "golden" / "figures"
# Columns added since the golden figures were made, each by a feature: nothing else may differ.
ADDED = {"processed-tasks.csv": ["due_date", "ongoing"]}  # issue 15: deadlines read
# Frames a report now lists in the order of their chart (lowest completion first, issue 14):
# the same rows and figures, in another order.
REORDERED = ("-rates-leader.csv", "-rates-unit.csv", "-rates-source.csv", "-rates-section.csv")


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    out = tmp_path_factory.mktemp("figures")
    snapshot.write_snapshot(RAW, out)
    return out


def test_the_same_files_are_written(fresh):
    assert sorted(p.name for p in fresh.iterdir()) == sorted(p.name for p in GOLDEN.iterdir())
    assert len(list(GOLDEN.iterdir())) == 202


@pytest.mark.parametrize("name", sorted(p.name for p in GOLDEN.iterdir()))
def test_every_figure_is_unchanged(fresh, name):
    if name.endswith(REORDERED):
        old = pd.read_csv(GOLDEN / name, dtype=str, keep_default_na=False)
        new = pd.read_csv(fresh / name, dtype=str, keep_default_na=False)
        key = list(old.columns)
        pd.testing.assert_frame_equal(
            new.sort_values(key, ignore_index=True), old.sort_values(key, ignore_index=True)
        )
        return
    if name not in ADDED:
        assert (fresh / name).read_text(encoding="utf-8") == (GOLDEN / name).read_text(
            encoding="utf-8"
        )
        return
    old = pd.read_csv(GOLDEN / name, dtype=str, keep_default_na=False)
    new = pd.read_csv(fresh / name, dtype=str, keep_default_na=False)
    assert [c for c in new.columns if c not in old.columns] == ADDED[name]
    pd.testing.assert_frame_equal(new[old.columns], old)
