"""The import contracts of pyproject.toml (checked by ``lint-imports`` in
scripts/lint.sh) must keep naming every part of the package: a module
added next to ``core`` or ``search`` is forbidden to them from the start,
and the core stays a folder of plain Python."""
from __future__ import annotations

import ast
import pathlib
import tomllib

ROOT = pathlib.Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "ckanext" / "sektoral"


def _contracts() -> dict[str, dict]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    contracts = config["tool"]["importlinter"]["contracts"]
    return {c["source_modules"][0]: c for c in contracts
            if c["type"] == "forbidden"}


def _parts() -> set[str]:
    """``ckanext.sektoral.<x>`` for every module and package at the top."""
    out = set()
    for path in PACKAGE.iterdir():
        if path.name.startswith("_") or path.name in ("migration",):
            continue
        if path.suffix == ".py" or (path / "__init__.py").is_file():
            out.add("ckanext.sektoral." + path.stem)
    return out


def test_the_core_is_forbidden_every_other_part_and_ckan():
    forbidden = set(_contracts()["ckanext.sektoral.core"]["forbidden_modules"])
    assert _parts() - {"ckanext.sektoral.core"} <= forbidden
    assert {"ckan", "flask", "sqlalchemy"} <= forbidden


def test_search_is_forbidden_every_other_part():
    forbidden = set(
        _contracts()["ckanext.sektoral.search"]["forbidden_modules"])
    assert _parts() - {"ckanext.sektoral.search"} <= forbidden


def test_every_core_folder_is_a_package():
    """``lint-imports`` sees only real packages (a folder without
    ``__init__.py`` would escape the contract)."""
    core = PACKAGE / "core"
    for folder in [core, *(p for p in core.rglob("*") if p.is_dir())]:
        if folder.name == "__pycache__":
            continue
        assert (folder / "__init__.py").is_file(), folder


def test_the_core_imports_nothing_of_ckan_even_inside_functions():
    for path in (PACKAGE / "core").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = ([a.name for a in node.names]
                     if isinstance(node, ast.Import) else
                     [node.module or ""] if isinstance(node, ast.ImportFrom)
                     else [])
            for name in names:
                top = name.split(".")[0]
                assert top != "ckan" and not (
                    name.startswith("ckanext.") and not name.startswith(
                        "ckanext.sektoral.core")), f"{path}: {name}"


def test_every_part_has_its_layer():
    """A new module or package must be placed in a layer (else nothing
    would stop it from importing upwards and closing a cycle)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    layers = next(c for c in config["tool"]["importlinter"]["contracts"]
                  if c["type"] == "layers")["layers"]
    placed = {name.strip() for layer in layers for name in layer.split("|")}
    assert _parts() <= placed, sorted(_parts() - placed)
