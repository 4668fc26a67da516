"""What is refused at upload (plain Python, no CKAN)."""
from __future__ import annotations

import codecs
import io

import pytest

from ckanext.sektoral.datafile import door
from tests.badfiles.corpus import CASES

BY_NAME = {c.name: c for c in CASES}


def _check(data: bytes, name: str = "f.csv", limit: int = 10):
    return door.check(io.BytesIO(data), name, len(data), limit)


@pytest.mark.parametrize("case", [c for c in CASES if c.outcome == "door"],
                         ids=lambda c: c.name)
def test_every_door_case_of_the_corpus_is_refused(case):
    problem, _ = _check(case.build(), case.filename, 1)
    assert problem is not None


@pytest.mark.parametrize("case", [c for c in CASES if c.outcome != "door"],
                         ids=lambda c: c.name)
def test_files_that_are_tables_pass_the_door(case):
    problem, kind = _check(case.build(), case.filename, 1)
    assert problem is None and kind in ("csv", "xlsx")


def test_kind_comes_from_the_content_not_the_name():
    assert _check(BY_NAME["valid_xlsx_named_csv"].build())[1] == "xlsx"
    assert door.detect(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest") == "xls"
    assert door.detect(codecs.BOM_UTF8 + b"a,b\n1,2\n") == "csv"


def test_utf16_without_bom_is_recognised():
    assert door.detect("kode\tnilai\r\n82\t1\r\n".encode("utf-16-le")) \
        == "utf16"


def test_size_limit_is_stated_in_mb():
    problem, _ = _check(b"a,b\n" * (300 * 1024), limit=1)
    assert problem.msgid == door.MSG_TOO_BIG
    assert problem.params == {"size": "1.2", "limit": 1}


def test_not_utf8_names_the_line():
    data = "a,b\n1,2\n3,caf\u00e9\n".encode("cp1252")
    problem, _ = _check(data)
    assert problem.msgid == door.MSG_NOT_UTF8 and problem.params == {"line": 3}


def test_utf8_split_across_chunks_is_fine():
    text = ("x" * ((1 << 20) - 1) + "\u00e9\n").encode("utf-8")
    assert door.first_undecodable_line(io.BytesIO(text)) is None


def test_unsupported_kind_names_the_accepted_formats():
    problem, kind = _check(BY_NAME["ods"].build(), "t.ods")
    assert kind == "ods" and problem.params["formats"] == "CSV, XLSX, XLS"
    assert problem.translate == ("kind",)
