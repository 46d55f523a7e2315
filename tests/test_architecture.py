"""The app's layers (docs/architecture.md): every module imports only from its own layer or the ones below; the
pages, feeds, sitemaps, admin and commands import none of each other; and no two parts of the app import each
other, directly or round a loop.

The modules are read with ``ast``, not imported, so imports inside functions count as much as those at the top.
"""

import ast
from pathlib import Path

import pytest

import articles

APP = Path(articles.__file__).parent

FOUNDATION, MODELS, DOMAIN, INTERFACE, WIRING = range(5)
LAYER_NAMES = ["foundation", "models", "selectors and services", "views, admin and commands", "wiring"]

# The app's parts and their layers. A module belongs to the part with the longest name it starts with (so
# ``articles.counting.views`` is a part of its own); a new module that belongs to none needs a line here.
LAYERS = {
    # No Django models: settings, text, Markdown, caching, translation bookkeeping.
    "articles.conf": FOUNDATION,
    "articles.slugs": FOUNDATION,
    "articles.caching": FOUNDATION,
    "articles.deferring": FOUNDATION,
    "articles.circuit_breaker": FOUNDATION,
    "articles.site_url": FOUNDATION,
    "articles.roles": FOUNDATION,
    "articles.markdown": FOUNDATION,
    "articles.translating.blocks": FOUNDATION,
    "articles.translating.status": FOUNDATION,
    "articles.images": FOUNDATION,
    # The models and what hangs on them.
    "articles.models": MODELS,
    "articles.translation": MODELS,
    "articles.uploads": MODELS,
    "articles.revisions": MODELS,
    # Reads (selectors) and writes (services) over the models.
    "articles.selectors": DOMAIN,
    "articles.services": DOMAIN,
    "articles.archive_months": DOMAIN,
    "articles.tag_counts": DOMAIN,
    "articles.revision_history": DOMAIN,
    "articles.page_shells": DOMAIN,
    "articles.counting": DOMAIN,
    "articles.translating": DOMAIN,
    "articles.markdown_files": DOMAIN,
    "articles.search": DOMAIN,
    # What answers requests and commands, and what wires the app into Django.
    "articles.views": INTERFACE,
    "articles.feeds": INTERFACE,
    "articles.sitemaps": INTERFACE,
    "articles.robots": INTERFACE,
    "articles.admin": INTERFACE,
    "articles.admin_translators": INTERFACE,
    "articles.admin_list": INTERFACE,
    "articles.counting.views": INTERFACE,
    "articles.search.views": INTERFACE,
    "articles.templatetags": INTERFACE,
    "articles.management": INTERFACE,
    "articles.context_processors": INTERFACE,
    "articles.page_cache": INTERFACE,
    # What Django loads by name: nothing in the app imports these.
    "articles.urls": WIRING,
    "articles.apps": WIRING,
    "articles.checks": WIRING,
    "articles.migrations": WIRING,
}


def app_sources() -> dict[str, str]:
    """Every module of the app, by dotted name (a package by its own name), with its source."""
    sources = {}
    for path in sorted(APP.rglob("*.py")):
        parts = list(path.relative_to(APP.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        sources[".".join(parts)] = path.read_text(encoding="utf-8")
    return sources


# Modules that are pieces of another part, kept in a file of their own: the admin's translators' pages, the rows
# of its article list.
PIECES = {"articles.admin_translators": "articles.admin", "articles.admin_list": "articles.admin"}


def part_of(module: str) -> str | None:
    if module == "articles":
        return module
    if module in PIECES:
        return PIECES[module]
    prefixes = [prefix for prefix in LAYERS if module == prefix or module.startswith(prefix + ".")]
    return max(prefixes, key=len) if prefixes else None


def layer_of(module: str) -> int | None:
    part = part_of(module)
    return FOUNDATION if part == "articles" else LAYERS.get(part)


def imports_of(module: str, source: str, known: set[str]) -> set[str]:
    """The app's modules that ``module`` imports, anywhere in its source."""
    is_package = any(name.startswith(module + ".") for name in known)
    package = module if is_package else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{base}.{node.module}" if node.module else base
            else:
                base = node.module or ""
            # ``from . import views`` imports a module; ``from .models import Article``, a name from one.
            found.update(
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names
            )
    return {name for name in found if name in known and name != module}


def import_graph(sources: dict[str, str]) -> dict[str, set[str]]:
    known = set(sources)
    return {module: imports_of(module, source, known) for module, source in sources.items()}


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    return sorted(
        f"{module} ({LAYER_NAMES[layer_of(module)]}) imports {imported} ({LAYER_NAMES[layer_of(imported)]})"
        for module, imported_modules in graph.items()
        for imported in imported_modules
        if layer_of(module) is not None and layer_of(imported) is not None and layer_of(imported) > layer_of(module)
    )


def is_pages(part: str) -> bool:
    return part == "articles.views" or part.endswith(".views")


def sibling_imports(graph: dict[str, set[str]]) -> list[str]:
    """Imports between different parts of the interface layer (``feeds`` importing ``views``, say); only pages
    may share code with other pages (a search page built on the article list's base class)."""
    return sorted(
        f"{module} imports {imported}"
        for module, imported_modules in graph.items()
        for imported in imported_modules
        if layer_of(module) == layer_of(imported) == INTERFACE and part_of(module) != part_of(imported)
        and not (is_pages(part_of(module)) and is_pages(part_of(imported)))
    )


def part_graph(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """Which parts of the app import which others."""
    parts: dict[str, set[str]] = {}
    for module, imported_modules in graph.items():
        parts.setdefault(part_of(module), set()).update(part_of(imported) for imported in imported_modules)
    for part, imported_parts in parts.items():
        imported_parts.discard(part)
    return parts


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each loop of imports found by a depth-first walk, as the modules (or parts) round it."""
    cycles, done, path = [], set(), []

    def visit(module: str) -> None:
        if module in path:
            cycles.append([*path[path.index(module):], module])
            return
        if module in done:
            return
        path.append(module)
        for imported in sorted(graph[module]):
            visit(imported)
        path.pop()
        done.add(module)

    for module in sorted(graph):
        visit(module)
    return cycles


def test_every_module_of_the_app_has_a_layer():
    assert [module for module in app_sources() if layer_of(module) is None] == []


def test_no_module_imports_from_a_layer_above_its_own():
    assert upward_imports(import_graph(app_sources())) == []


def test_feeds_sitemaps_admin_and_commands_import_no_page_and_none_of_each_other():
    assert sibling_imports(import_graph(app_sources())) == []


def test_no_modules_import_each_other():
    assert import_cycles(import_graph(app_sources())) == []


def test_no_parts_of_the_app_import_each_other():
    assert import_cycles(part_graph(import_graph(app_sources()))) == []


def test_the_app_never_imports_the_host_project():
    imported = set()
    for source in app_sources().values():
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.Import):
                imported.update(alias.name.partition(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                imported.add(node.module.partition(".")[0])
    assert "newsroom" not in imported and "tests" not in imported


@pytest.mark.parametrize(("sources", "expected"), [
    (
        {"articles.models": "from .views import public_articles", "articles.views": ""},
        ["articles.models (models) imports articles.views (views, admin and commands)"],
    ),
    (
        {"articles.services": "def f():\n    from articles.counting import readers", "articles.counting": "",
         "articles.counting.readers": "", "articles.feeds": "from . import services"},
        [],
    ),
    (
        {"articles.counting.selectors": "from ..views import most_read_context", "articles.counting": "",
         "articles.views": ""},
        ["articles.counting.selectors (selectors and services) imports articles.views (views, admin and commands)"],
    ),
])
def test_the_layer_check_sees_relative_absolute_and_function_level_imports(sources, expected):
    assert upward_imports(import_graph(sources)) == expected


def test_the_cycle_check_finds_a_loop_through_a_third_module():
    graph = import_graph({
        "articles.services": "from .counting.readers import x",
        "articles.counting": "",
        "articles.counting.readers": "from .recording import y",
        "articles.counting.recording": "from ..services import z",
    })
    assert import_cycles(graph) == [[
        "articles.counting.readers", "articles.counting.recording", "articles.services", "articles.counting.readers",
    ]]


def test_the_checks_find_what_the_issue_found_before_the_layers():
    graph = import_graph({
        "articles.feeds": "from .views import public_articles",
        "articles.views": "",
        "articles.services": "from .counting.backends import view_counter",
        "articles.counting": "",
        "articles.counting.backends": "",
        "articles.counting.readers": "from ..services import article_record_view",
    })
    assert sibling_imports(graph) == ["articles.feeds imports articles.views"]
    assert import_cycles(part_graph(graph)) == [["articles.counting", "articles.services", "articles.counting"]]
