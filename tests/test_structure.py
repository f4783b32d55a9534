"""The package's architecture (docs/architecture.md): layers, no circles, small modules."""

from __future__ import annotations

import ast
import re
from pathlib import Path

SIM = Path(__file__).resolve().parents[1] / "sim"
LAYERS = ["errors", "scenario", "core", "runs", "analysis", "studies", "page", "cli"]
"""Bottom to top: a module may import its own layer or one below it."""

MESA_PRIVATE = re.compile(
    r"\b(_advance_time|_event_list|_user_step|_event_generators|_has_subscribers|"
    r"_default_schedule|_do_step|_fire_due|_wrapped_step|_all_agents)\b|__dict__\.clear\(\)"
)


def modules() -> dict[str, Path]:
    out = {}
    for f in SIM.rglob("*.py"):
        parts = f.relative_to(SIM.parent).with_suffix("").parts
        out[".".join(parts).removesuffix(".__init__")] = f
    return out


def imported(name: str, path: Path, mods: dict[str, Path]) -> set[str]:
    """Modules of the package that ``name`` imports, anywhere in it (functions included)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            targets = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        else:
            continue
        for t in targets:
            if t in mods and t != name and not name.startswith(t + "."):
                found.add(t)
    return found


def layer(name: str) -> int:
    parts = name.split(".")
    return LAYERS.index(parts[1]) if len(parts) > 1 else len(LAYERS)  # sim itself on top


def test_imports_only_go_down_the_layers_and_make_no_circle():
    mods = modules()
    graph = {m: imported(m, f, mods) for m, f in mods.items()}
    upward = [(m, t) for m, ts in graph.items() for t in ts if layer(t) > layer(m)]
    assert not upward
    state: dict[str, int] = {}

    def visit(m: str, trail: list[str]) -> None:  # depth-first: 1 on the trail, 2 done
        state[m] = 1
        for t in sorted(graph[m]):
            assert state.get(t) != 1, f"import circle: {' -> '.join([*trail, m, t])}"
            if t not in state:
                visit(t, [*trail, m])
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m, [])


def test_every_sub_package_says_what_it_is_for_and_modules_stay_small():
    for init in SIM.rglob("__init__.py"):
        if init.parent != SIM:
            doc = ast.get_docstring(ast.parse(init.read_text()))
            assert doc and len(doc.splitlines()[0]) > 20, init
    sizes = {f: len(f.read_text().splitlines()) for f in SIM.rglob("*.py")}
    assert max(sizes.values()) <= 450, max(sizes, key=sizes.__getitem__)


def test_no_private_mesa_names_in_the_package():
    assert not [f for f in SIM.rglob("*.py") if MESA_PRIVATE.search(f.read_text())]


def test_the_architecture_names_only_what_the_model_has():
    """Every ``Class.member`` docs/architecture.md names exists on a built model's object."""
    from sim.core.model import WorkingGroupModel

    m = WorkingGroupModel(rng=0)
    objects = [m, m.state, m.mofa, m.mou, m.blue_house, m.dprk, m.un, m.government, m.wg, m.dg]
    objects += [m.contacts, m.pipeline, m.friction, m.information, m.tally, m.ledgers]
    objects += [m.event_log, m.recorder]
    by_name = {type(o).__name__: o for o in objects}
    text = (SIM.parent / "docs" / "architecture.md").read_text()
    named = set(re.findall(r"\b([A-Z]\w+)\.([a-z_]\w*)\b", text)) | {
        ("WorkingGroupModel", a)
        for a in re.findall(r"\bmodel\.([a-z_]\w*)\b", text)
        if a not in ("md", "py")  # model.md, model.py
    }
    checked = [(cls, member) for cls, member in named if cls in by_name]
    assert len(checked) > 30  # the model's shape and the two mechanisms are spelled out
    missing = sorted(f"{c}.{a}" for c, a in checked if not hasattr(by_name[c], a))
    assert not missing, f"docs/architecture.md names what the model does not have: {missing}"


def test_the_actors_are_mesa_agents_and_the_institutions_are_not():
    from sim.core.agents import Actor
    from sim.core.model import WorkingGroupModel

    m = WorkingGroupModel(rng=0)
    names = sorted(type(a).__name__ for a in m.agents)
    assert names == ["BlueHouse", "Dprk", "Mofa", "Mou", "StateDepartment", "Un1718Committee"]
    assert all(isinstance(a, Actor) and a.model is m for a in m.agents)
    assert not any(isinstance(o, Actor) for o in (m.wg, m.dg, m.contacts, m.pipeline))
