"""The package's import graph: the search backend imports nothing of
the product."""
from __future__ import annotations

import ast
import pathlib

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parents[1] / "ckanext" / "sektoral"
SEARCH = PACKAGE / "search"


def _imported(tree: ast.AST, module: str) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in ``tree``, relative
    ones resolved against ``module``."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, a.name) for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")[:-node.level]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            found.append((node.lineno, name))
            # ``from ckanext.sektoral import config`` names a module too
            found.extend((node.lineno, f"{name}.{a.name}") for a in node.names)
    return found


def test_search_backend_imports_nothing_of_the_product():
    outside = []
    for path in sorted(SEARCH.glob("*.py")):
        stem = path.stem
        module = ("ckanext.sektoral.search" if stem == "__init__"
                  else f"ckanext.sektoral.search.{stem}")
        if stem == "__init__":
            module += ".__init__"
        tree = ast.parse(path.read_text("utf-8"), str(path))
        for line, name in _imported(tree, module):
            if (name.startswith("ckanext.sektoral")
                    and not (name + ".").startswith("ckanext.sektoral.search.")
                    and name != "ckanext.sektoral.search"):
                outside.append(f"{path.name}:{line} imports {name}")
    assert not outside, outside


@pytest.mark.parametrize("source, expected", [
    ("from ckanext.sektoral import config", "ckanext.sektoral.config"),
    ("from .. import config", "ckanext.sektoral.config"),
    ("import ckanext.sektoral.codes", "ckanext.sektoral.codes"),
])
def test_the_search_walk_sees_every_spelling(source, expected):
    names = [n for _, n in _imported(ast.parse(source),
                                     "ckanext.sektoral.search.backend")]
    assert expected in names
