"""The package's modules import one another without a circle and never up the README's picture of the rooms."""

import ast
from itertools import takewhile
from pathlib import Path

import geoapp

PACKAGE = Path(geoapp.__file__).parent


def module_name(path: Path) -> str:
    """Return the dotted name of a module file of the package."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    """Return every module of geoapp by name (migrations are run by alembic, not imported)."""
    return {module_name(p): p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts}


def imported(path: Path, name: str, known: set[str]) -> set[str]:
    """Return the geoapp modules that `path` imports anywhere in its text, and the packages Python runs to reach them."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
        else:
            continue
        for target in targets:
            parts = target.split(".")
            # Importing a.b.c runs a and a.b first: those count as imported too.
            found.update(".".join(parts[:i]) for i in range(1, len(parts) + 1) if ".".join(parts[:i]) in known)
    found.discard(name)
    # A module's own packages run before it, never because of it.
    return {m for m in found if not name.startswith(m + ".")}


def import_graph() -> dict[str, set[str]]:
    """Return each geoapp module's imports of other geoapp modules."""
    found = modules()
    return {name: imported(path, name, set(found)) for name, path in found.items()}


def circle(graph: dict[str, set[str]]) -> list[str] | None:
    """Return one import circle of `graph` as the list of its modules, or None when there is none."""
    state: dict[str, str] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        state[node] = "done"
        stack.pop()
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start)):
            return found
    return None


def test_the_graph_is_read_from_every_module():
    graph = import_graph()
    assert "geoapp.mapview" in graph and "geoapp.privacy.published" in graph["geoapp.mapview.numbers"]
    assert "geoapp.privacy" in graph["geoapp.mapview.filters"]  # importing privacy.published runs privacy first


def test_a_circle_is_found_when_there_is_one():
    assert circle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert circle({"a": {"b"}, "b": set()}) is None


def test_no_module_of_geoapp_imports_itself_through_others():
    assert circle(import_graph()) is None


# The ground and the publisher stand below the rooms that use them: none of them may import a room above.
LOWER = ("store", "domain", "privacy", "basemap")
UPPER = ("site", "views", "cli", "mapview", "maps", "export", "ingest", "actions", "accounts", "promise", "standards")
README = PACKAGE.parent / "README.md"
DESCRIPTION = " " * 5  # a line of the picture that starts this far in only goes on describing the line above


def room(module: str) -> str:
    """Return the room of a geoapp module: its sub-package, or its own name when it sits at the top."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def pictured_floors(readme: str) -> dict[str, int]:
    """Return each room the README's Layout picture names, with its line's floor (0 at the top)."""
    picture = readme.split("## Layout", 1)[1].split("```")[1]
    floors: dict[str, int] = {}
    for line in (x for x in picture.splitlines() if x.strip() and not x.startswith(DESCRIPTION)):
        names = list(takewhile(lambda word: word.endswith(("/", ".py")), line.split()))
        floor = len(set(floors.values()))
        floors.update({name.removesuffix("/").removesuffix(".py"): floor for name in names})
    return floors


def arrows_back_up(graph: dict[str, set[str]], floors: dict[str, int]) -> list[str]:
    """Return each import of `graph` into a room on a higher floor than the importer's, as 'importer -> imported'."""
    return sorted(f"{a} -> {b}" for a, imports in graph.items() for b in imports
                  if room(a) in floors and room(b) in floors and floors[room(b)] < floors[room(a)])


def test_the_picture_is_read_line_by_line():
    readme = "## Layout\n\n```\nviews/  cli/      the ways in\n  site.py  what runs, site.py\n" \
             "domain/          the ground, areas/ and\n                 periods.py\n```\n"
    assert pictured_floors(readme) == {"views": 0, "cli": 0, "site": 1, "domain": 2}


def test_an_arrow_back_up_is_found_when_there_is_one():
    floors = {"accounts": 0, "store": 1, "domain": 1}
    assert arrows_back_up({"geoapp.store.users": {"geoapp.accounts.users", "geoapp.domain.model"}}, floors) == [
        "geoapp.store.users -> geoapp.accounts.users"]
    assert arrows_back_up({"geoapp.accounts.service": {"geoapp.store"}}, floors) == []


def test_the_picture_names_every_room_and_keeps_the_ground_and_the_publisher_below_the_rest():
    floors = pictured_floors(README.read_text(encoding="utf-8"))
    # The package's own __init__ (create_app) and __main__ are the door: they stand above every room.
    assert {room(m) for m in import_graph()} - {"geoapp", "__main__"} - floors.keys() == set()
    assert min(floors[r] for r in LOWER) > max(floors[r] for r in UPPER)


def test_no_module_imports_a_room_above_its_own_in_the_picture():
    assert arrows_back_up(import_graph(), pictured_floors(README.read_text(encoding="utf-8"))) == []
