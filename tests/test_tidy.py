"""Manifests: a new district is a raw file plus a manifest, and mistakes in it are named."""

from __future__ import annotations

import shutil

import pytest
from conftest import GULOU, RAW

import taskstats
from taskstats.manifest import read_manifest


def _district(tmp_path, body: str, raw: bool = True):
    folder = tmp_path / "raw" / "new-district"
    folder.mkdir(parents=True)
    if raw:
        shutil.copy(GULOU, folder / "table.txt")
    (folder / "manifest.toml").write_text(body, encoding="utf-8")
    return folder


BASE = 'slug = "new-district"\nname = "新区"\nraw_file = "table.txt"\n'


def test_bundled_manifests():
    manifests = taskstats.discover_manifests(RAW)
    assert [m.slug for m in manifests] == [
        "dalian-hightech",
        "nanjing-gulou",
        "qingdao-westcoast",
        "quanzhou-licheng",
    ]
    dalian = manifests[0]
    assert dalian.year == 2020 and manifests[1].year is None
    assert [d.name for d in dalian.documents] == ["001_7904b49d57e0b06b.txt"]
    assert dalian.schedule["dates"] == ["2020-06-30", "2020-09-30", "2020-12-31"]


def test_new_district_needs_no_code(tmp_path):
    body = BASE + (
        'default_source = "city"\n[unit_aliases]\n"区发改委" = "区发展和改革委员会"\n'
        '[section_defaults."二、关于扩大有效投入，夯实经济增长新支撑"]\nsource = "province"\n'
    )
    _district(tmp_path, body)
    t = taskstats.load(raw_dir=tmp_path / "raw")
    assert len(t.tasks) == 72
    assert t.tasks["source"].value_counts().to_dict() == {"city": 58, "province": 14}
    assert "区发展和改革委员会" in set(t.task_units["unit"])
    assert "区发改委" not in set(t.task_units["unit"])


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            BASE.replace('raw_file = "table.txt"', 'raw_file = "missing.txt"'),
            "raw_file 'missing.txt' does not exist",
        ),
        (BASE + 'layout = "pptx"\n', "unknown layout 'pptx'"),
        (BASE + 'colour = "red"\n', "unknown key(s) colour"),
        (BASE + "year = 20\n", "year 20 must be a whole year"),
        (BASE.replace('slug = "new-district"', 'slug = "New District"'), "slug 'New District'"),
        (BASE + 'default_source = "county"\n', "unknown default_source 'county'"),
        ("slug = [\n", "not valid TOML"),
    ],
)
def test_manifest_mistakes_are_named(tmp_path, body, message):
    folder = _district(tmp_path, body)
    with pytest.raises(taskstats.ManifestError, match=r"manifest\.toml: ") as err:
        read_manifest(folder)
    assert message in str(err.value)
