"""Checking every row of a data list (``parse_datalist``) and the
errors as text lines (``iter_errors_text``)."""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, Optional

from ckanext.sektoral.core.cells import is_formula_like
from ckanext.sektoral.core import tables

from ..stages import N_
from .base import (
    COLUMNS, COLUMNS_BY_KEY, CodesDir, Column, DEFAULT_MAX_ROWS,
    DEFAULT_MAX_TITLE_LENGTH, DataListError, DataListItem, DataListResult,
    FREE_TEXT_COLUMNS, MAX_CATATAN_LENGTH, MAX_SATUAN_LENGTH,
    MSG_AMBIGUOUS_OPD, MSG_CODE_LABEL_MISMATCH, MSG_DUPLICATE, MSG_FORMULA,
    MSG_MISSING_COLUMNS, MSG_NO_HEADER, MSG_NO_ROWS, MSG_REQUIRED,
    MSG_TOO_LONG, MSG_TOO_MANY_ROWS, MSG_UNKNOWN_CODE, MSG_UNKNOWN_OPD,
    MSG_UNKNOWN_TEMPLATE, Translate, clean_line, identity, normalize_key,
    normalize_title,
)
from .codelists import CodeResolver, code_resolvers
from .opd import OpdIndex
from .reader import (
    FileProblem, HEADER_SEARCH_ROWS, ROW_ALLOWANCE, find_header,
    read_sheet, split_footer,
)


# ---------------------------------------------------------------------------
# Parsing


def parse_datalist(
        data: bytes,
        filename: str,
        opd_lookup: Mapping[str, str],
        *,
        max_rows: int = DEFAULT_MAX_ROWS,
        max_title_length: int = DEFAULT_MAX_TITLE_LENGTH,
        codes_dir: CodesDir = None,
        template_names: Optional[Iterable[str]] = None,
) -> DataListResult:
    """Read and check a data list file; never raises on bad input.

    :param data: the uploaded file's content
    :param filename: its name (the extension helps tell formats apart)
    :param opd_lookup: every accepted spelling of an OPD (organization
        name, title, kode, singkatan, ...) → organization name; spellings
        are compared case-, accent- and punctuation-insensitively. See
        ``build_opd_lookup``.
    :param max_rows: more data rows than this is an error
    :param max_title_length: longest accepted ``judul``
    :param codes_dir: code list override directory (see ``codes.load``;
        default: the configured one, or the shipped lists)
    :param template_names: accepted template names (default
        ``tables.template_names()``)
    :returns: the valid rows and every error; create nothing unless
        ``result.ok``
    """
    try:
        sheet = read_sheet(data, filename, max_rows + ROW_ALLOWANCE)
    except FileProblem as problem:
        return DataListResult(
            (), (DataListError(1, None, None, problem.message,
                               problem.params),))

    header = find_header(sheet.rows)
    header_row: Optional[int] = None

    def file_error(message: str, **params: Any) -> DataListResult:
        return DataListResult(
            (), (DataListError(header_row or 1, None, None, message,
                               params),),
            sheet.file_format, sheet.name, header_row)

    if header is None:
        return file_error(
            MSG_NO_HEADER, rows=HEADER_SEARCH_ROWS,
            columns=", ".join(c.header for c in COLUMNS if c.required))
    header_index, column_map = header
    header_row, header_cells = sheet.rows[header_index]
    missing = [c.header for c in COLUMNS
               if c.required and c.key not in column_map]
    if missing:
        return file_error(MSG_MISSING_COLUMNS,
                          columns=", ".join(missing))
    body = split_footer([
        (number, cells) for number, cells in sheet.rows[header_index + 1:]
        if any(_get(cells, i) for i in column_map.values())
    ])
    if sheet.truncated or len(body) > max_rows:
        return file_error(MSG_TOO_MANY_ROWS, max=max_rows)
    if not body:
        return file_error(MSG_NO_ROWS)

    validator = _RowValidator(
        column_map=column_map,
        headings={k: _heading(header_cells[i])
                  for k, i in column_map.items()},
        opds=OpdIndex(opd_lookup),
        resolvers=code_resolvers(codes_dir),
        templates=list(template_names if template_names is not None
                       else tables.template_names()),
        max_title_length=max_title_length,
    )
    items: list[DataListItem] = []
    errors: list[DataListError] = []
    for number, cells in body:
        item, row_errors = validator.check(number, cells)
        errors.extend(row_errors)
        if item is not None:
            items.append(item)
    return DataListResult(tuple(items), tuple(errors), sheet.file_format,
                          sheet.name, header_row)


def _heading(text: str) -> str:
    """A column heading for messages: one line, without a "required"
    asterisk."""
    return re.sub(r"\s*\*+$", "", clean_line(text)) or text


def _get(cells: Sequence[str], index: int) -> str:
    return cells[index] if index < len(cells) else ""


class _RowValidator:
    """Checks the rows of one file (remembers titles for duplicates)."""

    def __init__(self, *, column_map: Mapping[str, int],
                 headings: Mapping[str, str], opds: OpdIndex,
                 resolvers: Mapping[str, CodeResolver],
                 templates: Sequence[str], max_title_length: int) -> None:
        self.column_map = column_map
        self.headings = headings
        self.opds = opds
        self.resolvers = resolvers
        self.templates = list(templates)
        self._template_index = {
            normalize_key(t).replace(" ", "_"): t for t in self.templates}
        self.max_title_length = max_title_length
        self._seen: dict[tuple[str, str], int] = {}

    def heading(self, key: str) -> str:
        return self.headings.get(key) or COLUMNS_BY_KEY[key].header

    def check(self, number: int, cells: Sequence[str]) -> tuple[
            Optional[DataListItem], list[DataListError]]:
        """The item of one row, or None and its errors."""
        errors: list[DataListError] = []

        def error(key: str, message: str, **params: Any) -> None:
            params.setdefault("column", self.heading(key))
            errors.append(DataListError(
                number, self.heading(key), key, message, params))

        raw = {key: _get(cells, index)
               for key, index in self.column_map.items()}
        values: dict[str, Optional[str]] = {}
        for col in COLUMNS:
            text = raw.get(col.key, "")
            if col.key != "catatan":
                text = clean_line(text)
            else:
                text = text.replace("\r\n", "\n").strip()
            if not text:
                if col.required:
                    error(col.key, MSG_REQUIRED)
                values[col.key] = None
                continue
            values[col.key] = self._value(col, text, error)

        for key in FREE_TEXT_COLUMNS:
            free_text = values.get(key)
            if free_text and is_formula_like(free_text):
                error(key, MSG_FORMULA,
                      start=free_text.lstrip(" \n")[:1] or free_text[:1])
        self._check_length(values, "judul", self.max_title_length, error)
        self._check_length(values, "satuan", MAX_SATUAN_LENGTH, error)
        self._check_length(values, "catatan", MAX_CATATAN_LENGTH, error)

        judul = values.get("judul") or clean_line(raw.get("judul", ""))
        if judul:
            owner = values.get("opd") or normalize_key(raw.get("opd", ""))
            seen_key = (owner, normalize_title(judul))
            if seen_key in self._seen:
                error("judul", MSG_DUPLICATE, row=self._seen[seen_key])
            else:
                self._seen[seen_key] = number

        if errors:
            return None, errors
        assert all(values[c.key] for c in COLUMNS if c.required)
        return DataListItem(
            row=number,
            org=str(values["opd"]),
            judul=str(values["judul"]),
            satuan=str(values["satuan"]),
            level_penyajian=str(values["level_penyajian"]),
            frekuensi=str(values["frekuensi"]),
            urusan=str(values["urusan"]),
            template=values.get("template"),
            catatan=values.get("catatan") or "",
        ), []

    def _value(self, col: Column, text: str,
               error: Callable[..., None]) -> Optional[str]:
        """The checked value of one non-empty cell (None after an error)."""
        if col.key == "opd":
            org, options = self.opds.resolve(text)
            if org is None:
                message = (MSG_AMBIGUOUS_OPD if self.opds.is_ambiguous(text)
                           else MSG_UNKNOWN_OPD)
                error(col.key, message, value=text,
                      options=", ".join(options) or "-")
            return org
        if col.key in self.resolvers:
            resolver = self.resolvers[col.key]
            code, mismatch = resolver.resolve(text)
            if mismatch is not None:
                given_code, given_label = mismatch
                error(col.key, MSG_CODE_LABEL_MISMATCH, value=text,
                      code=given_code, given=given_label,
                      label=resolver.code_list.label(given_code, "id"))
            elif code is None:
                error(col.key, MSG_UNKNOWN_CODE, value=text,
                      options="; ".join(resolver.suggestions(text)))
            return code
        if col.key == "template":
            name = self._template_index.get(
                normalize_key(text).replace(" ", "_"))
            if name is None:
                error(col.key, MSG_UNKNOWN_TEMPLATE, value=text,
                      options=", ".join(self.templates) or "-")
            return name
        return text

    @staticmethod
    def _check_length(values: Mapping[str, Optional[str]], key: str,
                      limit: int, error: Callable[..., None]) -> None:
        value = values.get(key)
        if value and len(value) > limit:
            error(key, MSG_TOO_LONG, length=len(value), max=limit)


def iter_errors_text(result: DataListResult,
                     translate: Translate = identity) -> Iterator[str]:
    """One line per error ("Row 5, Level Penyajian: ..."), for logs and
    command-line use; the UI formats ``DataListError`` itself."""
    for error in result.errors:
        where = translate(N_("Row %(row)s")) % {"row": error.row}
        if error.column:
            where = f"{where}, {error.column}"
        yield f"{where}: {error.text(translate)}"
