"""The project's own files: dependencies agree, the CLI answers, the README's commands exist."""

from __future__ import annotations

import json
import re
import tomllib

from click.testing import CliRunner
from conftest import DALIAN

import taskstats
from taskstats import config
from taskstats.cli import main

ROOT = config.PROJ_ROOT


def _env_dependencies() -> dict[str, str]:
    """Conda dependencies and the pip section's packages (not the editable install)."""
    deps: dict[str, str] = {}
    in_deps = False
    for line in (ROOT / "environment.yml").read_text(encoding="utf-8").splitlines():
        if line.startswith("dependencies:"):
            in_deps = True
            continue
        match = re.match(r"^ {2}(?: {4})?- ([A-Za-z0-9_.-]+)\s*([<>=!~].*)?$", line)
        if in_deps and match:
            deps[match.group(1).lower()] = (match.group(2) or "").strip()
    return deps


def _pyproject_dependencies() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    deps: dict[str, str] = {}
    extras = [spec for group in project["optional-dependencies"].values() for spec in group]
    for spec in project["dependencies"] + extras:
        match = re.match(r"^([A-Za-z0-9_.-]+)\s*(.*)$", spec)
        deps[match.group(1).lower()] = match.group(2).strip()
    return deps


def test_environment_yml_agrees_with_pyproject():
    env = _env_dependencies()
    assert env.pop("python") == "=3.11"
    assert env.pop("pip") == ""
    assert env == _pyproject_dependencies()
    assert (ROOT / "environment.yml").read_text(encoding="utf-8").endswith("      - -e .\n")


def test_readme_opens_with_the_two_commands_ci_runs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```(?:sh|bash)\n(.*?)```", readme, re.S)
    assert blocks[0].strip() == "make all"
    assert blocks[1].strip() == "make test"
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_public_api_is_small_and_listed():
    names = taskstats.__all__
    assert len(names) == len(set(names))
    assert len(names) <= 60, len(names)  # one import and a handful of names, not the whole package
    for name in (
        "load",
        "read_table",
        "read_commitments",
        "link_commitments",
        "due_next_period",
        "period_changes",
        "reporting_changes",
    ):
        assert name in names, name
    objects = {}
    for name in names:
        assert hasattr(taskstats, name), name
        obj = getattr(taskstats, name)
        if callable(obj):
            assert id(obj) not in objects, f"{name} is also {objects.get(id(obj))}"
            objects[id(obj)] = name


def test_notebooks_use_only_public_names():
    used = set()
    for nb in (config.PROJ_ROOT / "notebooks").glob("*.ipynb"):
        for cell in json.loads(nb.read_text(encoding="utf-8"))["cells"]:
            used |= set(re.findall(r"\btaskstats\.(\w+)", "".join(cell["source"])))
    subpackages = {"report", "measures", "progress", "tidy", "readers", "io"}
    assert used, "the notebooks call taskstats"
    assert used <= set(taskstats.__all__) | subpackages, used - set(taskstats.__all__)


def test_cli_version_and_help():
    runner = CliRunner()
    assert (
        runner.invoke(main, ["--version"]).output.strip()
        == f"taskstats, version {taskstats.__version__}"
    )
    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0 and "ingest" in result.output and "inspect" in result.output


def test_cli_inspect_reports_layout_and_anomalies():
    result = CliRunner().invoke(main, ["inspect", str(DALIAN)])
    assert result.exit_code == 0, result.output
    assert "版式：每格一行的文本" in result.output
    assert "任务数：168" in result.output
    assert "[警告] 第179行，任务21：任务内容缺失" in result.output


def test_cli_error_is_one_line_and_exit_2(tmp_path):
    bad = tmp_path / "notes.txt"
    bad.write_text("只是一段话。\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["inspect", str(bad)])
    assert result.exit_code == 2
    assert result.output.startswith(f"错误：{bad}: no table layout recognised")
    assert "Traceback" not in result.output


def test_cli_ingest_to_a_folder(tmp_path):
    result = CliRunner().invoke(main, ["ingest", "nanjing-gulou", "--out-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "南京市鼓楼区" in result.output and "共72项任务" in result.output
    assert (tmp_path / "tasks.csv").exists()


def test_cli_compare_and_workload():
    runner = CliRunner()
    result = runner.invoke(main, ["compare", "--csv"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].startswith("district,tasks,named_leaders")
    assert len(result.output.strip().splitlines()) == 5
    result = runner.invoke(main, ["workload", "qingdao-westcoast", "--top", "1", "--csv"])
    assert result.output.splitlines()[1].startswith("qingdao-westcoast,隋斌,42,")


def test_cli_charts_and_report_arguments(tmp_path):
    runner = CliRunner()
    result = runner.invoke(
        main,
        [
            "charts",
            "nanjing-gulou",
            "--out",
            str(tmp_path),
            "--progress",
            "demo",
            "--as-of",
            "2021-07-15",
        ],
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "nanjing-gulou_trend.png").exists()
    assert result.output.count("已写出：") == 17
    result = runner.invoke(main, ["report"])
    assert result.exit_code == 2 and "name one or more districts, or use --all" in result.output


def test_the_benchmark_data_has_the_tidy_schema():
    """`make bench` builds its synthetic tables column by column: they follow the schema."""
    import sys

    sys.path.insert(0, str(ROOT / "benchmarks"))
    import synthetic

    from taskstats.tidy import TASK_COLUMNS

    t = synthetic.tables(2, tasks=10)
    assert list(t.tasks.columns) == TASK_COLUMNS and len(t.tasks) == 20
    assert t.tasks["due_date"].eq("").all() and not t.tasks["ongoing"].any()
