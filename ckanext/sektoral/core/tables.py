"""Frictionless Table Schema templates generated from the code lists.

The JSON files in ``schemas/tables/`` are the output of ``generate_all()``
on the shipped code lists (a test keeps them equal). A deployment for
another province regenerates them from its own code lists with::

    python -m ckanext.sektoral.core.tables --codes-path /etc/ckan/sektoral/codes \\
        --out /etc/ckan/sektoral/tables

Shapes (long, "tidy" tables as on Indonesian regional portals):

``kabupaten_kota_tahunan``  a measure by kabupaten/kota and year
``kecamatan_tahunan``       a measure by kecamatan and year
``provinsi_runtun_waktu``   a province time series by year

Each comes in two number formats: ``<shape>`` (``1234.56``) and
``<shape>_angka_id`` (Indonesian ``1.234,56``: ``decimalChar ","``,
``groupChar "."``). BPS table symbols are declared as ``missingValues``;
what each means (``-`` nihil = 0, the others no figure) is
``core/symbols.py``. Each declares its ``primaryKey`` (region and
year), so a duplicate row fails validation.

Region codes are BPS codes (as on Indonesian open-data portals), typed
``integer`` so that a numeric Excel cell and a CSV text read the same;
the Kemendagri code of each region stays in the code list and is never
derived from the BPS one.
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any, Optional, Union

from ckanext.sektoral.core import codes
from ckanext.sektoral.core import symbols

#: BPS table symbols and the empty cell (meanings: ``core/symbols.py``:
#: ``-``/``–`` nihil, ``...``/``…``/``NA`` not available, ``x`` confidential).
BPS_MISSING_VALUES: list[str] = list(symbols.MISSING_VALUES)

SHAPES: tuple[str, ...] = (
    "kabupaten_kota_tahunan",
    "kecamatan_tahunan",
    "provinsi_runtun_waktu",
)
INDONESIAN_SUFFIX = "_angka_id"
#: One row per region and year: a duplicate row fails validation.
PRIMARY_KEYS: dict[str, tuple[str, ...]] = {
    "kabupaten_kota_tahunan": ("kode_kabupaten_kota", "tahun"),
    "kecamatan_tahunan": ("kode_kecamatan", "tahun"),
    "provinsi_runtun_waktu": ("kode_provinsi", "tahun"),
}

Descriptor = dict[str, Any]


def template_names() -> list[str]:
    """Names of all templates (shape x number format)."""
    return [n for s in SHAPES for n in (s, s + INDONESIAN_SUFFIX)]


def _province_fields(prov: codes.Code) -> list[Descriptor]:
    kode = int(prov.extra["kode_bps"])
    return [
        {
            "name": "kode_provinsi",
            "type": "integer",
            "title": "Kode Provinsi",
            "description": "Kode provinsi menurut BPS.",
            "constraints": {"required": True, "enum": [kode]},
        },
        {
            "name": "nama_provinsi",
            "type": "string",
            "title": "Nama Provinsi",
            "description": "Nama provinsi.",
            "constraints": {"required": True, "enum": [prov.label("id")]},
        },
    ]


def _regency_fields(regs: list[codes.Code]) -> list[Descriptor]:
    return [
        {
            "name": "kode_kabupaten_kota",
            "type": "integer",
            "title": "Kode Kabupaten/Kota",
            "description": (
                "Kode kabupaten/kota menurut BPS (bukan kode Kemendagri)."),
            "constraints": {
                "required": True,
                "enum": [int(r.extra["kode_bps"]) for r in regs],
            },
        },
        {
            "name": "nama_kabupaten_kota",
            "type": "string",
            "title": "Nama Kabupaten/Kota",
            "description": "Nama kabupaten/kota.",
            "constraints": {
                "required": True,
                "enum": [r.label("id") for r in regs],
            },
        },
    ]


def _district_fields(prov: codes.Code) -> list[Descriptor]:
    base = int(prov.extra["kode_bps"]) * 100000
    return [
        {
            "name": "kode_kecamatan",
            "type": "integer",
            "title": "Kode Kecamatan",
            "description": "Kode kecamatan menurut BPS (7 digit).",
            "constraints": {
                "required": True, "minimum": base, "maximum": base + 99999,
            },
        },
        {
            "name": "nama_kecamatan",
            "type": "string",
            "title": "Nama Kecamatan",
            "description": "Nama kecamatan.",
            "constraints": {"required": True},
        },
    ]


def _measure_fields(indonesian_numbers: bool) -> list[Descriptor]:
    nilai: Descriptor = {
        "name": "nilai",
        "type": "number",
        "title": "Nilai",
        "description": (
            "Nilai variabel. Ganti nama kolom, judul (nama variabel) dan "
            "deskripsi (konsep dan definisi, MS-Var) sesuai data. Simbol "
            "BPS: - nihil (dihitung 0); ... dan NA data tidak tersedia, x "
            "data dirahasiakan (tidak dijumlahkan, tidak sebagai 0)."),
    }
    if indonesian_numbers:
        nilai["decimalChar"] = ","
        nilai["groupChar"] = "."
    return [
        nilai,
        {
            "name": "satuan",
            "type": "string",
            "title": "Satuan",
            "description": "Satuan nilai (mis. jiwa, ton, persen).",
        },
        {
            "name": "tahun",
            "type": "year",
            "title": "Tahun",
            "description": "Tahun data.",
            "constraints": {"required": True},
        },
    ]


def generate(shape: str, indonesian_numbers: bool = False,
             directory: Union[str, Path, None] = None) -> Descriptor:
    """Table Schema descriptor of one template from the code lists.

    :param shape: one of ``SHAPES``
    :param indonesian_numbers: ``decimalChar ","`` and ``groupChar "."``
    :param directory: code list override directory (see ``codes.load``)
    """
    prov = codes.province(directory)
    fields = _province_fields(prov)
    if shape == "kabupaten_kota_tahunan":
        fields += _regency_fields(codes.regencies(directory))
    elif shape == "kecamatan_tahunan":
        fields += _regency_fields(codes.regencies(directory))
        fields += _district_fields(prov)
    elif shape != "provinsi_runtun_waktu":
        raise ValueError(f"unknown template shape {shape!r}")
    fields += _measure_fields(indonesian_numbers)
    return {"fields": fields, "missingValues": list(BPS_MISSING_VALUES),
            "primaryKey": list(PRIMARY_KEYS[shape])}


def generate_named(name: str,
                   directory: Union[str, Path, None] = None) -> Descriptor:
    """Descriptor of template ``name`` (``<shape>[_angka_id]``)."""
    indonesian = name.endswith(INDONESIAN_SUFFIX)
    shape = name[: -len(INDONESIAN_SUFFIX)] if indonesian else name
    return generate(shape, indonesian, directory)


def generate_all(
        directory: Union[str, Path, None] = None) -> dict[str, Descriptor]:
    """All templates by name."""
    return {n: generate_named(n, directory) for n in template_names()}


def dumps(descriptor: Descriptor) -> str:
    """Canonical JSON text of a template file."""
    return json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n"


def shipped_dir() -> Path:
    """Directory of the shipped template files."""
    return codes.shipped_dir().parent / "tables"


def load(name: str) -> Descriptor:
    """A shipped template file."""
    if name not in template_names():
        raise ValueError(f"unknown template {name!r}")
    with open(shipped_dir() / f"{name}.json", encoding="utf-8") as f:
        return json.load(f)


def write_all(out: Union[str, Path],
              directory: Union[str, Path, None] = None) -> list[Path]:
    """Write every template as ``<out>/<name>.json``."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, descriptor in generate_all(directory).items():
        path = out / f"{name}.json"
        path.write_text(dumps(descriptor), encoding="utf-8")
        written.append(path)
    return written


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=str(shipped_dir()))
    parser.add_argument("--codes-path", default=None,
                        help="code list override directory")
    args = parser.parse_args(argv)
    for path in write_all(args.out, args.codes_path):
        print(path)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())


def resource_schema(resource: dict[str, Any]) -> Optional[dict[str, Any]]:
    """The resource's Table Schema as a dict (None if it has none or it is
    not a Table Schema): ckanext-validation keeps it as JSON text or dict."""
    schema = resource.get("schema")
    if isinstance(schema, str):
        if not schema.strip():
            return None
        try:
            schema = json.loads(schema)
        except ValueError:
            return None
    return schema if isinstance(schema, dict) and schema.get("fields") \
        else None
