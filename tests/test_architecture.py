"""The project's structure, checked by parsing its source (no Django needed): these fail when a layer, a cycle or a
module's size regresses, and each failure lists every offending import or module.

Layers (an app may import its own modules and apps of a LOWER layer; ``import x.y``, ``from x import y``, and
imports inside functions or under ``if TYPE_CHECKING:`` all count)::

    0 config      settings and what they load (logging, csp, ...): import config only
    1 core        the shared domain library: imports no app
    2 directory   departments and people;  frontend (the mobile app's shell: imports no app, nothing imports it)
    3 cms, forum, sms
    4 quizzes, approvals, supervision, complaints
    5 study       the points ledger and study tasks: reads cms and quizzes, reminds through sms
      citizens    我的办件: one citizen's applications and complaints, read from approvals and complaints
    6 api         the GraphQL API: nothing imports it

- Apps of the same layer do not import each other (the strict rule: only demo data crosses it today), except that
  an app's ``demo`` module may use the demo content of its own layer (the SMS demo sends the CMS's warning phrases;
  the complaints demo refers to the approvals demo's overdue licence).
- No app imports another app's ``views`` (pages and webhooks are ends, not a library).
- ``config.urls`` and the project-wide commands (``config.management``) are the top: they may import anything.
- tests/ and bench/ are not checked; migrations neither (Django writes them).

Cycles: the module-level import graph has none (imports under ``if TYPE_CHECKING:`` never run and are left out).
Nor does the graph with the imports inside functions added: deferring an import keeps Python from failing on a cycle
but leaves the two modules knotted together (forum.models <-> forum.views, sms.admin_views <-> sms.viewsets and
supervision.rules <-> supervision.services were such knots).

Size: no module outside migrations is over MAX_LINES unless its docstring says it is "one contract" (a module whose
parts only make sense together, such as sms/dispatch.py's exactly-once argument).
"""

import ast
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = {
    "config": 0,
    "core": 1,
    "directory": 2,
    "frontend": 2,
    "cms": 3,
    "forum": 3,
    "sms": 3,
    "quizzes": 4,
    "approvals": 4,
    "supervision": 4,
    "complaints": 4,
    "study": 5,
    "citizens": 5,
    "api": 6,
}
# Wiring at the top of the graph: may import any app.
TOP = ("config.urls", "config.management")
NOT_CHECKED = ("tests", "bench")
MAX_LINES = 500
CONTRACT_PHRASE = "one contract"


@dataclass(frozen=True)
class Import:
    importer: str  # module name
    target: str  # project module name, as precise as the source allows
    path: str  # file, relative to the project root
    line: int
    deferred: bool  # inside a function
    type_only: bool  # under `if TYPE_CHECKING:`

    def __str__(self):
        how = " (in a function)" if self.deferred else " (TYPE_CHECKING)" if self.type_only else ""
        return f"{self.path}:{self.line}: {self.importer} imports {self.target}{how}"


def _module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _project_files():
    for app in LAYERS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.relative_to(ROOT).parts:
                yield path


MODULES = {_module_name(path): path for path in _project_files()}
PACKAGES = {name for name, path in MODULES.items() if path.name == "__init__.py"}


def _resolve(name):
    """The longest prefix of a dotted name that is one of our modules; None for anything outside the project."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in MODULES:
            return candidate
        parts.pop()
    return None


def _is_type_checking(test):
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


class _Collector(ast.NodeVisitor):
    def __init__(self, module, path):
        self.module, self.path = module, path
        self.package = module if module in PACKAGES else module.rpartition(".")[0]
        self.depth = 0  # functions we are inside
        self.type_only = 0  # TYPE_CHECKING blocks we are inside
        self.found = []

    def _add(self, node, names):
        for name in names:
            target = _resolve(name)
            imp = Import(self.module, target, self.path, node.lineno, self.depth > 0, self.type_only > 0)
            if target is not None and target != self.module and imp not in self.found:
                self.found.append(imp)

    def visit_FunctionDef(self, node):
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    visit_AsyncFunctionDef = visit_Lambda = visit_FunctionDef

    def visit_If(self, node):
        if _is_type_checking(node.test):
            self.type_only += 1
            for child in node.body:
                self.visit(child)
            self.type_only -= 1
            for child in node.orelse:
                self.visit(child)
        else:
            self.generic_visit(node)

    def visit_Import(self, node):
        self._add(node, [alias.name for alias in node.names])

    def visit_ImportFrom(self, node):
        if node.level:
            base = self.package.split(".")
            base = base[: len(base) - (node.level - 1)] if node.level > 1 else base
            module = ".".join(base + ([node.module] if node.module else []))
        else:
            module = node.module
        # `from forum import views` imports the module forum.views; `from forum.models import Topic` forum.models.
        self._add(node, [f"{module}.{alias.name}" for alias in node.names])


def _imports():
    found = []
    for module, path in MODULES.items():
        collector = _Collector(module, str(path.relative_to(ROOT)))
        collector.visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
        found.extend(collector.found)
    return found


IMPORTS = _imports()


def _app(module):
    return module.split(".")[0]


def _is_top(module):
    return any(module == top or module.startswith(top + ".") for top in TOP)


def _is_views(module):
    return "views" in module.split(".")[1:2]


def _is_demo(module):
    return module.split(".")[1:2] == ["demo"]


def _layer_violation(imp):
    source, target = _app(imp.importer), _app(imp.target)
    if source == target or _is_top(imp.importer):
        return None
    if _is_views(imp.target):
        return f"imports another app's views: {imp}"
    if target == "api":
        return f"imports api: {imp}"
    if LAYERS[target] > LAYERS[source]:
        return f"imports a higher layer ({source}: {LAYERS[source]}, {target}: {LAYERS[target]}): {imp}"
    if LAYERS[target] == LAYERS[source] and not _is_demo(imp.importer):
        return f"imports an app of its own layer ({source}, {target}: {LAYERS[source]}): {imp}"
    return None


def test_the_checked_tree_holds_every_app_and_the_parser_sees_both_import_forms():
    top_level = {p.name for p in ROOT.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert top_level - set(LAYERS) - set(NOT_CHECKED) == set(), "a new app: give it a layer in tests/test_architecture"
    assert any(i.importer == "forum.views" and i.target == "forum.services" for i in IMPORTS)  # from forum import x
    assert any(i.importer == "forum.services" and i.target == "forum.models" for i in IMPORTS)  # from x.y import z


def test_imports_run_one_way_through_the_layers():
    violations = sorted({v for v in map(_layer_violation, IMPORTS) if v})
    assert not violations, f"{len(violations)} imports against the layers:\n" + "\n".join(violations)


def _cycles(edges):
    """Strongly connected components with more than one module (Tarjan's algorithm, iterative)."""
    index, low, on_stack, stack, components, counter = {}, {}, set(), [], [], [0]
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(sorted(component))
    return sorted(components)


def _cycle_report(imports):
    edges, where = defaultdict(set), defaultdict(list)
    for imp in imports:
        edges[imp.importer].add(imp.target)
        where[imp.importer, imp.target].append(imp)
    report = []
    for component in _cycles(edges):
        members = set(component)
        report.append("cycle: " + " <-> ".join(component))
        for source in component:
            for target in sorted(edges[source] & members):
                report.extend(f"    {imp}" for imp in where[source, target])
    return report


def test_no_import_cycle_between_modules():
    report = _cycle_report(i for i in IMPORTS if not i.deferred and not i.type_only)
    assert not report, f"{sum(line.startswith('cycle') for line in report)} import cycles:\n" + "\n".join(report)


def test_no_import_cycle_even_through_imports_deferred_into_functions():
    report = _cycle_report(i for i in IMPORTS if not i.type_only)
    assert not report, (
        f"{sum(line.startswith('cycle') for line in report)} import cycles closed by imports inside functions:\n"
        + "\n".join(report)
    )


def test_no_module_over_the_size_limit_unless_it_is_one_contract():
    too_long = []
    tops = [p for p in ROOT.iterdir() if not p.name.startswith(".") and p.name not in NOT_CHECKED]
    paths = [p for p in tops if p.suffix == ".py"] + [f for p in tops if p.is_dir() for f in p.rglob("*.py")]
    for path in sorted(paths):
        if "migrations" in path.relative_to(ROOT).parts:
            continue
        text = path.read_text(encoding="utf-8")
        lines = text.count("\n") + (not text.endswith("\n") and bool(text))
        if lines > MAX_LINES:
            docstring = ast.get_docstring(ast.parse(text)) or ""
            if CONTRACT_PHRASE not in docstring.lower():
                too_long.append(f"{path.relative_to(ROOT)}: {lines} lines")
    assert not too_long, (
        f"modules over {MAX_LINES} lines whose docstring does not say they are {CONTRACT_PHRASE!r}:\n"
        + "\n".join(too_long)
    )


def _service_modules():
    """Every app's services: ``<app>/services.py`` or the modules of an ``<app>/services/`` package."""
    for app in LAYERS:
        yield from sorted((ROOT / app).glob("services.py"))
        yield from sorted((ROOT / app).glob("services/*.py"))


def test_every_public_service_function_has_type_hints():
    unhinted = []
    for path in _service_modules():
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) or node.name.startswith("_"):
                continue
            arguments = [*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs]
            if node.returns is None or any(a.annotation is None for a in arguments if a.arg not in ("self", "cls")):
                unhinted.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}")
    assert len(list(_service_modules())) > 10, "the service modules were not found"
    assert not unhinted, "public service functions without type hints:\n" + "\n".join(unhinted)
