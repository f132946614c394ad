"""The import graph keeps its layers: cli → services → db, without circles.

Read from the source (every `import`, also those inside functions, which is where the lazy
imports for a fast start live), so a circle hidden in a function body is caught too.
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

import doithoai

PACKAGE = Path(doithoai.__file__).parent

# The terminal layer: Typer groups and the entry points that start them.
CLI = ("doithoai.cli", "doithoai.launch", "doithoai.__main__", "doithoai._root_help")
# The bottom layer: a connection, a transaction (which seals and anchors), the audit log.
DB_LAYER = {"doithoai.db", "doithoai.events", "doithoai.integrity"}
# Leaves every layer may stand on: no state, no database.
LEAVES = {"doithoai.errors", "doithoai.fileio", "doithoai.workdays"}
# Upward edges tolerated for now, each with the reason and the way out.
ALLOWED = {
    # Inside the terminal layer: _options builds its Context with _help's Formatter, and
    # _help.localise sets that Context on every command; one of the two should own both.
    ("doithoai.cli._help", "doithoai.cli._options"),
}


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


@functools.cache
def graph() -> dict[str, frozenset[str]]:
    modules = _modules()

    def known(name: str) -> str | None:
        while name not in modules and "." in name:
            name = name.rsplit(".", 1)[0]
        return name if name in modules else None

    edges: dict[str, frozenset[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        deps: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    base = ".".join(anchor + ([node.module] if node.module else []))
                targets = [base] + [f"{base}.{a.name}" for a in node.names]
            for target in targets:
                if target.split(".")[0] != "doithoai":
                    continue
                dep = known(target)
                if dep and dep != name and dep != "doithoai":
                    deps.add(dep)
        edges[name] = frozenset(deps)
    return edges


def _is_cli(name: str) -> bool:
    return any(name == c or name.startswith(c + ".") for c in CLI)


def test_graph_sees_lazy_imports():
    edges = graph()
    assert "doithoai.integrity" in edges["doithoai.db"]  # top-level import
    assert "doithoai.migrations" in edges["doithoai.base"]  # inside a function


def test_nothing_below_the_cli_imports_the_cli():
    wrong = {(a, b) for a, deps in graph().items() if not _is_cli(a) for b in deps if _is_cli(b)}
    assert not wrong, f"services or db importing the terminal layer: {sorted(wrong)}"


def test_db_layer_imports_only_itself_and_leaves():
    edges = graph()
    wrong = {(a, b) for a in DB_LAYER for b in edges[a]
             if b not in DB_LAYER | LEAVES and (a, b) not in ALLOWED}
    assert not wrong, f"the db layer importing a service: {sorted(wrong)}"


def test_leaves_import_nothing_of_the_package():
    edges = graph()
    for leaf in ("doithoai.errors", "doithoai.events", "doithoai.migrations", "doithoai.shipped"):
        assert not edges[leaf], f"{leaf} imports {sorted(edges[leaf])}"
    # These may raise the domain error (a leaf itself), nothing else.
    for leaf in ("doithoai.fileio", "doithoai.statuses"):
        assert edges[leaf] <= {"doithoai.errors"}, f"{leaf} imports {sorted(edges[leaf])}"


def test_workdays_is_clock_and_database_free():
    # Its one import is the stateless domain error (a leaf that imports nothing): the range
    # error on a typed number of days reaches the one CLI error handler like every other.
    edges = graph()
    assert edges["doithoai.workdays"] <= {"doithoai.errors"}, edges["doithoai.workdays"]
    source = (PACKAGE / "workdays.py").read_text(encoding="utf-8")
    assert "today(" not in source and "now(" not in source and "sqlite" not in source


def test_no_import_circles():
    edges = {a: {b for b in deps if (a, b) not in ALLOWED} for a, deps in graph().items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    assert not circles, f"import circles: {circles}"


def test_one_clock():
    """`date.today()` is read in exactly one place, the CLI's --as-of option; every layer below
    takes `today` as an argument."""
    calls = []
    for path in PACKAGE.rglob("*.py"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if "date.today()" in line and not line.lstrip().startswith("#"):
                calls.append(f"{path.relative_to(PACKAGE)}:{number}")
    assert len(calls) == 1 and calls[0].startswith("cli/_options.py:"), calls


def _user_text(path: Path):
    """(line, text) of each string a person may read: every string constant and f-string part,
    except docstrings and the arguments of a subprocess call (another program's options)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and body
                and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)):
            skip.add(id(body[0].value))
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "subprocess"):
            skip.update(id(n) for n in ast.walk(node))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            yield node.lineno, node.value


def test_services_name_no_command_or_option():
    """Services say what is wrong and name the fix as data (errors.Fix, errors.Notice); the
    command line to type is the CLI's to phrase (cli/_errors.py FIX_HINTS)."""
    from doithoai.cli import COMMANDS, load_command

    words = {name for name in COMMANDS}
    pairs = {f"{name} {sub}" for name in COMMANDS for sub in getattr(load_command(name), "commands", {})}
    command = re.compile(rf"\bdoithoai (?:{'|'.join(sorted(words))})\b"
                         rf"|(?<![\w-])(?:{'|'.join(re.escape(p) for p in sorted(pairs))})(?![\w-])")
    option = re.compile(r"(?<![\w-])(?:--[a-z][a-z-]*|-[a-zA-Z])(?![\w-])")
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if _is_cli("doithoai." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts)):
            continue
        for line, text in _user_text(path):
            for pattern in (command, option):
                if match := pattern.search(text):
                    found.append(f"{path.relative_to(PACKAGE)}:{line}: {match.group()!r} in {text[:70]!r}")
    assert not found, "\n".join(found)
