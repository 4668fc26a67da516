"""Markdown table of the fields of the scheming schemas (for the README).

    python -m ckanext.sektoral.schema_doc            # all three schemas
    python -m ckanext.sektoral.schema_doc publikasi.yaml --lang en

Plain Python: reads the YAML files shipped in ``schemas/``.
"""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, Optional

import yaml

from ckanext.sektoral.core import codes
from ckanext.sektoral.core.completeness import REQUIRED_KEY, label_text

SCHEMA_FILES = ("data_sektoral.yaml", "publikasi.yaml", "opd.yaml")


def schemas_dir() -> Path:
    return codes.shipped_dir().parent


def _rows(fields: list[dict[str, Any]], lang: str) -> list[str]:
    rows = []
    for f in fields:
        kind = f.get("preset") or f.get("form_snippet", "text").split(".")[0]
        if f.get("sektoral_codes"):
            n = len(codes.load(f["sektoral_codes"], directory=None))
            kind = f"code list `{f['sektoral_codes']}` ({n})"
            if f.get("preset") == "sektoral_code_multiple":
                kind += ", multiple"
        rows.append("| `{}` | {} | {} | {} |".format(
            f["field_name"], label_text(f.get("label"), lang, ""),
            "yes" if f.get(REQUIRED_KEY) else "", kind))
    return rows


def render(filename: str, lang: str = "id") -> str:
    """Markdown for one schema file."""
    with open(schemas_dir() / filename, encoding="utf-8") as f:
        schema = yaml.safe_load(f)
    title = schema.get("dataset_type") or (
        f"organization ({Path(filename).stem})")
    header = ["| field | label | required to submit | type |",
              "|---|---|---|---|"]
    parts = [f"#### {title}", ""]
    if "fields" in schema:
        parts += header + _rows(schema["fields"], lang)
    else:
        parts += header + _rows(schema["dataset_fields"], lang)
        parts += ["", f"Resource fields of {title}:", ""]
        parts += header + _rows(schema.get("resource_fields", []), lang)
    return "\n".join(parts) + "\n"


def render_all(files: Optional[list[str]] = None, lang: str = "id") -> str:
    """Field tables of every schema file (``docs/fields.md``)."""
    return "\n".join(render(f, lang) for f in (files or list(SCHEMA_FILES)))


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="*", default=list(SCHEMA_FILES))
    parser.add_argument("--lang", default="id")
    args = parser.parse_args(argv)
    print(render_all(args.files, args.lang), end="")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
