"""No refactor changes a figure: processed tables and every report frame of the bundled data
equal those stored in ``tests/golden/figures``. Rewritten for the monthly supervision cycle
(issue 20); every figure that changed then, and why, is listed in ``tests/golden/CHANGES.md``."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from conftest import RAW

sys.path.insert(0, str(Path(__file__).parent / "golden"))
import snapshot

GOLDEN = Path(__file__).parent / "golden" / "figures"


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
    assert (fresh / name).read_text(encoding="utf-8") == (GOLDEN / name).read_text(encoding="utf-8")
