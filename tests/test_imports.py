"""The package's import graph: every module imports on its own, and the
search backend imports nothing of the product.

Each module is imported first in a fresh interpreter (a child forked
from one that has loaded CKAN and the third-party libraries, never this
package), so a cycle that only bites when a given module is imported
first, e.g. ``import ckanext.sektoral.publication.cli`` raising
ImportError, shows here instead of in a deployment.
"""
from __future__ import annotations

import ast
import json
import pathlib
import subprocess
import sys

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parents[1] / "ckanext" / "sektoral"
SEARCH = PACKAGE / "search"


def _modules() -> list[str]:
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parents[1]).with_suffix("")
        if "migration" in rel.parts:  # alembic scripts, run by alembic
            continue
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts.pop()
        names.append(".".join(parts))
    return names


#: Imports every module given on stdin, each first in a forked child;
#: prints {module: error} for those that fail.
_PROBE = r"""
import importlib, json, os, sys, traceback
# What the package builds on, loaded once before the children fork.
import ckan.plugins.toolkit, ckan.model, ckan.lib.helpers, flask, sqlalchemy
assert not [m for m in sys.modules if m.startswith("ckanext.sektoral")]
failed = {}
for name in json.load(sys.stdin):
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        try:
            importlib.import_module(name)
            message = ""
        except BaseException:
            message = traceback.format_exc(limit=-4)
        os.write(write, message.encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        message = pipe.read().decode()
    os.waitpid(pid, 0)
    if message:
        failed[name] = message
print(json.dumps(failed))
"""


def test_every_module_imports_first_and_alone():
    modules = _modules()
    assert "ckanext.sektoral.cli.publication" in modules
    result = subprocess.run(
        [sys.executable, "-c", _PROBE], input=json.dumps(modules),
        capture_output=True, text=True, timeout=600,
        cwd=PACKAGE.parents[1])
    assert result.returncode == 0, result.stderr
    failed = json.loads(result.stdout.strip().splitlines()[-1])
    assert not failed, "\n".join(f"{m}:\n{e}" for m, e in failed.items())


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
    ("import ckanext.sektoral.core.codes", "ckanext.sektoral.core.codes"),
])
def test_the_search_walk_sees_every_spelling(source, expected):
    names = [n for _, n in _imported(ast.parse(source),
                                     "ckanext.sektoral.search.backend")]
    assert expected in names


def test_the_data_list_package_stays_plain_python():
    """``core/datalist/`` (like the rest of ``workflow/``'s parsing)
    runs without CKAN: importing it loads no ``ckan`` module."""
    probe = ("import sys, ckanext.sektoral.core.datalist\n"
             "print([m for m in sys.modules if m.split('.')[0] == 'ckan'])")
    result = subprocess.run([sys.executable, "-c", probe], check=True,
                            capture_output=True, text=True, timeout=120)
    assert result.stdout.strip() == "[]"
