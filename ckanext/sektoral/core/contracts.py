"""The JSON contracts of the Action API: one ``TypedDict`` per result.

The actions return plain dicts; these classes say which keys each one
holds and of what type, so that mypy checks the functions that build them
(``Cycle.as_dict``, ``service.cycle_dict``, ...) and
``tests/logic/test_contracts.py`` checks what each action really returns,
key for key. A result whose keys depend on the case is a ``Union`` of
contracts (:data:`ChartData`, :data:`PublicNotice`) rather than one with
optional keys. :data:`ACTION_RESULTS` names each action's contract. Plain
Python: it imports only ``typing`` (every layer may import it).
"""
from __future__ import annotations

from typing import Any, Optional, TypedDict, Union


# -- cycles ---------------------------------------------------------------------

class Step(TypedDict):
    """One SOP step of a cycle: its start, due date and lateness."""

    step: int
    start: str
    due: str
    started: bool
    late: bool


class CycleRecord(TypedDict):
    """``Cycle.as_dict``: the row of ``sektoral_cycle``."""

    id: str
    code: str
    title: str
    start_date: str
    status: str
    notes: str
    step_starts: dict[str, str]
    created: str
    created_by: str


class Cycle(CycleRecord):
    """``service.cycle_dict``: the cycle with its six steps."""

    steps: list[Step]


class CycleCreated(Cycle):
    """``sektoral_cycle_create``: the cycle and the submissions carried
    over from ``from_cycle``."""

    carried_over: list[str]


class CycleStatusOrganization(TypedDict):
    id: str
    name: str
    title: str
    total: int
    late: int
    times_returned: int
    stages: dict[str, int]


class CycleStatus(TypedDict):
    cycle: Cycle
    total: int
    late: int
    stages: dict[str, int]
    organizations: list[CycleStatusOrganization]


# -- completeness -------------------------------------------------------------------

class FieldCheck(TypedDict):
    name: str
    label: str
    present: bool


class ResourceCheck(TypedDict):
    id: str
    name: str
    has_schema: bool
    validation_status: str
    error_count: Optional[int]
    ok: bool


class CompletenessReport(TypedDict):
    """``CompletenessResult.to_dict`` (core/completeness.py)."""

    complete: bool
    score: int
    fields: list[FieldCheck]
    missing_fields: list[str]
    requires_data: bool
    has_data_resource: bool
    resources: list[ResourceCheck]


class Completeness(CompletenessReport):
    """``sektoral_completeness``: the report of one dataset."""

    id: str
    name: str
    type: str


# -- data list ------------------------------------------------------------------------

class DataListItem(TypedDict):
    row: int
    org: str
    judul: str
    satuan: str
    level_penyajian: str
    frekuensi: str
    urusan: str
    template: Optional[str]
    catatan: str


class DataListError(TypedDict):
    row: int
    column: Optional[str]
    field: Optional[str]
    message: str
    params: dict[str, Any]
    text: str


class DataListPreview(TypedDict):
    """``DataListResult.to_dict`` (core/datalist/base.py)."""

    ok: bool
    file_format: Optional[str]
    sheet: Optional[str]
    header_row: Optional[int]
    items: list[DataListItem]
    errors: list[DataListError]


class DataListMatch(TypedDict):
    """A data-list row naming a statistic its OPD already has."""

    row: int
    statistic_id: str
    statistic_name: str


class DataListImport(DataListPreview):
    """``sektoral_datalist_import``: the preview, the rows matched to known
    statistics and the new ones, and the datasets made."""

    matched: list[DataListMatch]
    new_rows: list[int]
    created: list[str]


# -- items and transitions ------------------------------------------------------------

class ItemStatus(TypedDict):
    """``service.item_status``: stage, step, due date of one item."""

    stage: str
    step: Optional[int]
    version: int
    due: Optional[str]
    working_days_left: Optional[int]
    late: bool
    times_returned: int
    stage_changed: str
    template: Optional[str]


class ItemInfo(ItemStatus):
    """``service.item_info``: the status with its cycle."""

    cycle: str
    cycle_id: str


class TransitionRecord(TypedDict):
    """``Transition.as_dict``: one row of the audit log."""

    id: int
    package_id: str
    cycle_id: str
    transition: str
    from_stage: Optional[str]
    to_stage: str
    actor_id: str
    actor_name: str
    position: str
    note: str
    created: str


class HistoryRecord(TransitionRecord):
    """``sektoral_history``: an audit row with its cycle's code."""

    cycle_code: str


class TransitionResult(TransitionRecord):
    """A transition action: the audit row and the item's status after it."""

    status: Optional[ItemInfo]


class BulkTransition(TypedDict):
    count: int
    results: list[TransitionResult]


# -- positions -----------------------------------------------------------------------

class Position(TypedDict):
    user: str
    user_id: str
    position: str
    granted_by: str
    granted: str


class PositionRevoked(TypedDict):
    user: str
    position: str
    revoked: bool


# -- inbox ---------------------------------------------------------------------------------

class OrganizationRef(TypedDict):
    id: str
    name: str
    title: str


class InboxCycle(TypedDict):
    id: str
    code: str
    title: str
    status: str


class ReturnNote(TypedDict):
    note: str
    actor_name: str
    created: str


class InboxItem(TypedDict):
    id: str
    name: str
    title: str
    organization: OrganizationRef
    cycle: str
    cycle_id: str
    cycle_title: str
    stage: str
    step: Optional[int]
    version: int
    due: Optional[str]
    working_days_left: Optional[int]
    late: bool
    times_returned: int
    stage_changed: str
    actionable: bool
    return_note: Optional[ReturnNote]


class Inbox(TypedDict):
    count: int
    late: int
    stages: dict[str, int]
    cycles: list[InboxCycle]
    organizations: list[OrganizationRef]
    items: list[InboxItem]


# -- documents ------------------------------------------------------------------------------

class DocumentRecord(TypedDict):
    """``Document.as_dict``: a letter or a compilation."""

    id: str
    cycle_id: str
    kind: str
    owner_org: Optional[str]
    number: str
    status: str
    error: str
    formats: list[str]
    created: str
    created_by: str


class Letter(DocumentRecord):
    organization: Optional[str]
    organization_title: Optional[str]
    urls: dict[str, str]


class Compilation(DocumentRecord):
    urls: dict[str, str]


class CompilationStarted(Compilation):
    job_id: Optional[str]


class _ReportVersionBase(TypedDict):
    id: str
    cycle_id: str
    version: int
    status: str
    error: str
    created: Optional[str]
    created_by: str
    approved: bool
    approved_by: Optional[str]
    approved_at: Optional[str]


class ReportVersionRecord(_ReportVersionBase):
    """``report.version_dict``: a version with its files (paths)."""

    files: dict[str, str]


class ReportVersion(_ReportVersionBase):
    """A version as the actions show it: formats and download URLs."""

    formats: list[str]
    urls: dict[str, str]


class ReportStarted(ReportVersion):
    job_id: Optional[str]


class ChapterRef(TypedDict):
    key: str
    title: str


class Chapter(ChapterRef):
    text: str


class ReportList(TypedDict):
    versions: list[ReportVersion]
    current: Optional[int]
    approved: Optional[int]
    chapters: list[Chapter]


class Narrative(TypedDict):
    cycle_id: str
    chapter: str
    text: str
    updated: str
    updated_by: str


class AnalysisStarted(TypedDict):
    package_id: str
    job_id: Optional[str]


class AnalysisRecord(TypedDict):
    """``Analysis.as_dict``; ``result`` is the stored analysis (see
    core/stats.py)."""

    package_id: str
    cycle_id: Optional[str]
    status: str
    error: str
    result: dict[str, Any]
    threshold: Optional[int]
    created: str


# -- publication ---------------------------------------------------------------------------

class PublicationRecord(TypedDict):
    """``Publication.as_dict``: a published cycle."""

    cycle_id: str
    package_id: str
    report_version_id: Optional[str]
    report_version: Optional[int]
    published: Optional[str]
    published_by: str
    dataset_count: int


class PublicationDataset(TypedDict):
    id: str
    name: str
    title: str


class PublicationPreview(TypedDict):
    cycle: Cycle
    datasets: list[PublicationDataset]
    not_ready: int
    report: Optional[ReportVersionRecord]
    publication: Optional[PublicationRecord]


class CyclePublished(TypedDict):
    publication: PublicationRecord
    #: the ``publikasi`` dataset (``package_show``)
    publikasi: dict[str, Any]
    published: list[str]
    submissions: list[str]


class NoticeRecord(TypedDict):
    """``Notice.as_dict``: a revision or a withdrawal notice."""

    id: str
    package_id: str
    kind: str
    note: str
    created: Optional[str]
    created_by: str
    closed: Optional[str]


class PublishDates(TypedDict):
    first_published: Optional[str]
    last_published: Optional[str]


class WithdrawalNotice(NoticeRecord, PublishDates):
    """The withdrawal in force (``state`` ``withdrawn``)."""

    state: str


class RevisionNotice(WithdrawalNotice):
    """The latest revision (``state`` ``under_revision`` or ``revised``)."""

    revised: Optional[str]


#: ``notices.notice_for``: what the public is told of a dataset.
PublicNotice = Union[WithdrawalNotice, RevisionNotice]


class NoticeTransition(TransitionResult):
    """``sektoral_reopen``, ``sektoral_withdraw``: with the notice."""

    notice: Optional[PublicNotice]


class PushJob(TypedDict):
    package_id: str
    job_id: str


class PushQueued(TypedDict):
    queued: list[PushJob]


class PushStateRecord(TypedDict):
    """``PushState.as_dict`` (``status`` ``never`` before a push)."""

    package_id: str
    remote_name: Optional[str]
    remote_id: Optional[str]
    status: str
    attempts: int
    queued: Optional[str]
    last_pushed: Optional[str]
    error: str


class PushStatus(PushStateRecord):
    name: Optional[str]
    title: Optional[str]


# -- insight --------------------------------------------------------------------------------

class PerformanceFigures(TypedDict):
    """The figures of insight/performance.py (its ``FIGURES``)."""

    listed: int
    requested: int
    submitted: int
    on_time: int
    late: int
    not_submitted: int
    overdue: int
    returns: int
    items_returned: int
    accepted: int
    avg_working_days: Optional[float]
    on_time_pct: Optional[float]


class PerformanceRow(PerformanceFigures):
    """The figures of one OPD."""

    id: str
    name: str
    title: str


class PerformanceCycle(TypedDict):
    id: str
    code: str
    title: str
    start_date: str
    status: str
    submit_due: str
    submit_due_passed: bool
    organizations: list[PerformanceRow]
    totals: PerformanceFigures


class Performance(TypedDict):
    cycles: list[PerformanceCycle]
    organizations: list[OrganizationRef]


class YearPoint(TypedDict):
    """``Grid.by_year`` (core/series.py)."""

    year: Any
    value: Any
    missing: int
    complete: bool


class RegionPoint(TypedDict):
    """``Grid.by_region`` (core/series.py)."""

    code: str
    name: str
    value: Any
    symbol: Optional[str]
    complete: bool


class ChartTable(TypedDict):
    """``tabledata.read_table``: series and preview of a data file."""

    rows: int
    columns: list[str]
    column_titles: list[str]
    preview: list[list[Any]]
    preview_numbers: list[int]
    preview_truncated: bool
    region_field: Optional[str]
    year_field: Optional[str]
    measure: Optional[str]
    measure_title: Optional[str]
    aggregation: str
    by_year: Optional[list[YearPoint]]
    by_region: Optional[list[RegionPoint]]
    region_year: Any
    symbols: dict[str, dict[str, int]]
    #: values a later release revised: ``{"key", "period", "before",
    #: "after", "release"}`` (core/combine.py)
    revisions: list[dict[str, Any]]


class TableError(TypedDict):
    """``tabledata.read_table`` of a file that cannot be read."""

    error: str


class ChartBase(TypedDict):
    id: str
    available: bool
    unit: str


class ChartUnavailable(ChartBase):
    reason: str


class ChartWithdrawn(ChartUnavailable):
    withdrawn: bool
    notice: WithdrawalNotice


class ChartRelease(TypedDict):
    cycle_code: str
    released: str


class ChartAvailable(ChartBase, ChartTable):
    resource_id: str
    resource_name: str
    #: the releases the series is made of, oldest first
    releases: list[ChartRelease]


#: ``sektoral_chart_data``: no series (and why), a withdrawn dataset's
#: notice, or the series of its validated data file.
ChartData = Union[ChartUnavailable, ChartWithdrawn, ChartAvailable]


class DiffStatistic(TypedDict):
    id: str
    name: str
    title: str


class DiffRelease(TypedDict):
    cycle_code: str
    released: str


class FieldChange(TypedDict):
    field: str
    label: str
    before: Any
    after: Any


class DataChanges(TypedDict):
    new_periods: list[Any]
    #: ``{"key", "period", "before", "after"}`` (core/diff.py)
    revised: list[dict[str, Any]]
    #: ``{"key", "period", "before"}``
    removed: list[dict[str, Any]]


class SubmissionDiff(TypedDict):
    """``sektoral_submission_diff``: what an item changes since its
    statistic's last release."""

    statistic: Optional[DiffStatistic]
    release: Optional[DiffRelease]
    fields: list[FieldChange]
    data: Optional[DataChanges]


class PublicCycle(TypedDict):
    code: str
    title: str
    start_date: str
    published: int


class PublicCycleShow(PublicCycle):
    #: the public datasets and the report (``package_search`` results)
    datasets: list[dict[str, Any]]
    report: Optional[dict[str, Any]]


# -- the actions ----------------------------------------------------------------------------

#: The contract of each action's result. The other actions return core
#: dicts (:data:`PACKAGE_RESULTS`: a ``package_show``) or are the
#: chained core actions.
ACTION_RESULTS: dict[str, Any] = {
    "sektoral_completeness": Completeness,
    "sektoral_cycle_create": CycleCreated,
    "sektoral_submission_diff": SubmissionDiff,
    "sektoral_cycle_update": Cycle,
    "sektoral_cycle_show": Cycle,
    "sektoral_cycle_list": list[Cycle],
    "sektoral_cycle_status": CycleStatus,
    "sektoral_datalist_import": DataListImport,
    "sektoral_request": TransitionResult,
    "sektoral_submit": TransitionResult,
    "sektoral_return": TransitionResult,
    "sektoral_accept": TransitionResult,
    "sektoral_process": TransitionResult,
    "sektoral_draft": TransitionResult,
    "sektoral_check": TransitionResult,
    "sektoral_approve": TransitionResult,
    "sektoral_return_report": TransitionResult,
    "sektoral_publish": TransitionResult,
    "sektoral_bulk_transition": BulkTransition,
    "sektoral_history": list[HistoryRecord],
    "sektoral_position_assign": Position,
    "sektoral_position_revoke": PositionRevoked,
    "sektoral_position_list": list[Position],
    "sektoral_inbox": Inbox,
    "sektoral_letters_generate": list[Letter],
    "sektoral_letter_list": list[Letter],
    "sektoral_compilation_generate": CompilationStarted,
    "sektoral_compilation_list": list[Compilation],
    "sektoral_report_generate": ReportStarted,
    "sektoral_report_list": ReportList,
    "sektoral_report_narrative_update": Narrative,
    "sektoral_analysis_run": AnalysisStarted,
    "sektoral_analysis_show": Optional[AnalysisRecord],
    "sektoral_cycle_publish": CyclePublished,
    "sektoral_publication_show": PublicationPreview,
    "sektoral_reopen": NoticeTransition,
    "sektoral_withdraw": NoticeTransition,
    "sektoral_push": PushQueued,
    "sektoral_push_status": list[PushStatus],
    "sektoral_performance": Performance,
    "sektoral_chart_data": ChartData,
    "sektoral_public_cycle_list": list[PublicCycle],
    "sektoral_public_cycle_show": PublicCycleShow,
}

#: Actions whose result is a core ``package_show`` dict.
PACKAGE_RESULTS: frozenset[str] = frozenset({"sektoral_item_create"})
