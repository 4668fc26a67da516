"""Completeness gate: is a dataset ready to be submitted to the Walidata?

Plain Python, no CKAN request context: the caller passes the package dict,
the scheming field definitions of its type and the validation status of
each resource (from ckanext-validation). Used by the action
``sektoral_completeness`` and by the submit transition.

Rules (one check each, the score is the share of checks passed):

* every dataset field marked ``sektoral_required: true`` in the scheming
  schema has a value (one source of truth: the YAML schema);
* if the schema says ``sektoral_requires_data: true``: at least one data
  resource exists, and each data resource has a Table Schema and a
  validation status ``success``.

A *data resource* is one with ``jenis_berkas: data``, or without a
``jenis_berkas`` and in a tabular format ckanext-validation validates
(CSV, XLS, XLSX).
"""
from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from typing import Any, Literal, Optional, Union

from ckanext.sektoral.core import contracts

REQUIRED_KEY = "sektoral_required"
REQUIRES_DATA_KEY = "sektoral_requires_data"
DATA_JENIS = "data"
TABULAR_FORMATS = frozenset({"csv", "xls", "xlsx"})

Status = Literal["success", "failure", "error", "pending", "none"]
STATUSES: tuple[str, ...] = ("success", "failure", "error", "pending", "none")
_PENDING = {"created", "running", "pending", "queued"}


@dataclasses.dataclass(frozen=True)
class ValidationInfo:
    """What ckanext-validation knows of one resource."""

    status: Status = "none"
    error_count: Optional[int] = None


@dataclasses.dataclass(frozen=True)
class FieldCheck:
    name: str
    label: str
    present: bool


@dataclasses.dataclass(frozen=True)
class ResourceCheck:
    id: str
    name: str
    has_schema: bool
    validation_status: Status
    error_count: Optional[int]

    @property
    def ok(self) -> bool:
        return self.has_schema and self.validation_status == "success"


@dataclasses.dataclass(frozen=True)
class CompletenessResult:
    fields: tuple[FieldCheck, ...]
    resources: tuple[ResourceCheck, ...]
    requires_data: bool
    score: int
    complete: bool

    @property
    def missing_fields(self) -> list[str]:
        return [f.name for f in self.fields if not f.present]

    def to_dict(self) -> contracts.CompletenessReport:
        """JSON-ready dict (the action's return value)."""
        return {
            "complete": self.complete,
            "score": self.score,
            "fields": [{"name": f.name, "label": f.label,
                        "present": f.present} for f in self.fields],
            "missing_fields": self.missing_fields,
            "requires_data": self.requires_data,
            "has_data_resource": bool(self.resources),
            "resources": [{
                "id": r.id, "name": r.name, "has_schema": r.has_schema,
                "validation_status": r.validation_status,
                "error_count": r.error_count, "ok": r.ok,
            } for r in self.resources],
        }


def label_text(label: Union[str, Mapping[str, str], None], lang: str,
               default: str = "") -> str:
    """A scheming label (text or ``{lang: text}``) in ``lang``."""
    if not label:
        return default
    if isinstance(label, Mapping):
        for candidate in (lang, "id", "en"):
            if label.get(candidate):
                return label[candidate]
        return next((v for v in label.values() if v), default)
    return str(label)


def is_present(value: Any) -> bool:
    """True if a field value counts as filled in."""
    if value is None:
        return False
    if isinstance(value, str):
        text = value.strip()
        return bool(text) and text not in ("[]", "{}")
    if isinstance(value, Mapping):
        return bool(value)
    if isinstance(value, (list, tuple, set)):
        return any(is_present(v) for v in value)
    return True


def required_fields(
        dataset_fields: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The field definitions marked required to submit."""
    return [f for f in dataset_fields if f.get(REQUIRED_KEY)]


def _field_value(package: Mapping[str, Any], name: str) -> Any:
    if name == "tag_string":
        return package.get("tag_string") or [
            t.get("name") for t in package.get("tags") or []]
    return package.get(name)


def is_data_resource(resource: Mapping[str, Any]) -> bool:
    """True for a resource holding data (validated against a schema)."""
    jenis = resource.get("jenis_berkas")
    if jenis:
        return jenis == DATA_JENIS
    return (resource.get("format") or "").strip().lower() in TABULAR_FORMATS


def normalize_status(raw: Optional[str]) -> Status:
    """ckanext-validation status to success/failure/error/pending/none."""
    if not raw:
        return "none"
    raw = raw.strip().lower()
    if raw in _PENDING:
        return "pending"
    if raw in ("success", "failure", "error"):
        return raw  # type: ignore[return-value]
    return "none"


def error_count_from_report(report: Any, status: Optional[str] = None,
                            error: Any = None) -> Optional[int]:
    """Number of errors in a Frictionless report (dict or JSON text; None
    when there is no report)."""
    if isinstance(report, (str, bytes)):
        try:
            report = json.loads(report)
        except ValueError:
            report = None
    if isinstance(report, Mapping):
        stats = report.get("stats")
        if isinstance(stats, Mapping) and isinstance(
                stats.get("errors"), int):
            return stats["errors"]
        count = len(report.get("errors") or [])
        for task in report.get("tasks") or []:
            if isinstance(task, Mapping):
                task_stats = task.get("stats") or {}
                count += task_stats.get("errors", len(task.get("errors") or []))
        return count
    if normalize_status(status) == "error":
        messages = error.get("message") if isinstance(error, Mapping) else None
        return len(messages) if isinstance(messages, list) and messages else 1
    return None


def _has_schema(resource: Mapping[str, Any]) -> bool:
    schema = resource.get("schema")
    if isinstance(schema, Mapping):
        return bool(schema.get("fields"))
    return is_present(schema)


def evaluate(
    package: Mapping[str, Any],
    dataset_fields: Sequence[Mapping[str, Any]],
    validations: Optional[Mapping[str, Union[ValidationInfo, str, None]]] = None,
    lang: str = "id",
    requires_data: bool = True,
) -> CompletenessResult:
    """Check one dataset.

    :param package: the package dict (``package_show`` output)
    :param dataset_fields: the scheming ``dataset_fields`` of its type
    :param validations: resource id -> ValidationInfo (or a raw status);
        missing ids fall back to the resource's ``validation_status``
    :param lang: language of the field labels
    :param requires_data: whether data resources are checked
    """
    validations = validations or {}
    fields = tuple(
        FieldCheck(
            name=f["field_name"],
            label=label_text(f.get("label"), lang, f["field_name"]),
            present=is_present(_field_value(package, f["field_name"])),
        )
        for f in required_fields(dataset_fields)
    )
    resources: list[ResourceCheck] = []
    if requires_data:
        for res in package.get("resources") or []:
            if not is_data_resource(res):
                continue
            info = validations.get(res.get("id", ""))
            if info is None:
                info = ValidationInfo(
                    normalize_status(res.get("validation_status")))
            elif isinstance(info, str):
                info = ValidationInfo(normalize_status(info))
            resources.append(ResourceCheck(
                id=res.get("id", ""),
                name=(res.get("name")
                      or (res.get("url") or "").rstrip("/").rsplit("/", 1)[-1]
                      or res.get("id", "")),
                has_schema=_has_schema(res),
                validation_status=info.status,
                error_count=info.error_count,
            ))
    checks = [f.present for f in fields]
    if requires_data:
        checks.append(bool(resources))
        for r in resources:
            checks += [r.has_schema, r.validation_status == "success"]
    passed = sum(checks)
    total = len(checks)
    score = 100 if total == 0 else (100 * passed) // total
    return CompletenessResult(
        fields=fields,
        resources=tuple(resources),
        requires_data=requires_data,
        score=score,
        complete=passed == total,
    )
