"""The house: folders along the data flow, small modules, names importable, no private reach."""

from __future__ import annotations

import ast
import importlib
import pkgutil

import taskstats
from taskstats import config

PACKAGE = config.PROJ_ROOT / "taskstats"
FLOW = ["io", "readers", "tidy", "measures", "progress", "report"]
TOP_LEVEL = {"cli", "config", "datasets", "errors", *FLOW}


def _modules() -> list[str]:
    return sorted(m.name for m in pkgutil.walk_packages(taskstats.__path__, "taskstats.") if m.name)


def test_no_module_is_over_500_lines():
    sizes = {
        str(p.relative_to(PACKAGE)): len(p.read_text(encoding="utf-8").splitlines())
        for p in PACKAGE.rglob("*.py")
    }
    assert max(sizes.values()) <= 500, {k: v for k, v in sizes.items() if v > 500}


def test_each_folder_says_what_it_owns():
    for folder in FLOW:
        init = importlib.import_module(f"taskstats.{folder}")
        assert init.__doc__ and len(init.__doc__.strip()) > 40, folder


def test_no_compatibility_module_is_left():
    top = {m.name for m in pkgutil.iter_modules(taskstats.__path__)}
    assert top == TOP_LEVEL, sorted(top ^ TOP_LEVEL)


def test_every_module_imports():
    for name in _modules():
        importlib.import_module(name)


def test_progress_measures_and_report_entry_points_are_public():
    for name in (
        "milestone_status",
        "completion_rates",
        "completion_trend",
        "traffic_lights",
        "red_list",
        "empty_ledger",
        "as_of_dates",
        "prepare_district",
        "prepare_comparison",
        "render_reports",
        "export_charts",
    ):
        assert name in taskstats.__all__ and callable(getattr(taskstats, name)), name
    assert len(taskstats.empty_ledger()) == 0


def private_reaches(source: str, module: str) -> list[str]:
    """Uses of another module's private name in ``source``: ``from x import _y`` and
    ``x._y`` where ``x`` is an imported taskstats module (``module`` is the file's own)."""
    tree = ast.parse(source)
    found, aliases = [], set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("taskstats"):
            for alias in node.names:
                if node.module != module and _private(alias.name):
                    found.append(f"from {node.module} import {alias.name}")
                if not alias.name.startswith("_"):
                    aliases.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("taskstats"):
                    aliases.add((alias.asname or alias.name).split(".")[0])
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _private(node.attr):
            root = node.value
            while isinstance(root, ast.Attribute):
                root = root.value
            if isinstance(root, ast.Name) and root.id in aliases:
                found.append(ast.unparse(node))
    return found


def _private(name: str) -> bool:
    namedtuple_api = {"_fields", "_asdict", "_replace", "_make"}
    return name.startswith("_") and not name.startswith("__") and name not in namedtuple_api


def test_the_private_name_scan_can_fail():
    bad = (
        "from taskstats.progress.ledger import _stamp\n"
        "import taskstats\n"
        "from taskstats import progress as pg\n"
        "taskstats.report._x()\n"
        "pg._iso('2020-01-01')\n"
        "self._fine = 1\n"
    )
    assert private_reaches(bad, "taskstats.other") == [
        "from taskstats.progress.ledger import _stamp",
        "taskstats.report._x",
        "pg._iso",
    ]


def test_no_caller_uses_another_modules_private_names():
    roots = [PACKAGE, config.PROJ_ROOT / "tests", config.PROJ_ROOT / "benchmarks"]
    offences = {}
    for root in roots:
        for path in root.rglob("*.py"):
            rel = path.relative_to(config.PROJ_ROOT).with_suffix("")
            module = ".".join(rel.parts).removesuffix(".__init__")
            hits = private_reaches(path.read_text(encoding="utf-8"), module)
            if hits:
                offences[str(rel)] = hits
    assert offences == {}


def test_measures_are_pure():
    """No measure module imports a file, process or I/O layer, nor opens anything."""
    offences = []
    for path in (PACKAGE / "measures").glob("*.py"):
        offences += impurities(path.read_text(encoding="utf-8"), path.name)
    assert offences == []
    assert impurities("import os\nx = open('f')\nfrom taskstats.io import files\n", "bad.py") == [
        "bad.py: import os",
        "bad.py: from taskstats.io",
        "bad.py: calls open",
    ]


def impurities(source: str, name: str) -> list[str]:
    banned_modules = ("os", "pathlib", "tomllib", "importlib", "ctypes", "pyarrow", "shutil")
    banned_packages = ("taskstats.io", "taskstats.progress", "taskstats.report")
    banned_calls = {"open", "read_csv", "read_parquet", "to_csv", "to_parquet", "read_text"}
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            out += [f"{name}: import {a.name}" for a in node.names if a.name in banned_modules]
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module in banned_modules or node.module.startswith(banned_packages):
                out.append(f"{name}: from {node.module}")
        elif isinstance(node, ast.Call):
            fn = node.func
            called = fn.id if isinstance(fn, ast.Name) else getattr(fn, "attr", "")
            if called in banned_calls:
                out.append(f"{name}: calls {called}")
    return out


def forward_imports(source: str, name: str, later: tuple[str, ...]) -> list[str]:
    """Every import of ``source`` (module ``name``) from a package in ``later``, at the top or
    inside a function; relative imports resolved."""
    out = []
    package = name.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            # ``from taskstats import report`` names the package in its names.
            targets = [base, *(f"{base}.{a.name}" for a in node.names)]
        else:
            continue
        hits = [t for t in targets if t in later or t.startswith(tuple(f"{p}." for p in later))]
        if hits:
            out.append(f"{name}: {hits[0]}")
    return out


def test_no_folder_before_report_imports_report_or_the_cli():
    """readers, tidy, measures and progress never reach forward into report (nor the CLI),
    not even lazily inside a function."""
    later = ("taskstats.report", "taskstats.cli")
    offences = []
    for folder in ("io", "readers", "tidy", "measures", "progress"):
        for path in sorted((PACKAGE / folder).glob("*.py")):
            module = f"taskstats.{folder}.{path.stem}".removesuffix(".__init__")
            offences += forward_imports(path.read_text(encoding="utf-8"), module, later)
    assert offences == []


def test_the_forward_import_scan_can_fail():
    bad = (
        "import taskstats.report.html\n"
        "from taskstats import report\n"
        "from taskstats.tidy import schema\n"
        "def f():\n"
        "    from taskstats.report.wording.returns import RECEIPT\n"
        "    from ..report import views\n"
        "    from . import ledger\n"
    )
    later = ("taskstats.report", "taskstats.cli")
    assert forward_imports(bad, "taskstats.progress.x", later) == [
        "taskstats.progress.x: taskstats.report.html",
        "taskstats.progress.x: taskstats.report",
        "taskstats.progress.x: taskstats.report.wording.returns",
        "taskstats.progress.x: taskstats.report",
    ]
