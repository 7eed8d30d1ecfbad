"""The command line stays thin: no SQL and no database handle in ``cxframe/cli/``.

Every command is one call into `cxframe.api` plus printing; what a command
reads from the store goes through the API (and the store's methods), never
through SQL written in the CLI.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import cxframe.cli

CLI = Path(cxframe.cli.__file__).parent

#: SQL however it is written (statements, clauses), case-insensitive
SQL_STATEMENT = re.compile(
    r"""\b(
        select\s+(distinct\s+)?[\w*.,()\s{}]+?\s+from\s+\S
      | insert\s+(or\s+\w+\s+)?into\b
      | replace\s+into\b
      | update\s+\S+\s+set\b
      | delete\s+from\b
      | (create|drop|alter)\s+(temp(orary)?\s+)?(table|view|index|trigger)\b
      | pragma\s+\w+
    )""",
    re.IGNORECASE | re.VERBOSE,
)
#: SQL keywords in capitals, as SQL is written here, even alone in a fragment of an f-string
SQL_KEYWORD = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER|PRAGMA|VACUUM|ATTACH)\b")
#: the database handles (``store.db``, ``db.conn``) and what is called on them
DB_ATTRIBUTES = {"db", "conn", "connection", "cursor"}
DB_CALLS = {"execute", "executemany", "executescript", "query", "rows_where", "fetchone", "fetchall", "fetchmany"}
DB_MODULES = ("sqlite3", "sqlite_utils", "cxframe.store")
DB_NAMES = {"Store", "open_store"}


def _strings(tree: ast.AST) -> list[tuple[int, str]]:
    """Every string constant, and every f-string with ``{}`` for its values."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.append((node.lineno, node.value))
        elif isinstance(node, ast.JoinedStr):
            text = "".join(
                part.value if isinstance(part, ast.Constant) and isinstance(part.value, str) else "{}"
                for part in node.values
            )
            found.append((node.lineno, text))
    return found


def _named(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def database_use(source: str) -> list[str]:
    """Where ``source`` holds SQL or touches the store's database: one line per finding."""
    tree = ast.parse(source)
    problems = []
    for line, text in _strings(tree):
        match = SQL_STATEMENT.search(text) or SQL_KEYWORD.search(text)
        if match:
            problems.append(f"line {line}: SQL in a string: {match.group(0)!r}")
    for node in ast.walk(tree):
        where = f"line {getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Attribute) and node.attr in DB_ATTRIBUTES:
            problems.append(f"{where}: uses a database handle (.{node.attr})")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in DB_CALLS:
            problems.append(f"{where}: calls .{node.func.attr}()")
        elif isinstance(node, ast.Subscript) and _named(node.value) in DB_ATTRIBUTES:
            problems.append(f"{where}: indexes a database handle ({_named(node.value)}[…])")
        elif isinstance(node, ast.Import):
            problems.extend(f"{where}: imports {a.name}" for a in node.names if a.name.startswith(DB_MODULES))
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if module.startswith(DB_MODULES):
                problems.append(f"{where}: imports from {module}")
            problems.extend(f"{where}: imports {a.name}" for a in node.names if a.name in DB_NAMES)
    return problems


@pytest.mark.parametrize("module", sorted(CLI.rglob("*.py")), ids=lambda path: path.relative_to(CLI).as_posix())
def test_the_cli_has_no_sql_and_no_database_handle(module: Path) -> None:
    assert database_use(module.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    "source",
    [
        'opened.store.db.execute("SELECT 1")',
        "rows = store.db.query(sql)",
        "conn.execute(sql, [question])",
        "cursor = connection.cursor()",
        'count = db["runs"].count',
        'count = store.db["runs"].count',
        "rows = table.rows_where(where)",
        'sql = "SELECT id FROM runs WHERE command = ?"',
        'sql = "select population, count(*) from observations group by population"',
        'sql = f"INSERT INTO {table} VALUES (?)"',
        'sql = f"SELECT {columns} FROM {table}"',
        'sql = "DELETE FROM findings"',
        'sql = "update runs set status = ?"',
        'sql = "PRAGMA user_version"',
        "import sqlite3",
        "import sqlite_utils",
        "from cxframe.store._sqlite import Store",
        "from cxframe import Store",
    ],
)
def test_the_check_finds_sql_and_database_use(source: str) -> None:
    assert database_use(source), source


def test_the_check_leaves_ordinary_cli_code_alone() -> None:
    source = '''
import click
from cxframe import api

@click.option("--by", help="Segment column to group by (repeatable).")
def measure(by):
    """Compute metrics; select them with --metric, and group them with --by."""
    results = api.measure(".", by=by)
    click.echo(f"wrote {len(results)} results, ordered by metric")
'''
    assert database_use(source) == []
