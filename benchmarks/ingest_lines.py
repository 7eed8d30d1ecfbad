"""The size of the core's ingest code, in logical lines (issue #18: ≤ 1,200).

A logical line holds code: it is not blank, not only a comment, and not part
of a module's, class's or function's docstring (found with ``ast``); a
statement over several lines counts each of them, SQL in strings included
(found with ``tokenize``).

Counted by default: every module of ``cxframe/ingestion`` but ``_forget``
(which removes a source's records rather than reading files). Other files can
be named instead.

Usage::

    python benchmarks/ingest_lines.py [FILE ...]
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
    source = path.read_text(encoding="utf-8")
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
    return len(code)


def main() -> None:
    files = [Path(name) for name in sys.argv[1:]] or sorted(
        path for path in (HERE.parent / "cxframe" / "ingestion").glob("*.py") if path.name not in NOT_INGEST
    )
    total = 0
    for path in files:
        count = logical_lines(path)
        total += count
        print(f"{count:6d} {path.relative_to(HERE.parent) if path.is_relative_to(HERE.parent) else path}")
    print(f"{total:6d} total")


if __name__ == "__main__":
    main()
