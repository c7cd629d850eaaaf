"""The house rules of the code base, read from the imports themselves: the kit knows no
service, services never import each other, and no package imports in a circle."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVICES = sorted(p.name for p in (ROOT / "services").iterdir() if (p / "__init__.py").exists())


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every module a file imports, absolute (relative imports resolved)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = (
        module_name(path).rsplit(".", 1)[0] if path.name != "__init__.py" else module_name(path)
    )
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def modules(top: str) -> dict[str, set[str]]:
    return {module_name(p): imports_of(p) for p in sorted((ROOT / top).rglob("*.py"))}


def offending(graph: dict[str, set[str]], forbidden: tuple[str, ...]) -> list[str]:
    return sorted(
        f"{module} imports {target}"
        for module, targets in graph.items()
        for target in targets
        if target.split(".")[0] in forbidden or target.startswith(forbidden)
    )


def test_the_kit_knows_no_service_and_no_tool() -> None:
    bad = offending(modules("shared"), ("services", "tools", "simulators", "tests", "bench"))
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_imports_only_itself_and_the_kit(service: str) -> None:
    others = tuple(f"services.{s}" for s in SERVICES if s != service)
    graph = {m: t for m, t in modules("services").items() if m.startswith(f"services.{service}")}
    bad = offending(graph, ("tools", "simulators", "tests", "bench", *others))
    assert not bad, "\n".join(bad)


def test_imports_are_resolved_as_the_rules_expect() -> None:
    """The walker itself: a relative import inside a package resolves to its siblings."""
    graph = modules("services")
    assert "services.shipping_bridge.domain" in graph["services.shipping_bridge.handlers"]
    assert "shared.db.UnitOfWork" in graph["services.shipping_bridge.handlers"]


GATEWAY = "services.storefront_gateway"
# The gateway's wings that have moved into their own rooms so far (see docs/architecture.md);
# each may be reached from another wing only through its `ports` module.
WINGS = ("intake", "feedback", "sync", "catalog", "erp", "console")


# Crossings still to undo, each with what undoes it. A new crossing fails the test; so
# does one that is gone but still listed (the list only shrinks).
KNOWN_CROSSINGS: dict[str, str] = {}


@pytest.mark.parametrize("wing", WINGS)
def test_no_wing_reaches_into_another_wings_rooms(wing: str) -> None:
    graph = modules("services")
    inside = f"{GATEWAY}.{wing}"
    bad = sorted(
        f"{module} imports {target}"
        for module, targets in graph.items()
        if module.startswith(f"{GATEWAY}.")
        and not module.startswith(inside)
        and module.count(".") > 2  # a module inside another sub-package of the gateway
        for target in targets
        if target.startswith(f"{inside}.") and not target.startswith(f"{inside}.ports")
    )
    assert not set(bad) - set(KNOWN_CROSSINGS), "\n".join(bad)


def crossings() -> set[str]:
    graph = modules("services")
    found = set()
    for wing in WINGS:
        others = tuple(f"{GATEWAY}.{w}." for w in WINGS if w != wing)
        inside = {m: t for m, t in graph.items() if m.startswith(f"{GATEWAY}.{wing}")}
        found.update(
            c for c in offending(inside, others) if ".ports" not in c.split(" imports ")[1]
        )
    return found


def test_a_wing_imports_no_other_wing() -> None:
    assert crossings() == set(KNOWN_CROSSINGS)


def test_the_connectors_know_no_wing() -> None:
    """Every outbound call is in `connectors`; it knows the kit (channels, X12), not who
    calls it."""
    graph = {m: t for m, t in modules("services").items() if m.startswith(f"{GATEWAY}.connectors")}
    wings = tuple(f"{GATEWAY}.{w}" for w in WINGS)
    assert offending(graph, wings) == []


def test_only_the_connectors_call_out() -> None:
    """No wing holds an HTTP client call of its own: `httpx` appears outside `connectors`
    only as the injected client's type."""
    calls = sorted(
        f"{path.relative_to(ROOT)}: {name}"
        for path in (ROOT / "services/storefront_gateway").rglob("*.py")
        if "connectors" not in path.parts
        for name in ("http.get(", "http.post(", "http.request(", "httpx.AsyncClient(")
        if name in path.read_text()
    )
    allowed = {"services/storefront_gateway/background.py: httpx.AsyncClient("}
    assert set(calls) <= allowed, calls


TABLE_IN_SQL = re.compile(r"\b(?:FROM|JOIN|INTO|UPDATE|TABLE)\s+([a-z_]+)\b")
KIT_TABLES = {"outbox", "inbox", "dead_letters", "effects_claimed"}


def owned_tables(wing: str) -> set[str]:
    """The tables a wing's card says it owns (`Owns: `a`, `b`.`)."""
    card = (ROOT / "services/storefront_gateway" / wing / "__init__.py").read_text()
    owns = card.split("Owns:", 1)[1].split("\n\n")[0].split("Owns the invariants")[0]
    return set(re.findall(r"`([a-z_]+)`", owns))


def test_each_wing_touches_only_the_tables_it_owns() -> None:
    owners = {wing: owned_tables(wing) for wing in WINGS}
    every = set().union(*owners.values())
    strays = sorted(
        f"{path.relative_to(ROOT)} uses {table}"
        for wing in WINGS
        for path in (ROOT / "services/storefront_gateway" / wing).rglob("*.py")
        for table in TABLE_IN_SQL.findall(path.read_text())
        if table in every and table not in owners[wing]
    )
    assert strays == []


def test_every_table_of_the_gateway_has_one_owning_wing() -> None:
    migrations = "\n".join(
        p.read_text() for p in (ROOT / "services/storefront_gateway/migrations").glob("*.sql")
    )
    created = set(re.findall(r"CREATE TABLE (?:IF NOT EXISTS )?([a-z_]+)", migrations))
    claims = [t for wing in WINGS for t in owned_tables(wing)]
    assert sorted(claims) == sorted(set(claims)), "a table claimed by two wings"
    assert created - KIT_TABLES == set(claims)


def package_graph() -> dict[str, set[str]]:
    """The gateway's sub-packages and top-level modules, and which of them each imports."""
    edges: dict[str, set[str]] = {}
    for module, targets in modules("services").items():
        if not module.startswith(f"{GATEWAY}."):
            continue
        here = module.split(".")[2]
        for target in targets:
            if target.startswith(f"{GATEWAY}.") and (there := target.split(".")[2]) != here:
                edges.setdefault(here, set()).add(there)
    return edges


def cycle_in(edges: dict[str, set[str]]) -> list[str] | None:
    """One import cycle, if any (depth-first, colouring nodes as they are finished)."""
    done: set[str] = set()

    def visit(node: str, path: list[str]) -> list[str] | None:
        if node in path:
            return [*path[path.index(node) :], node]
        if node in done:
            return None
        for nxt in sorted(edges.get(node, ())):
            if found := visit(nxt, [*path, node]):
                return found
        done.add(node)
        return None

    for start in sorted(edges):
        if found := visit(start, []):
            return found
    return None


def test_the_gateways_packages_import_each_other_without_a_cycle() -> None:
    assert cycle_in(package_graph()) is None


def test_a_cycle_is_found_where_there_is_one() -> None:
    assert cycle_in({"remap": {"mapping"}, "mapping": {"edi"}, "edi": {"remap"}}) == [
        "edi",
        "remap",
        "mapping",
        "edi",
    ]


def _dependencies(tree: ast.AST) -> set[str]:
    """The names of the functions a module's `Depends(...)` calls point at."""
    return {
        node.args[0].id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", None) == "Depends"
        and node.args
        and isinstance(node.args[0], ast.Name)
    }


def test_every_request_dependency_is_a_coroutine_so_no_request_hops_threads() -> None:
    """FastAPI runs a plain `def` dependency in its thread pool: a thread hop per request."""
    trees = {
        p: ast.parse(p.read_text())
        for p in [*ROOT.glob("services/**/*.py"), *ROOT.glob("shared/**/*.py")]
    }
    wanted = set().union(*(_dependencies(t) for t in trees.values()))
    plain = sorted(
        f"{path.relative_to(ROOT)}:{node.name}"
        for path, tree in trees.items()
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and node.name in wanted
    )
    assert wanted, "the dependencies were found"
    assert plain == []
