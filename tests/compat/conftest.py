"""Fixtures of the ckanext-validation compatibility tests."""
from __future__ import annotations

import json
from typing import Any

import pytest

#: Frictionless Table Schema used by the validation tests.
TABLE_SCHEMA: dict[str, Any] = {
    "fields": [
        {"name": "kabupaten", "type": "string"},
        {"name": "tahun", "type": "integer"},
        {"name": "jumlah", "type": "integer"},
    ],
}
VALID_CSV = (b"kabupaten,tahun,jumlah\n"
             b"Ternate,2023,205001\nTidore,2023,114480\n")
#: Wrong type in "tahun" and in "jumlah": two type-error cells.
INVALID_CSV = (b"kabupaten,tahun,jumlah\n"
               b"Ternate,dua ribu,205001\nTidore,2023,banyak\n")


@pytest.fixture
def table_schema() -> str:
    return json.dumps(TABLE_SCHEMA)
