"""The architecture a newcomer can see, kept honest.

* the core's packages are layered (the import-linter contract in pyproject.toml);
* no import cycle among cxframe's modules, imports for type annotations included;
* no code module over 800 lines (the worked examples and maturity-model criteria are data);
* built-in plugins and the examples import only ``cxframe`` and ``cxframe.testing``.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import grimp
import pytest
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent

#: Modules that are data, not code: the maturity models' criteria.
DATA_MODULES = {
    "cxframe/assessment/models/iso_cx.py",
    "cxframe/assessment/models/cx2030.py",
}


def test_the_core_packages_keep_their_layers() -> None:
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True) == 0


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return found


def test_no_import_cycle_type_checking_imports_included() -> None:
    graph = grimp.build_graph("cxframe", exclude_type_checking_imports=False, cache_dir=None)
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = grimp.ImportGraph()
    for module in ("a", "a.x", "a.y", "a.z"):
        graph.add_module(module)
    graph.add_import(importer="a.x", imported="a.y")
    graph.add_import(importer="a.y", imported="a.x")
    graph.add_import(importer="a.z", imported="a.x")
    assert _cycles(graph) == [["a.x", "a.y"]]


def _code_modules() -> list[Path]:
    return sorted(p for p in (ROOT / "cxframe").rglob("*.py") if p.relative_to(ROOT).as_posix() not in DATA_MODULES)


@pytest.mark.parametrize("path", _code_modules(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_code_module_over_800_lines(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= 800, f"{path.relative_to(ROOT)} has {lines} lines: split it by what its parts are about"


def _plugin_and_example_modules() -> list[Path]:
    found = [*ROOT.glob("plugins/*/cxframe_*/**/*.py"), *ROOT.glob("examples/**/*.py")]
    assert len(found) > 20
    return sorted(found)


def _cxframe_imports(path: Path) -> list[tuple[int, str]]:
    """Every cxframe module a file imports, with its line."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names if alias.name.split(".")[0] == "cxframe"]
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "cxframe":
            if node.module == "cxframe":
                # `from cxframe import testing` is the testing module; anything else is a name
                found += [(node.lineno, f"cxframe.{a.name}") for a in node.names if a.name == "testing"]
                found.append((node.lineno, "cxframe"))
            else:
                found.append((node.lineno, node.module))
    return found


def test_built_in_plugins_and_examples_import_only_the_public_namespace() -> None:
    wrong = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in _plugin_and_example_modules()
        for line, module in _cxframe_imports(path)
        if module not in {"cxframe", "cxframe.testing"}
    ]
    assert wrong == []


def test_the_import_rule_sees_an_internal_import(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("import cxframe\nfrom cxframe import Store, testing\nfrom cxframe.store._sqlite import Store\n")
    assert [m for _, m in _cxframe_imports(sample) if m not in {"cxframe", "cxframe.testing"}] == [
        "cxframe.store._sqlite"
    ]


#: libraries a command may need but start-up must not pay for (each costs 0.1 s to seconds to import)
HEAVY_LIBRARIES = (
    "sklearn",
    "jieba",
    "pyspark",
    "pandas",
    "scipy.sparse",
    "scipy.stats",
    "matplotlib",
    "tomlkit",
    "aiosmtpd",
)


def test_loading_the_cli_and_every_installed_plugin_imports_no_heavy_library() -> None:
    # in a fresh interpreter: what `cxframe --help` loads, every installed plugin included
    code = (
        "import sys, cxframe.cli; from cxframe.host._manager import load_plugins; load_plugins(); "
        f"print(','.join(m for m in {HEAVY_LIBRARIES!r} if m in sys.modules))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout.strip()
    assert loaded == "", f"imported at start-up: {loaded} (import them inside the functions that need them)"
