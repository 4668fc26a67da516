"""Report of a cycle (SOP step 4 drafts, step 6 final): HTML, PDF, DOCX.

Each (re)generation is a new version (``sektoral_report_version``): the
action records it as ``pending`` and enqueues :func:`run_report`; the job
renders every file to the storage (atomically) and marks the version
``ok``, or ``failed`` with the error, in which case the previous version
stays current. The version the Kabid and Kadis approve
(:func:`approve_current`) is the one published (:func:`approved_version`):
at publication :func:`render_final` renders it again as the **final**
report, built only from the datasets published with the cycle (the
others are named by title in the annex of data not yet available, never
with their values, tables or charts), titled without "Draf", with the
approval sheet filled from the audit log (who checked and approved, their
positions, the dates: :func:`approval_sheet`) and the signatory block from
``ckanext.sektoral.documents.*``. A draft says "DRAF" on every page (PDF
page header and a fixed mark, DOCX page header, HTML banner).

BPS symbols follow ``workflow/symbols.py``: ``-`` nihil (shown as ``-``,
0 in totals and charts), the others shown as written and left out of
totals, a total without them marked incomplete.

The report text is Indonesian: it is an official publication of the
province, not part of the translated web interface.

Contents: cover, foreword, introduction with the legal basis, methodology
(concepts, completeness per OPD), one chapter per urusan with a table and
a chart per data file and an editable narrative, conclusions, annexes
(metadata, data not submitted, OPD compliance recap, approval sheet).
"""
from __future__ import annotations

import base64
import datetime as dt
import gettext
import io
import logging
from collections import OrderedDict
from pathlib import Path
from typing import Any, Optional

import sqlalchemy as sa

from ckan import model

from ckanext.sektoral.documents import compile as compile_mod
from ckanext.sektoral.documents import render, store
from ckanext.sektoral.insight import tabledata
from ckanext.sektoral.workflow import symbols as bps
from ckanext.sektoral.workflow.stages import Stage
from ckanext.sektoral.model import Cycle, Transition
from ckanext.sektoral.model.documents import (
    Analysis, ReportNarrative, ReportVersion,
)

log = logging.getLogger(__name__)

FOREWORD = "kata_pengantar"
CONCLUSION = "kesimpulan"
FIXED_CHAPTERS = (FOREWORD, CONCLUSION)
#: Largest table shown per data file (rows); the full data is in the
#: compilation.
MAX_TABLE_ROWS = 40
MAX_TABLE_COLS = 8


# -- the interface others use ----------------------------------------------------

def version_dict(row: ReportVersion) -> dict[str, Any]:
    return {
        "id": row.id, "cycle_id": row.cycle_id, "version": row.version,
        "status": row.status, "error": row.error,
        "created": row.created.isoformat() if row.created else None,
        "created_by": row.created_by, "approved": bool(row.approved),
        "approved_by": row.approved_by,
        "approved_at": row.approved_at.isoformat() if row.approved_at
        else None,
        "files": {k: store.abspath(v) for k, v in (row.files or {}).items()},
    }


def _current(cycle_id: str) -> Optional[ReportVersion]:
    return model.Session.query(ReportVersion).filter(
        ReportVersion.cycle_id == cycle_id,
        ReportVersion.status == "ok").order_by(
        ReportVersion.version.desc()).first()


def current_version(cycle_id: str) -> Optional[dict[str, Any]]:
    """The latest successfully rendered version, or None."""
    row = _current(_cycle_id(cycle_id))
    return version_dict(row) if row else None


def approve_current(cycle_id: str, user_name: Optional[str]
                    ) -> Optional[dict[str, Any]]:
    """Mark the current version approved (committed); None if none."""
    row = _current(_cycle_id(cycle_id))
    if row is None:
        return None
    row.approved = True
    row.approved_by = user_name or ""
    row.approved_at = dt.datetime.utcnow()
    model.Session.add(row)
    model.Session.commit()
    return version_dict(row)


def approved_version(cycle_id: str) -> Optional[dict[str, Any]]:
    """The latest approved version (publication uses its PDF), or None."""
    row = model.Session.query(ReportVersion).filter(
        ReportVersion.cycle_id == _cycle_id(cycle_id),
        ReportVersion.status == "ok",
        ReportVersion.approved.is_(True)).order_by(
        ReportVersion.version.desc()).first()
    return version_dict(row) if row else None


def list_versions(cycle_id: str) -> list[dict[str, Any]]:
    rows = model.Session.query(ReportVersion).filter(
        ReportVersion.cycle_id == _cycle_id(cycle_id)).order_by(
        ReportVersion.version.desc())
    return [version_dict(r) for r in rows]


def _cycle_id(id_or_code: str) -> str:
    row = model.Session.query(Cycle.id).filter(
        sa.or_(Cycle.id == id_or_code, Cycle.code == id_or_code)).first()
    return row[0] if row else id_or_code


# -- versions ---------------------------------------------------------------------

def new_version(cycle: Cycle, user_name: str) -> ReportVersion:
    """Record a pending version (committed); the job renders it."""
    last = model.Session.query(sa.func.max(ReportVersion.version)).filter(
        ReportVersion.cycle_id == cycle.id).scalar() or 0
    row = ReportVersion(cycle_id=cycle.id, version=last + 1,
                        status="pending", created_by=user_name,
                        created=dt.datetime.utcnow(), files={})
    model.Session.add(row)
    model.Session.commit()
    return row


def run_report(version_id: str) -> str:
    """Job: render one version; returns its status."""
    row = model.Session.get(ReportVersion, version_id)
    if row is None:
        return "not_found"
    cycle = model.Session.get(Cycle, row.cycle_id)
    try:
        outputs = render_all(cycle, row.version)
        base = f"{cycle.id}/report/v{row.version}"
        files = {}
        for ext, content in outputs.items():
            files[ext] = store.write_atomic(
                f"{base}/laporan-{cycle.code}-v{row.version}.{ext}", content)
        row.files = files
        row.status = "ok"
        row.error = ""
    except Exception as exc:
        log.exception("report version %s of %s failed", row.version,
                      cycle.code)
        model.Session.rollback()
        row = model.Session.get(ReportVersion, version_id)
        row.status = "failed"
        row.error = f"{type(exc).__name__}: {exc}"
    model.Session.add(row)
    model.Session.commit()
    return row.status


# -- narratives -----------------------------------------------------------------------

def narratives(cycle_id: str) -> dict[str, str]:
    rows = model.Session.query(ReportNarrative).filter(
        ReportNarrative.cycle_id == cycle_id)
    return {r.chapter: r.text for r in rows}


def set_narrative(cycle_id: str, chapter: str, text: str,
                  user_name: str) -> dict[str, Any]:
    row = model.Session.get(ReportNarrative, (cycle_id, chapter)) or \
        ReportNarrative(cycle_id=cycle_id, chapter=chapter)
    row.text = text
    row.updated = dt.datetime.utcnow()
    row.updated_by = user_name
    model.Session.add(row)
    model.Session.commit()
    return {"cycle_id": cycle_id, "chapter": chapter, "text": text,
            "updated": row.updated.isoformat(), "updated_by": user_name}


def chapters(cycle_id: str) -> list[dict[str, str]]:
    """Chapters whose narrative may be edited: foreword, one per urusan
    of the cycle's items, conclusions."""
    rows = model.Session.execute(sa.text(
        "SELECT DISTINCT pe.value FROM sektoral_item i "
        "JOIN package_extra pe ON pe.package_id = i.package_id "
        "AND pe.key = 'urusan_pemerintahan' AND pe.state = 'active' "
        "WHERE i.cycle_id = :c"), {"c": cycle_id}).fetchall()
    codes = sorted(r[0] for r in rows if r[0])
    found = [{"key": FOREWORD, "title": "Kata Pengantar"}]
    found += [{"key": c, "title": f"{c} "
               f"{store.code_label('urusan_pemerintahan', c)}"}
              for c in codes]
    found.append({"key": CONCLUSION, "title": "Kesimpulan"})
    return found


# -- content ---------------------------------------------------------------------------

def _id_translator() -> Any:
    directory = Path(__file__).resolve().parent.parent / "i18n"
    try:
        return gettext.translation("ckanext-sektoral", str(directory),
                                   languages=["id"]).gettext
    except OSError:
        return lambda s: s


def stage_label(value: str, tr: Any) -> str:
    """The Indonesian label of a stored stage value (the portal's own,
    ``workflow/stages.py``; the value itself if unknown)."""
    try:
        return tr(Stage(value).label)
    except ValueError:
        return value


def _flag_text(flag: dict[str, Any], tr: Any) -> str:
    try:
        return tr(flag["message"]) % flag.get("params", {})
    except (KeyError, TypeError, ValueError):
        return flag.get("message", "")


def _num(value: Any) -> str:
    """Indonesian number format: 1.234,5."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int) or (isinstance(value, float)
                                  and value.is_integer()):
        return f"{int(value):,}".replace(",", ".")
    if isinstance(value, float):
        text = f"{value:,.2f}"
        return text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return str(value)


def _pivot(path: str, schema: dict[str, Any], fmt: Optional[str],
           analysis: dict[str, Any]) -> dict[str, Any]:
    """A region x year table (or a year series) of the first measure."""
    measures = analysis.get("measures") or []
    if not measures:
        return {}
    measure = measures[0]
    region, year = analysis.get("region_field"), analysis.get("year_field")
    names, rows = compile_mod.read_table(path, schema, fmt)
    cells: dict[tuple[str, str], Any] = {}
    regions: "OrderedDict[str, None]" = OrderedDict()
    years: set[str] = set()
    for values, raw in rows:
        r = str(values.get(region)) if region else "Provinsi"
        y = str(values.get(year)) if year else ""
        regions[r] = None
        years.add(y)
        v = values.get(measure)
        key = (r, y)
        if v is None:  # a BPS symbol, shown as written ("-": nihil)
            cells.setdefault(key, bps.canonical(raw.get(measure))
                             or "...")
        else:
            prev = cells.get(key)
            num = float(v)
            cells[key] = num + prev if isinstance(prev, float) else num
    cols = sorted(years)[-MAX_TABLE_COLS:]
    body = []
    for r in list(regions)[:MAX_TABLE_ROWS]:
        label = store.region_label(r) if region else r
        body.append([label] + [
            cells[(r, y)] if isinstance(cells.get((r, y)), str)
            else _num(cells.get((r, y))) for y in cols])
    field = next((f for f in schema["fields"] if f["name"] == measure), {})
    return {"measure": field.get("title") or measure,
            "columns": [("Wilayah" if region else "")] +
            [c or "Nilai" for c in cols],
            "rows": body, "truncated": len(regions) > MAX_TABLE_ROWS}


_FIGURE: Any = None


def _figure() -> Any:
    """One reusable figure and axes (creating a figure per chart and
    ``tight_layout`` cost most of the chart time)."""
    global _FIGURE
    if _FIGURE is None:
        import matplotlib
        matplotlib.use("Agg")
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
        from matplotlib.ticker import FuncFormatter

        fig = Figure(figsize=(6.0, 2.2), dpi=100)
        FigureCanvasAgg(fig)
        ax = fig.add_axes((0.13, 0.14, 0.85, 0.74))
        ax.tick_params(labelsize=7)
        ax.yaxis.set_major_formatter(FuncFormatter(
            lambda v, _p: _num(float(v))))
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        _FIGURE = (fig, ax)
    return _FIGURE


def year_series(analysis: dict[str, Any], additive: bool = True
                ) -> list[tuple[str, float, bool]]:
    """The first measure per year, ``(year, value, complete)``: the sum
    over regions for a count, their unweighted mean for a rate, index or
    percentage (as on the public dataset page), of the values that exist
    (nihil counts as 0); ``complete`` is False when a value not available
    or confidential was left out. A year with no value is left out."""
    measures = analysis.get("measures") or []
    if not measures:
        return []
    points = []
    for year, values in sorted((analysis.get("by_year") or {}).items()):
        group = values.get(measures[0]) or {}
        total, count = group.get("sum"), group.get("count")
        if total is None or not count:
            continue
        points.append((year, total if additive else total / count,
                       not group.get("missing")))
    return points


def _chart(analysis: dict[str, Any], title: str,
           additive: bool = True) -> Optional[bytes]:
    """PNG bar chart of :func:`year_series`, or None without data; an
    incomplete total is a hatched, lighter bar with its year marked
    ``*`` (explained in the caption)."""
    points = year_series(analysis, additive)
    if not points:
        return None
    if not additive:
        title = f"{title} (rata-rata kabupaten/kota)"
    fig, ax = _figure()
    for patch in list(ax.patches):  # reuse the axes: clear() rebuilds ticks
        patch.remove()
    xs = list(range(len(points)))
    bars = ax.bar(xs, [p[1] for p in points], color="#1f4e78", width=0.7)
    for bar, point in zip(bars, points):
        if not point[2]:
            bar.set_facecolor("#9db7d1")
            bar.set_hatch("//")
    ax.set_xticks(xs, [str(p[0]) + ("" if p[2] else "*") for p in points])
    ax.set_xlim(-0.6, len(points) - 0.4)
    ax.relim()
    ax.autoscale_view(scalex=False)
    ax.set_title(title[:90], fontsize=8)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def _analysis_for(pkg: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Stored analysis per resource id (computed now if none stored)."""
    row = model.Session.get(Analysis, pkg["id"])
    if row is None or row.status == "failed":
        from ckanext.sektoral.analysis.job import compute
        result = compute(pkg)
    else:
        result = row.result or {}
    return {f["resource_id"]: f["analysis"] for f in result.get("files", [])}


def approval_sheet(cycle_id: str,
                   package_ids: Optional[Any] = None) -> list[dict[str, Any]]:
    """The approval sheet from the audit log: per step (check, approve)
    the latest of the cycle's datasets (``package_ids``: only those),
    with the name of who did it, the position written for it and the
    date. A step nobody has taken yet has empty name and date."""
    kop = store.letterhead()
    steps = [("check", "Diperiksa oleh", kop["checker_position"],
              kop["checker_nip"]),
             ("approve", "Disetujui oleh", kop["signatory_position"],
              kop["signatory_nip"])]
    rows = []
    for name, role, position, nip in steps:
        query = model.Session.query(Transition).filter(
            Transition.cycle_id == cycle_id, Transition.transition == name)
        if package_ids is not None:
            query = query.filter(Transition.package_id.in_(
                list(package_ids) or [""]))
        last = query.order_by(Transition.created.desc()).first()
        entry = {"step": name, "role": role, "position": position,
                 "nip": nip, "name": "", "date": "", "user": ""}
        if last is not None:
            user = model.User.get(last.actor_id) or model.User.get(
                last.actor_name)
            entry.update(
                name=(user.fullname or user.name) if user else
                last.actor_name, user=last.actor_name,
                date=store.date_id(_local_date(last.created)))
        rows.append(entry)
    return rows


def _local_date(when: dt.datetime) -> dt.date:
    """The portal's date of a naive-UTC audit timestamp."""
    from ckanext.sektoral.insight.performance import local_date

    return local_date(when)


def build(cycle: Cycle, version: int,
          published: Optional[Any] = None) -> dict[str, Any]:
    """Everything the report templates show: the draft (every accepted
    dataset), or with ``published`` (package ids) the final report of the
    datasets published with the cycle, and nothing of the others but
    their titles in the annex of data not yet available."""
    from ckanext.sektoral.logic.service import cycle_schedule

    final = published is not None
    published = set(published or ())
    tr = _id_translator()
    items = store.cycle_items(cycle.id)
    texts = narratives(cycle.id)
    by_org: "OrderedDict[str, dict[str, Any]]" = OrderedDict()
    chapters_: "OrderedDict[str, dict[str, Any]]" = OrderedDict()
    not_submitted, metadata = [], []
    steps = cycle_schedule(cycle)
    due2 = steps[1].due
    for item, pkg in items:
        org = pkg.get("organization") or {}
        rec = by_org.setdefault(org.get("id") or item.owner_org, {
            "title": org.get("title") or item.owner_org, "total": 0,
            "accepted": 0, "not_submitted": 0, "returned": 0,
            "on_time": 0, "late": 0})
        rec["total"] += 1
        rec["returned"] += item.times_returned or 0
        if item.first_submitted is not None:
            if item.first_submitted.date() <= due2:
                rec["on_time"] += 1
            else:
                rec["late"] += 1
        accepted = (item.package_id in published if final
                    else item.stage in compile_mod.ACCEPTED)
        files = store.data_files(pkg) if accepted else []
        meta = compile_mod.metadata_row(item, pkg)
        if accepted or not final:
            metadata.append(meta)
        if not accepted or not files:
            rec["not_submitted"] += 1
            stage = stage_label(item.stage, tr)
            if accepted:
                reason = "Tidak ada berkas data yang valid"
            elif final:
                reason = f"Belum dipublikasikan (tahap: {stage})"
            else:
                reason = f"Belum diterima (tahap: {stage})"
            not_submitted.append({"title": pkg["title"],
                                  "org": rec["title"], "reason": reason})
            continue
        rec["accepted"] += 1
        code = pkg.get("urusan_pemerintahan") or "-"
        chapter = chapters_.setdefault(code, {
            "key": code, "number": 0,
            "title": store.code_label("urusan_pemerintahan", code)
            if code != "-" else "Lainnya",
            "datasets": [], "narrative": texts.get(code, "")})
        analyses = _analysis_for(pkg)
        additive = tabledata.is_additive(
            pkg.get("satuan"), pkg.get("ukuran"), pkg.get("title"))
        tables = []
        for f in files:
            analysis = analyses.get(f["resource"]["id"]) or {}
            if "error" in analysis or not analysis:
                continue
            table = _pivot(f["path"], f["schema"], f["format"], analysis)
            png = _chart(analysis, pkg["title"], additive)
            tables.append({
                "name": f["resource"].get("name") or "",
                "rows": analysis.get("rows"), "table": table,
                "chart": base64.b64encode(png).decode() if png else None,
                "chart_png": png,
                "flags": [_flag_text(fl, tr)
                          for fl in (analysis.get("flags") or [])[:5]],
                "flag_count": len(analysis.get("flags") or [])
                + int(analysis.get("flags_truncated") or 0),
                "missing": sum(v.get("missing", 0) + sum(
                    (v.get("symbols") or {}).values())
                    for v in (analysis.get("fields") or {}).values()),
            })
        chapter["datasets"].append({
            "title": pkg["title"], "org": rec["title"],
            "satuan": pkg.get("satuan") or "",
            "definisi": pkg.get("definisi") or "", "tables": tables})
    for n, ch in enumerate(chapters_.values(), start=3):
        ch["number"] = n
        number_tables(ch)
        if not ch["narrative"]:
            orgs = sorted({d["org"] for d in ch["datasets"]})
            ch["narrative"] = (
                f"Bab ini menyajikan {len(ch['datasets'])} data statistik "
                f"sektoral urusan {ch['title']} yang dihasilkan oleh "
                f"{', '.join(orgs)}.")
    total = len(items)
    accepted = sum(r["accepted"] for r in by_org.values())
    kop = store.letterhead()
    title = f"Statistik Sektoral {cycle.title}"
    return {
        "kop": kop, "version": version, "final": final,
        "title": title if final else f"Draf {title}",
        "draft_mark": None if final else (
            f"DRAF \u00b7 laporan {cycle.code} versi {version} \u00b7 "
            "belum disetujui"),
        # a draft's sheet stays blank: nobody has approved this version
        "approval": approval_sheet(cycle.id, published) if final else [
            dict(a, name="", date="", user="")
            for a in approval_sheet(cycle.id, [])],
        "symbols_legend": bps.LEGEND_ID,
        "cycle": {"code": cycle.code, "title": cycle.title,
                  "year": cycle.start_date.year},
        "date": store.date_id(store.today()),
        "foreword": texts.get(FOREWORD) or (
            f"Puji syukur ke hadirat Tuhan Yang Maha Esa atas tersusunnya "
            f"publikasi Statistik Sektoral {cycle.title}. Publikasi ini "
            f"memuat data statistik sektoral yang dikumpulkan dari "
            f"perangkat daerah sesuai Standar Operasional Prosedur "
            f"pengumpulan, analisis, pengelolaan dan diseminasi data "
            f"statistik sektoral, sebagai pelaksanaan Satu Data "
            f"Indonesia. Kami menyampaikan terima kasih kepada seluruh "
            f"produsen data dan BPS selaku pembina data."),
        "conclusion": texts.get(CONCLUSION) or (
            f"Dari {total} data yang diminta pada siklus ini, {accepted} "
            f"data ({_pct(accepted, total)}) telah "
            + ("dipublikasikan dan disajikan" if final
               else "diterima dan disajikan")
            + f" dalam publikasi ini; {total - accepted} data belum "
            f"tersedia dan dicantumkan pada lampiran."),
        "legal_basis": [
            "Undang-Undang Nomor 23 Tahun 2014 tentang Pemerintahan Daerah",
            "Peraturan Presiden Nomor 39 Tahun 2019 tentang Satu Data "
            "Indonesia",
            "Peraturan Badan Pusat Statistik Nomor 4 Tahun 2019 tentang "
            "Petunjuk Teknis Penyelenggaraan Statistik Sektoral oleh "
            "Pemerintah Daerah",
            "Peraturan Gubernur Maluku Utara Nomor 40 Tahun 2022 tentang "
            "Satu Data Provinsi Maluku Utara"],
        "total": total, "accepted": accepted,
        "accepted_pct": _pct(accepted, total),
        "orgs": [dict(r, pct=_pct(r["accepted"], r["total"]))
                 for r in by_org.values()],
        "chapters": list(chapters_.values()),
        "not_submitted": not_submitted,
        "metadata": metadata,
        "metadata_fields": compile_mod.METADATA_FIELDS,
        "conclusion_number": 3 + len(chapters_),
    }


def number_tables(chapter: dict[str, Any]) -> None:
    """Number the tables and the figures of a chapter through all its
    datasets (Tabel 3.1, 3.2, ...; Gambar 3.1, ...)."""
    table_no = figure_no = 0
    for ds in chapter["datasets"]:
        for t in ds["tables"]:
            if t["table"]:
                table_no += 1
                t["table_number"] = f"{chapter['number']}.{table_no}"
            if t["chart"]:
                figure_no += 1
                t["figure_number"] = f"{chapter['number']}.{figure_no}"


def _pct(part: int, whole: int) -> str:
    if not whole:
        return "0%"
    return f"{round(100 * part / whole)}%"


def render_html(ctx: dict[str, Any]) -> str:
    return render.render_html("report.html", **ctx)


def render_docx(ctx: dict[str, Any]) -> bytes:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    doc = render.docx_document()
    if ctx.get("draft_mark"):  # on every page: the section header
        header = doc.sections[0].header.paragraphs[0]
        header.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = header.add_run(ctx["draft_mark"])
        run.bold = True
    render.docx_letterhead(doc, ctx["kop"])
    if ctx.get("draft_mark"):
        heading = doc.add_heading("DRAF", 0)
        heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title = doc.add_heading(
        f"STATISTIK SEKTORAL {ctx['cycle']['title'].upper()}", 0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph(
        ctx["date"] if ctx.get("final")
        else f"Draf versi {ctx['version']} — {ctx['date']}").alignment = \
        WD_ALIGN_PARAGRAPH.CENTER
    doc.add_page_break()
    doc.add_heading("Kata Pengantar", 1)
    doc.add_paragraph(ctx["foreword"])
    doc.add_heading("Bab 1 Pendahuluan", 1)
    doc.add_paragraph("Dasar hukum penyelenggaraan statistik sektoral:")
    for basis in ctx["legal_basis"]:
        doc.add_paragraph(basis, style="List Number")
    doc.add_heading("Bab 2 Metodologi", 1)
    doc.add_paragraph(ctx["symbols_legend"])
    doc.add_paragraph(
        f"Kelengkapan: {ctx['accepted']} dari {ctx['total']} data "
        f"({ctx['accepted_pct']}) diterima.")
    render.docx_table(doc, ["Perangkat Daerah", "Diminta", "Diterima",
                            "Belum tersedia", "Dikembalikan", "%"],
                      [[o["title"], o["total"], o["accepted"],
                        o["not_submitted"], o["returned"], o["pct"]]
                       for o in ctx["orgs"]])
    for ch in ctx["chapters"]:
        doc.add_heading(f"Bab {ch['number']} {ch['title']}", 1)
        doc.add_paragraph(ch["narrative"])
        for ds in ch["datasets"]:
            doc.add_heading(ds["title"], 2)
            for t in ds["tables"]:
                if t["table"]:
                    render.docx_table(doc, t["table"]["columns"],
                                      t["table"]["rows"])
                if t["chart_png"]:
                    doc.add_picture(io.BytesIO(t["chart_png"]),
                                    width=Cm(14))
    doc.add_heading(f"Bab {ctx['conclusion_number']} Kesimpulan", 1)
    doc.add_paragraph(ctx["conclusion"])
    doc.add_heading("Lampiran 1 Metadata", 1)
    render.docx_table(doc, ["Judul", "Produsen Data", "Satuan", "Definisi"],
                      [[m["title"], m["organization"], m["satuan"],
                        m["definisi"]] for m in ctx["metadata"]])
    doc.add_heading("Lampiran 2 Data yang Belum Tersedia", 1)
    render.docx_table(doc, ["Judul", "Perangkat Daerah", "Keterangan"],
                      [[n["title"], n["org"], n["reason"]]
                       for n in ctx["not_submitted"]])
    doc.add_heading("Lampiran 3 Rekapitulasi Kepatuhan OPD", 1)
    render.docx_table(doc, ["Perangkat Daerah", "Diminta", "Tepat waktu",
                            "Terlambat", "Dikembalikan"],
                      [[o["title"], o["total"], o["on_time"], o["late"],
                        o["returned"]] for o in ctx["orgs"]])
    doc.add_heading("Lampiran 4 Lembar Persetujuan", 1)
    doc.add_paragraph(approval_text(ctx))
    render.docx_table(doc, ["", "Nama / NIP", "Tanggal", "Tanda Tangan"],
                      [[f"{a['role']} {a['position']}",
                        a["name"] + (f" / NIP. {a['nip']}" if a["nip"]
                                     else ""),
                        a["date"], ""] for a in ctx["approval"]])
    return render.docx_bytes(doc)


def approval_text(ctx: dict[str, Any]) -> str:
    if ctx.get("final"):
        return (f"Laporan Statistik Sektoral {ctx['cycle']['title']} telah "
                f"diperiksa dan disetujui untuk dipublikasikan.")
    return (f"Draf laporan Statistik Sektoral {ctx['cycle']['title']} "
            f"(versi {ctx['version']}) belum disetujui.")


def _in_child(func: Any, *args: Any) -> Any:
    """Run ``func(*args) -> bytes`` in a forked process, concurrently with
    the caller (the PDF and the DOCX each take most of a core for a large
    cycle); returns a function that waits and gives the bytes or raises."""
    import multiprocessing
    import os
    import tempfile

    fd, path = tempfile.mkstemp(prefix="sektoral-report-")
    os.close(fd)

    def target() -> None:
        with open(path, "wb") as f:
            f.write(func(*args))

    try:
        process = multiprocessing.get_context("fork").Process(target=target)
        process.start()
    except (OSError, ValueError):  # no fork here: do it in this process
        os.remove(path)
        data = func(*args)
        return lambda: data

    def result() -> bytes:
        process.join()
        try:
            if process.exitcode != 0:
                raise RuntimeError(f"rendering in a child process failed "
                                   f"(exit code {process.exitcode})")
            with open(path, "rb") as f:
                return f.read()
        finally:
            os.remove(path)
    return result


def render_final(cycle: Cycle, version: int,
                 package_ids: Any) -> dict[str, bytes]:
    """The final report of approved version ``version``: only the
    datasets ``package_ids`` (published with the cycle)."""
    return render_all(cycle, version, published=list(package_ids))


def render_all(cycle: Cycle, version: int,
               published: Optional[list[str]] = None) -> dict[str, bytes]:
    import time

    times = [time.perf_counter()]
    ctx = build(cycle, version, published)
    ctx["approval_text"] = approval_text(ctx)
    times.append(time.perf_counter())
    docx = _in_child(render_docx, ctx)
    html = render_html(ctx)
    pdf = render.html_to_pdf(html)
    times.append(time.perf_counter())
    docx_bytes = docx()
    times.append(time.perf_counter())
    log.info("report %s v%s: data %.1f s, html+pdf %.1f s, docx (in "
             "parallel) %.1f s more", cycle.code, version,
             *(b - a for a, b in zip(times, times[1:])))
    return {"html": html.encode("utf-8"), "pdf": pdf, "docx": docx_bytes}
