"""The size of the core's ingest code, in logical lines (issue #18: ≤ 1,200).

A logical line holds code: it is not blank, not only a comment, and not part
of a module's, class's or function's docstring (found with ``ast``); a
statement over several lines counts each of them, SQL in strings included
(found with ``tokenize``).

Counted by default: every module of ``cxframe/ingestion`` but ``_forget``
(which removes a source's records rather than reading files). Other files can
be named instead.

``--by-function`` lists each function's and class's lines as well (a
method under its class), the most first, to see where the lines go.

Usage::

    python benchmarks/ingest_lines.py [--by-function] [FILE ...]
"""

from __future__ import annotations

import ast
import io
import sys
import tokenize
from pathlib import Path

HERE = Path(__file__).resolve().parent
#: what the count leaves out of cxframe/ingestion: the module that forgets sources (and the empty __init__)
NOT_INGEST = {"_forget.py", "__init__.py"}
_NOT_CODE = (
    tokenize.COMMENT,
    tokenize.NL,
    tokenize.NEWLINE,
    tokenize.INDENT,
    tokenize.DEDENT,
    tokenize.ENDMARKER,
)


def logical_lines(path: Path) -> int:
    """How many lines of ``path`` hold code (see the module docstring)."""
    return len(code_lines(path.read_text(encoding="utf-8")))


def code_lines(source: str) -> set[int]:
    """The numbers of the lines of ``source`` that hold code."""
    docstrings: set[int] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                docstrings.update(range(first.lineno, (first.end_lineno or first.lineno) + 1))
    code: set[int] = set()
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type not in _NOT_CODE:
            code.update(line for line in range(token.start[0], token.end[0] + 1) if line not in docstrings)
    return code


def by_definition(path: Path) -> list[tuple[int, str]]:
    """``(lines, name)`` of each function and class of ``path``, methods as ``Class.method``."""
    source = path.read_text(encoding="utf-8")
    code = code_lines(source)
    found: list[tuple[int, str]] = []

    def visit(nodes: list[ast.stmt], prefix: str) -> None:
        for node in nodes:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                lines = sum(1 for line in code if first <= line <= (node.end_lineno or node.lineno))
                found.append((lines, f"{path.name}:{prefix}{node.name}"))
                if isinstance(node, ast.ClassDef):
                    visit(node.body, f"{prefix}{node.name}.")

    visit(ast.parse(source).body, "")
    return found


def main() -> None:
    arguments = sys.argv[1:]
    by_function = "--by-function" in arguments
    files = [Path(name) for name in arguments if name != "--by-function"] or sorted(
        path for path in (HERE.parent / "cxframe" / "ingestion").glob("*.py") if path.name not in NOT_INGEST
    )
    total = 0
    for path in files:
        count = logical_lines(path)
        total += count
        print(f"{count:6d} {path.relative_to(HERE.parent) if path.is_relative_to(HERE.parent) else path}")
    print(f"{total:6d} total")
    if by_function:
        for lines, name in sorted((entry for path in files for entry in by_definition(path)), reverse=True):
            print(f"{lines:6d} {name}")


if __name__ == "__main__":
    main()
