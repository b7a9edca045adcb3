"""Arrows run one way (DESIGN.md): cases uses notifications, notifications never imports cases,
and inside notifications `services` enqueues through `tasks`, which never comes back to
`services`. Imports inside functions count: a lazy import is still an arrow."""

import ast
from pathlib import Path

import guichet

ROOT = Path(guichet.__file__).resolve().parent


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> set[str]:
    """Every guichet module `path` imports, at module level or inside a function."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[:len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            # `from . import tasks` imports a module, not a name.
            found |= {f"{base}.{alias.name}" for alias in node.names}
    return {m for m in found if m.startswith("guichet.")}


def app_modules(app: str) -> dict[str, Path]:
    """The app's own code: not its tests, not its migrations."""
    return {module_name(p): p for p in (ROOT / app).rglob("*.py")
            if not {"tests", "migrations"} & set(p.relative_to(ROOT / app).parts)}


def test_notifications_never_import_cases():
    offenders = {name: sorted(m for m in imported_modules(path)
                              if m == "guichet.cases" or m.startswith("guichet.cases."))
                 for name, path in app_modules("notifications").items()}
    assert {name: mods for name, mods in offenders.items() if mods} == {}


def test_no_import_cycle_between_cases_and_notifications():
    modules = {**app_modules("cases"), **app_modules("notifications")}
    graph = {name: {m for m in imported_modules(path) if m in modules and m != name}
             for name, path in modules.items()}

    def cycle_from(start):
        stack = [(start, [start])]
        seen = set()
        while stack:
            node, trail = stack.pop()
            for nxt in graph[node]:
                if nxt == start:
                    return [*trail, start]
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, [*trail, nxt]))
        return None

    cycles = [c for c in map(cycle_from, sorted(graph)) if c]
    assert cycles == []


def test_the_walk_sees_lazy_imports():
    """The checker itself: a function-level import is an arrow too."""
    graph = imported_modules(ROOT / "cases" / "apps.py")
    assert "guichet.notifications.hooks" in graph
