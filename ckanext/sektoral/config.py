"""Typed getters for the options declared in config_declaration.yaml."""
from __future__ import annotations

import datetime as dt
import ckan.plugins.toolkit as tk

from ckanext.sektoral.core.calendar import WorkingCalendar
from ckanext.sektoral.core.stages import ApprovalChain, Position


def codes_path() -> str:
    """Directory overriding shipped code lists per file ("" = none)."""
    return tk.config.get("ckanext.sektoral.codes_path") or ""


def kode_wilayah() -> str:
    """Kemendagri code of the region served (default ``82``)."""
    return str(tk.config.get("ckanext.sektoral.kode_wilayah") or "82")


def cakupan() -> str:
    """Configured default coverage text ("" = derive from kode_wilayah)."""
    return tk.config.get("ckanext.sektoral.cakupan") or ""


def time_standards() -> tuple[int, ...]:
    """Working days of the six SOP steps."""
    values = tuple(int(v) for v in tk.config["ckanext.sektoral.time_standards"])
    if len(values) != 6 or any(v < 1 for v in values):
        raise tk.ValidationError({"ckanext.sektoral.time_standards": [
            "six whole numbers of at least 1 are required"]})
    return values


def approval_chain() -> ApprovalChain:
    """Checker (optional) and approver of the draft report."""
    checker = tk.config["ckanext.sektoral.approval.checker"] or None
    approver = tk.config["ckanext.sektoral.approval.approver"]
    return ApprovalChain(
        approver=Position(approver),
        checker=Position(checker) if checker else None,
    )


def _dates(key: str) -> list[dt.date]:
    return [dt.date.fromisoformat(v) for v in tk.config[key] or []]


def calendar() -> WorkingCalendar:
    """The working-day calendar with this deployment's adjustments."""
    return WorkingCalendar(
        extra_holidays=_dates("ckanext.sektoral.calendar.extra_holidays"),
        extra_working_days=_dates("ckanext.sektoral.calendar.extra_working_days"),
    )


def require_secret_key(config_: "dict[str, object]") -> None:
    """Refuse to run without a ``SECRET_KEY``: it signs every session and
    CSRF token (anyone who knows it can forge a login). ``demo.ini`` leaves
    it empty on purpose; ``make demo`` and ``ckan generate config`` give
    each installation its own."""
    if not str(config_.get("SECRET_KEY") or "").strip():
        raise RuntimeError(
            "SECRET_KEY is not set. Use the ini file that `make demo` "
            "generates (.demo/demo.ini), or give this installation its own "
            "secret (`ckan generate config` writes one).")


def analysis_jump_threshold() -> int:
    """Year-over-year change (%) above which the analysis flags a value."""
    return int(tk.config.get("ckanext.sektoral.analysis.jump_threshold")
               or 50)
