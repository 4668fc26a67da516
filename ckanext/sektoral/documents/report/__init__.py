"""Report of a cycle (SOP step 4 drafts, step 6 final): HTML, PDF, DOCX.

Each (re)generation is a new version (``sektoral_report_version``): the
action records it as ``pending`` and enqueues :func:`run_report`; the job
renders every file to the storage (atomically) and marks the version
``ok``, or ``failed`` with the error, in which case the previous version
stays current. The version the approver approves
(:func:`approve_current`) is the one published (:func:`approved_version`):
at publication :func:`render_final` renders it again as the **final**
report, built only from the datasets published with the cycle (the
others are named by title in the annex of data not yet available, never
with their values, tables or charts), titled without "Draf", with the
approval sheet filled from the audit log (who checked and approved, their
positions, the dates: :func:`approval_sheet`) and the signatory block from
``ckanext.sektoral.documents.*``. A draft says "DRAF" on every page (PDF
page header and a fixed mark, DOCX page header, HTML banner).

BPS symbols follow ``core/symbols.py``: ``-`` nihil (shown as ``-``,
0 in totals and charts), the others shown as written and left out of
totals, a total without them marked incomplete.

The report text is Indonesian: it is an official publication of the
province, not part of the translated web interface.

Contents: cover, foreword, introduction with the legal basis, methodology
(concepts, completeness per OPD), one chapter per urusan with a table and
a chart per data file and an editable narrative, conclusions, annexes
(metadata, data not submitted, OPD compliance recap, approval sheet).

Modules by concern: :mod:`.versions` (the versions and the rendering
job), :mod:`.narratives` (editable chapters), :mod:`.content` (what the
report shows), :mod:`.charts`, :mod:`.formats` (Indonesian numbers),
:mod:`.word` (DOCX), :mod:`.output` (every file of a version). The names
other modules use are re-exported here
(``from ckanext.sektoral.documents import report``; publication looks up
``report.approved_version`` and ``report.render_final`` at call time).
"""
from __future__ import annotations

from ckanext.sektoral.documents.report.charts import year_series
from ckanext.sektoral.documents.report.content import (
    MAX_TABLE_COLS, MAX_TABLE_ROWS, approval_sheet, approval_text, build,
    number_tables, stage_label,
)
from ckanext.sektoral.documents.report.narratives import (
    CONCLUSION, FIXED_CHAPTERS, FOREWORD, chapters, narratives,
    set_narrative,
)
from ckanext.sektoral.documents.report.output import (
    render_all, render_final, render_html,
)
from ckanext.sektoral.documents.report.versions import (
    approve_current, approved_version, current_version, list_versions,
    new_version, run_report, version_dict,
)
from ckanext.sektoral.documents.report.word import render_docx

__all__ = [
    "CONCLUSION", "FIXED_CHAPTERS", "FOREWORD", "MAX_TABLE_COLS",
    "MAX_TABLE_ROWS", "approval_sheet", "approval_text", "approve_current",
    "approved_version", "build", "chapters", "current_version",
    "list_versions", "narratives", "new_version", "number_tables",
    "render_all", "render_docx", "render_final", "render_html",
    "run_report", "set_narrative", "stage_label", "version_dict",
    "year_series",
]
