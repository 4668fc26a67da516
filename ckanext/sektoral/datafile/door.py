"""Refuse, at upload, a data file the portal cannot read as a table.

Plain Python: :func:`check` gets the first bytes and the size of the file
(the caller reads them from the upload) and returns a :class:`Problem`
(an English msgid marked with ``N_`` and its parameters) or ``None``. The
CKAN side translates the message and raises ``ValidationError``, so the
resource is not created and nothing is stored.

Accepted data formats: CSV (UTF-8, with or without BOM), XLSX and XLS
(Excel 97-2003, which ckanext-validation and the analysis read). The kind
of a file comes from its content, not from its name: an XLSX named
``.csv`` is read as XLSX (:func:`detect`).
"""
from __future__ import annotations

import codecs
import dataclasses
import json
import zipfile
from io import BytesIO
from typing import IO, Any, Optional

from ckanext.sektoral.core.stages import N_

#: Formats a data file may have (what ckanext-validation and the analysis read).
ACCEPTED = ("CSV", "XLSX", "XLS")

MSG_EMPTY = N_("The file is empty. Save the table again and upload the "
               "file.")
MSG_TOO_BIG = N_("The file is %(size)s MB; the upload limit is %(limit)s "
                 "MB. Split the data into several files (for example one "
                 "per year) or remove columns that are not in the "
                 "template.")
MSG_UTF16 = N_("The file is saved as Unicode text (UTF-16), which the "
               "portal cannot read. In Excel choose File > Save As > "
               "\"CSV UTF-8 (Comma delimited)\" and upload that file.")
MSG_NOT_UTF8 = N_("The file is not in UTF-8: line %(line)s contains a "
                  "character that cannot be read (the file was probably "
                  "saved as \"CSV (Comma delimited)\" in the Windows "
                  "encoding). In Excel choose File > Save As > \"CSV "
                  "UTF-8 (Comma delimited)\" and upload that file.")
MSG_HTML = N_("The file is a web page (HTML), not a table, although it "
              "is named %(name)s: it was probably saved from a browser or "
              "downloaded from a link that needs a login. Open the table "
              "in Excel and save it as \"CSV UTF-8 (Comma delimited)\" or "
              "XLSX.")
MSG_JSON = N_("The file contains JSON, not a table, although it is named "
              "%(name)s. Save the table as \"CSV UTF-8 (Comma delimited)\" "
              "or XLSX.")
MSG_BINARY = N_("The file is not a text table (it contains binary data), "
                "although it is named %(name)s. Save the table as \"CSV "
                "UTF-8 (Comma delimited)\" or XLSX.")
MSG_DAMAGED = N_("The file %(name)s is damaged: it cannot be opened as "
                 "a workbook. Open it in Excel and save it again as an "
                 "Excel workbook (.xlsx) or as \"CSV UTF-8 (Comma "
                 "delimited)\".")
MSG_UNSUPPORTED = N_("A data file cannot be %(kind)s: the portal reads "
                     "only these formats: %(formats)s. Save the table as "
                     "\"CSV UTF-8 (Comma delimited)\" or as an Excel "
                     "workbook (.xlsx); documents such as letters or "
                     "reports are uploaded with another file type than "
                     "Data.")
MSG_UNSUPPORTED_FORMAT = N_("A data file cannot be in the format "
                            "%(format)s: the portal reads only these "
                            "formats: %(formats)s.")
MSG_TOO_BIG_FILE = N_("The file is %(size)s MB; the upload limit is "
                      "%(limit)s MB.")

#: Kinds of file that are not accepted as data, as named in messages.
KIND_LABELS = {
    "ods": N_("an OpenDocument spreadsheet (ODS)"),
    "zip": N_("a ZIP archive"),
    "pdf": N_("a PDF document"),
    "image": N_("an image"),
    "doc": N_("a Word or other Office document"),
}


@dataclasses.dataclass(frozen=True)
class Problem:
    """A refusal: msgid and parameters (``kind`` parameters are msgids too)."""

    msgid: str
    params: dict[str, Any] = dataclasses.field(default_factory=dict)
    #: Parameters whose values are msgids to translate before formatting.
    translate: tuple[str, ...] = ()


def _zip_kind(data: bytes) -> str:
    try:
        names = set(zipfile.ZipFile(BytesIO(data)).namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return "damaged"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "mimetype" in names and "content.xml" in names:
        return "ods"
    if "word/document.xml" in names or "ppt/presentation.xml" in names:
        return "doc"
    return "zip"


def detect(head: bytes, whole: Optional[bytes] = None) -> str:
    """Kind of a file from its first bytes: ``csv`` (text), ``xlsx``,
    ``ods``, ``zip``, ``doc``, ``xls``, ``pdf``, ``image``, ``html``,
    ``json``, ``utf16``, ``binary``, ``damaged`` (a broken ZIP) or
    ``empty``. ``whole`` (the complete
    content) lets a ZIP be told apart (XLSX, ODS, DOCX, other)."""
    if not head:
        return "empty"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _zip_kind(whole if whole is not None else head)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "xls"
    if head.startswith(b"%PDF"):
        return "pdf"
    if (head.startswith(b"\x89PNG") or head.startswith(b"\xff\xd8\xff")
            or head[:6] in (b"GIF87a", b"GIF89a")
            or (head[:4] == b"RIFF" and head[8:12] == b"WEBP")
            or head[:4] in (b"II*\x00", b"MM\x00*") or head[:2] == b"BM"):
        return "image"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf16"
    if len(head) >= 8 and max(head[0::2].count(0), head[1::2].count(0)) \
            > len(head) // 4:
        return "utf16"  # without BOM: every second byte NUL for ASCII
    if b"\x00" in head:
        return "binary"
    text = head.lstrip(codecs.BOM_UTF8).lstrip().lower()
    if text.startswith((b"<!doctype html", b"<html", b"<head", b"<body",
                        b"<table", b"<?xml", b"<meta", b"<div")):
        return "html"
    if text[:1] in (b"{", b"["):
        try:
            json.loads((whole if whole is not None else head)
                       .decode("utf-8-sig"))
            return "json"
        except ValueError:
            pass
    return "csv"


def first_undecodable_line(stream: IO[bytes]) -> Optional[int]:
    """Line (1-based) of the first byte that is not UTF-8, None if the
    whole stream is UTF-8 (read in chunks; a split character is fine)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    line = 1
    while True:
        chunk = stream.read(1 << 20)
        if not chunk:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                return line
            return None
        try:
            text = decoder.decode(chunk)
        except UnicodeDecodeError as error:
            return line + chunk[:error.start].count(b"\n")
        line += text.count("\n")


def _mb(size: int) -> str:
    value = size / (1024 * 1024)
    return ("%.1f" % value).rstrip("0").rstrip(".") if value < 100 \
        else "%d" % value


def too_big(size: int, limit_mb: int) -> Problem:
    """The refusal of a file (any kind) over the upload limit."""
    return Problem(MSG_TOO_BIG_FILE, {"size": _mb(size), "limit": limit_mb})


def check(stream: IO[bytes], filename: str, size: int,
          limit_mb: int) -> tuple[Optional[Problem], str]:
    """``(problem, kind)`` of an uploaded data file; ``problem`` is None
    when it may be stored (then ``kind`` is ``csv``, ``xlsx`` or ``xls``).

    :param stream: the file, positioned anywhere (left at 0)
    :param filename: its name (named in messages)
    :param size: its size in bytes
    :param limit_mb: CKAN's ``ckan.max_resource_size``
    """
    name = filename or "-"
    if size > limit_mb * 1024 * 1024:
        return Problem(MSG_TOO_BIG, {"size": _mb(size),
                                     "limit": limit_mb}), "big"
    stream.seek(0)
    head = stream.read(4096)
    whole = None
    if head.startswith(b"PK"):
        stream.seek(0)
        whole = stream.read()
    stream.seek(0)
    kind = detect(head, whole)
    if kind == "empty" or (kind == "csv" and not head.lstrip(
            codecs.BOM_UTF8).strip()):
        return Problem(MSG_EMPTY), "empty"
    if kind == "utf16":
        return Problem(MSG_UTF16), kind
    if kind == "html":
        return Problem(MSG_HTML, {"name": name}), kind
    if kind == "json":
        return Problem(MSG_JSON, {"name": name}), kind
    if kind == "binary":
        return Problem(MSG_BINARY, {"name": name}), kind
    if kind == "damaged":
        return Problem(MSG_DAMAGED, {"name": name}), kind
    if kind in KIND_LABELS:
        return Problem(MSG_UNSUPPORTED, {
            "kind": KIND_LABELS[kind], "formats": ", ".join(ACCEPTED)},
            translate=("kind",)), kind
    if kind == "csv":
        line = first_undecodable_line(stream)
        stream.seek(0)
        if line is not None:
            return Problem(MSG_NOT_UTF8, {"line": line}), kind
    return None, kind
