"""Structure checks import-linter does not express (run by bin/check-structure; ARCHITECTURE.md says why).

- Nothing imports a `views` module but its own app's URL table and views package.
- No module of ours is longer than MAX_LINES, but those in LONG_MODULES, each with its reason.
- Every view function says its types (request in, response out).

`--mypy-targets` prints the files mypy checks instead.
"""

import ast
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("apps", "portal", "simulator", "bench")
MAX_LINES = 400
# Longer than MAX_LINES on purpose; a module joins this list only with its reason.
LONG_MODULES: dict[str, str] = {
    "apps/posthog/client.py": "the one HTTP client: a request's whole life (auth, retries, pagination, error "
    "mapping, audit hand-off) reads best in one place",
}


def our_modules() -> list[Path]:
    return sorted(
        path
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts and ".venv" not in path.parts
    )


def views_imported_elsewhere() -> list[str]:
    graph = grimp.build_graph("apps", "portal")
    problems = []
    for module in sorted(graph.modules):
        parts = module.split(".")
        if "views" not in parts[:3] or len(parts) < 3 or parts[2] != "views":
            continue
        app = ".".join(parts[:2])
        for importer in sorted(graph.find_modules_that_directly_import(module)):
            if importer in (f"{app}.urls",) or importer.startswith(f"{app}.views"):
                continue
            problems.append(f"{importer} imports {module}: move what it needs into a selectors/forms module")
    return problems


def long_modules() -> list[str]:
    problems = []
    for path in our_modules():
        relative = path.relative_to(ROOT).as_posix()
        lines = sum(1 for _ in path.open(encoding="utf-8"))
        if lines > MAX_LINES and relative not in LONG_MODULES:
            problems.append(f"{relative} has {lines} lines (at most {MAX_LINES}): split it by purpose")
    return problems


def view_modules() -> list[Path]:
    return [path for path in (ROOT / "apps").rglob("*.py") if path.name == "views.py" or path.parent.name == "views"]


def untyped_views() -> list[str]:
    """Public functions of a views module taking `request` without annotations or a return type."""
    problems = []
    for path in view_modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
                continue
            arguments = node.args.args
            if not arguments or arguments[0].arg != "request":
                continue
            untyped = [argument.arg for argument in arguments if argument.annotation is None]
            if untyped or node.returns is None:
                missing = ", ".join(untyped + ([] if node.returns else ["the return"]))
                problems.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}: no type for {missing}")
    return problems


def mypy_targets() -> list[str]:
    targets = {"apps/posthog", "apps/core"}
    for path in (ROOT / "apps").rglob("*.py"):
        if "migrations" in path.parts:
            continue
        relative = path.relative_to(ROOT)
        if path.stem in ("selectors", "services") or path.parent.name in ("selectors", "services"):
            targets.add(relative.as_posix())
    targets.update(path.relative_to(ROOT).as_posix() for path in view_modules())
    whole = ("apps/posthog/", "apps/core/")
    return sorted(target for target in targets if not target.startswith(whole))


def main() -> int:
    if "--mypy-targets" in sys.argv:
        print("\n".join(mypy_targets()))
        return 0
    problems = views_imported_elsewhere() + long_modules() + untyped_views()
    for problem in problems:
        print(problem)
    print(f"{len(problems)} structure problem(s)" if problems else "structure: all checks passed")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
