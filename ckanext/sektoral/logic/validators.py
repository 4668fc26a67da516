"""Validators of ckanext-sektoral (registered by ``tk.blanket.validators``).

Used by the scheming schemas in ``schemas/`` (directly or through the
presets of ``schemas/presets.yaml``). Every message goes through
``tk._`` (English msgid, Indonesian in ``i18n/id``). Empty values pass:
"required" means required to submit (the completeness gate), so a partly
filled dataset can always be saved.
"""
from __future__ import annotations

import json
import re
from typing import Any, Callable, Optional
from urllib.parse import urlsplit

import ckan.plugins.toolkit as tk
from ckan.types import Context, FlattenDataDict, FlattenErrorDict, FlattenKey

from ckanext.sektoral.core.cells import is_formula_like
from ckanext.sektoral.core import codes, tables
from ckanext.sektoral.core.stages import Position
from ckanext.sektoral import config as sektoral_config
from ckanext.sektoral import clock

try:  # scheming marks factories that receive (field, schema)
    from ckanext.scheming.validation import scheming_validator
except ImportError:  # pragma: no cover - scheming is a hard dependency
    def scheming_validator(fn: Any) -> Any:
        fn.is_a_scheming_validator = True
        return fn

__all__: list[str] = [
    "sektoral_cycle_code",
    "sektoral_template_name",
    "sektoral_position_name",
    "sektoral_code",
    "sektoral_codes",
    "sektoral_codes_output",
    "sektoral_year",
    "sektoral_year_not_before",
    "sektoral_url",
    "sektoral_email",
    "sektoral_phone",
    "sektoral_periode",
    "sektoral_default_kode_wilayah",
    "sektoral_default_cakupan",
    "sektoral_table_schema",
    "sektoral_dataset_refs",
]

Validator = Callable[..., Any]

MIN_YEAR = 1900
#: Years after the current one that are still plausible (projections).
MAX_YEARS_AHEAD = 30

#: Field types of Frictionless Table Schema v1.
TABLE_SCHEMA_TYPES: tuple[str, ...] = (
    "any", "array", "boolean", "date", "datetime", "duration", "geojson",
    "geopoint", "integer", "number", "object", "string", "time", "year",
    "yearmonth",
)

_EMAIL_RE = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@"
    r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")
_PHONE_RE = re.compile(r"^\+?[0-9 ()./-]{6,24}$")
_PERIOD_RE = re.compile(
    r"^\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?"
    r"|-Q[1-4]|-S[12])?$")


def _empty(value: Any) -> bool:
    return value is tk.missing or value is None or value == "" or value == []


def _as_list(value: Any, separator: str) -> Any:
    """A JSON list or a ``separator``-separated string as a list; other
    values (lists, or garbage the caller reports) unchanged."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if text.startswith("["):
        try:
            return json.loads(text)
        except ValueError:
            return [text]
    return [v.strip() for v in re.split(separator, text) if v.strip()]


def _code_list_name(field: dict[str, Any]) -> str:
    name = field.get("sektoral_codes")
    if not name:
        raise ValueError(
            f"field {field.get('field_name')!r} needs 'sektoral_codes'")
    return name


@scheming_validator
def sektoral_code(field: dict[str, Any], schema: dict[str, Any]) -> Validator:
    """One code of the list named by the field's ``sektoral_codes`` key.

    Usage in a scheming schema::

        - field_name: frekuensi_penerbitan
          preset: sektoral_code_select
          sektoral_codes: frekuensi
    """
    list_name = _code_list_name(field)

    def validator(value: Any, context: Context) -> Any:
        if _empty(value):
            return value
        value = str(value).strip()
        if value not in codes.load(list_name):
            raise tk.Invalid(
                tk._('"{value}" is not a code of the list "{list}"').format(
                    value=value, list=list_name))
        return value

    return validator


@scheming_validator
def sektoral_codes(field: dict[str, Any], schema: dict[str, Any]) -> Validator:
    """Zero or more codes of the field's ``sektoral_codes`` list.

    Accepts a list, a JSON list or a single (comma-separated) string and
    stores a JSON list in code-list order.
    """
    list_name = _code_list_name(field)

    def validator(key: FlattenKey, data: FlattenDataDict,
                  errors: FlattenErrorDict, context: Context) -> None:
        value = data.get(key)
        if _empty(value):
            data[key] = "[]"
            return
        value = _as_list(value, r",")
        if not isinstance(value, (list, tuple)):
            errors[key].append(tk._("Expecting a list of codes"))
            return
        code_list = codes.load(list_name)
        selected = {str(v).strip() for v in value if str(v).strip()}
        for unknown in sorted(selected - set(code_list.values())):
            errors[key].append(
                tk._('"{value}" is not a code of the list "{list}"').format(
                    value=unknown, list=list_name))
        if not errors[key]:
            data[key] = json.dumps(
                [v for v in code_list.values() if v in selected])

    return validator


def sektoral_codes_output(value: Any) -> list[str]:
    """Stored JSON list of codes back to a list."""
    if isinstance(value, list):
        return value
    if not value:
        return []
    try:
        loaded = json.loads(value)
    except (TypeError, ValueError):
        return [value]
    return loaded if isinstance(loaded, list) else [loaded]


def _max_year() -> int:
    return clock.today().year + MAX_YEARS_AHEAD


def _parse_year(value: Any) -> Optional[int]:
    text = str(value).strip()
    if not re.fullmatch(r"\d{4}", text):
        return None
    year = int(text)
    return year if MIN_YEAR <= year <= _max_year() else None


def sektoral_year(value: Any, context: Context) -> Any:
    """A plausible four-digit year (1900 to 30 years ahead), stored as text."""
    if _empty(value):
        return value
    year = _parse_year(value)
    if year is None:
        raise tk.Invalid(
            tk._("Enter a four-digit year between {min} and {max}").format(
                min=MIN_YEAR, max=_max_year()))
    return str(year)


def sektoral_year_not_before(other_field: str) -> Validator:
    """The year must not be before the year in ``other_field``.

    ``validators: sektoral_year sektoral_year_not_before(tahun_awal)``
    """

    def validator(key: FlattenKey, data: FlattenDataDict,
                  errors: FlattenErrorDict, context: Context) -> None:
        end = data.get(key)
        start = data.get(key[:-1] + (other_field,))
        if _empty(end) or _empty(start) or errors.get(key):
            return
        end_year, start_year = _parse_year(end), _parse_year(start)
        if end_year is None or start_year is None:
            return  # reported by sektoral_year
        if end_year < start_year:
            errors[key].append(
                tk._("The end year ({end}) is before the start year "
                     "({start})").format(end=end_year, start=start_year))

    return validator


def sektoral_url(value: Any, context: Context) -> Any:
    """A well-formed http(s) URL."""
    if _empty(value):
        return value
    value = str(value).strip()
    parts = urlsplit(value)
    host = parts.hostname or ""
    if (parts.scheme not in ("http", "https") or not host
            or " " in value or "." not in host and host != "localhost"):
        raise tk.Invalid(
            tk._("Enter a full web address starting with http:// or "
                 "https://"))
    return value


def sektoral_email(value: Any, context: Context) -> Any:
    """A well-formed e-mail address."""
    if _empty(value):
        return value
    value = str(value).strip()
    if not _EMAIL_RE.match(value):
        raise tk.Invalid(
            tk._('"{value}" is not a valid e-mail address').format(
                value=value))
    return value


def sektoral_phone(value: Any, context: Context) -> Any:
    """A telephone number: digits, spaces, + ( ) . / -."""
    if _empty(value):
        return value
    value = str(value).strip()
    if not _PHONE_RE.match(value) or sum(c.isdigit() for c in value) < 6:
        raise tk.Invalid(tk._("Enter a telephone number, e.g. 0921 3121234"))
    return value


def sektoral_periode(value: Any, context: Context) -> Any:
    """Data period: YYYY, YYYY-MM, YYYY-MM-DD, YYYY-Qn, YYYY-Sn or a range
    ``start/end`` of these."""
    if _empty(value):
        return value
    value = str(value).strip().replace(" ", "")
    parts = value.split("/")
    if len(parts) > 2 or not all(_PERIOD_RE.match(p) for p in parts):
        raise tk.Invalid(
            tk._("Enter a period such as 2024, 2024-03, 2024-Q1, 2024-S2 "
                 "or 2020/2024"))
    if len(parts) == 2 and parts[0] > parts[1]:
        raise tk.Invalid(tk._("The period ends before it starts"))
    return value


def _set_default(key: FlattenKey, data: FlattenDataDict,
                 value: Callable[[], str]) -> None:
    if _empty(data.get(key)):
        default = value()
        if default:
            data[key] = default


def sektoral_default_kode_wilayah(key: FlattenKey, data: FlattenDataDict,
                                  errors: FlattenErrorDict,
                                  context: Context) -> None:
    """Fill an empty value with ``ckanext.sektoral.kode_wilayah``."""
    _set_default(key, data, sektoral_config.kode_wilayah)


def default_cakupan() -> str:
    """Configured coverage, else the label of the configured region."""
    configured = sektoral_config.cakupan()
    if configured:
        return configured
    wilayah = codes.load("wilayah")
    return wilayah.label(sektoral_config.kode_wilayah(), "id")


def sektoral_default_cakupan(key: FlattenKey, data: FlattenDataDict,
                             errors: FlattenErrorDict,
                             context: Context) -> None:
    """Fill an empty coverage with the configured default."""
    _set_default(key, data, default_cakupan)


def table_schema_errors(descriptor: Any) -> list[str]:
    """Problems of a Table Schema descriptor, each naming its column."""
    import frictionless

    if not isinstance(descriptor, dict):
        return [tk._('The Table Schema must be a JSON object with a '
                     '"fields" list')]
    fields = descriptor.get("fields")
    if not isinstance(fields, list) or not fields:
        return [tk._('The Table Schema needs a non-empty "fields" list')]
    problems: list[str] = []
    seen: set[str] = set()
    for number, field in enumerate(fields, start=1):
        if not isinstance(field, dict) or not isinstance(
                field.get("name"), str) or not field.get("name"):
            problems.append(
                tk._("Column {number}: a name is required").format(
                    number=number))
            continue
        name = field["name"]
        if is_formula_like(name):
            problems.append(
                tk._('Column {number} ("{name}"): a column name must not '
                     'start with = + - @ or a tab (a spreadsheet would run '
                     'it as a formula)').format(number=number, name=name))
            continue
        if name in seen:
            problems.append(
                tk._('Column {number} ("{name}"): the name is used twice'
                     ).format(number=number, name=name))
        seen.add(name)
        ftype = field.get("type", "string")
        if ftype not in TABLE_SCHEMA_TYPES:
            problems.append(
                tk._('Column {number} ("{name}"): unknown type "{type}"; '
                     'use one of: {types}').format(
                    number=number, name=name, type=ftype,
                    types=", ".join(TABLE_SCHEMA_TYPES)))
            continue
        report = frictionless.Schema.validate_descriptor({"fields": [field]})
        for error in report.errors:
            problems.append(
                tk._('Column {number} ("{name}"): {error}').format(
                    number=number, name=name, error=error.note))
    if not problems:
        rest = {k: v for k, v in descriptor.items() if k != "fields"}
        rest["fields"] = []
        report = frictionless.Schema.validate_descriptor(rest)
        problems += [
            tk._("Table Schema: {error}").format(error=e.note)
            for e in report.errors if "fields" not in e.note
        ]
    if not problems:
        try:
            frictionless.Schema.from_descriptor(descriptor)
        except Exception as e:  # frictionless raises FrictionlessException
            problems.append(tk._("Table Schema: {error}").format(
                error=getattr(getattr(e, "error", None), "note", str(e))))
    return problems


def sektoral_table_schema(value: Any, context: Context) -> Any:
    """A Frictionless Table Schema (JSON text, object or http(s) URL).

    Replaces ckanext-validation's ``resource_schema_validator`` in the
    ``resource_schema`` preset: same storage (JSON text), but every
    message is translated and names the offending column.
    """
    if _empty(value):
        return value
    if isinstance(value, bytes):
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError:
            raise tk.Invalid(
                tk._("The Table Schema is not UTF-8 text")) from None
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return tk.missing
        if text.lower().startswith(("http://", "https://")):
            return sektoral_url(text, context)
        try:
            descriptor = json.loads(text)
        except ValueError as e:
            raise tk.Invalid(
                tk._("The Table Schema is not valid JSON: {error}").format(
                    error=str(e))) from e
    else:
        descriptor = value
    problems = table_schema_errors(descriptor)
    if problems:
        raise tk.Invalid("; ".join(problems))
    return json.dumps(descriptor, ensure_ascii=False)


def sektoral_dataset_refs(key: FlattenKey, data: FlattenDataDict,
                          errors: FlattenErrorDict, context: Context) -> None:
    """Links to existing datasets (names or ids), stored as a JSON list
    of dataset ids (stable when a dataset is renamed)."""
    value = data.get(key)
    if _empty(value):
        data[key] = "[]"
        return
    value = _as_list(value, r"[,\s]+")
    if not isinstance(value, (list, tuple)):
        errors[key].append(tk._("Expecting a list of datasets"))
        return
    model = context["model"]
    ids: list[str] = []
    for ref in value:
        pkg = model.Package.get(str(ref))
        if pkg is None or pkg.state == "deleted":
            errors[key].append(
                tk._('Dataset "{ref}" not found').format(ref=ref))
            continue
        if pkg.id not in ids:
            ids.append(pkg.id)
    if not errors[key]:
        data[key] = json.dumps(ids)


CYCLE_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{1,39}$")


def sektoral_cycle_code(value: Any, context: Context) -> Any:
    """A cycle code: ``YYYY-S1``/``YYYY-S2`` or any other short code of
    letters, digits, ``-``, ``_`` and ``.``."""
    if not CYCLE_CODE.match(str(value or "")):
        raise tk.Invalid(tk._(
            "Use a short code of letters, digits, - _ or ., e.g. 2026-S1"))
    return str(value)


def sektoral_template_name(value: Any, context: Context) -> Any:
    """Name of a shipped Table Schema template (``schemas/tables``)."""
    if _empty(value):
        return None
    names = tables.template_names()
    if value not in names:
        raise tk.Invalid(tk._("Unknown Table Schema template. Choose one "
                              "of: %(names)s") % {"names": ", ".join(names)})
    return value


def sektoral_position_name(value: Any, context: Context) -> Any:
    """One of the positions kept by the extension."""
    allowed = [p.value for p in Position]
    if value not in allowed:
        raise tk.Invalid(tk._("Unknown position. Choose one of: %(names)s")
                         % {"names": ", ".join(allowed)})
    return value
