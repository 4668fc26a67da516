"""What the report shows, as one dictionary the templates render (HTML,
PDF) and :mod:`.word` writes (DOCX): :func:`build`.

The draft holds every accepted dataset; the final report (``published``)
only the datasets published with the cycle, the others named by title in
the annex of data not yet available, never with their values, tables or
charts. BPS symbols follow ``core/symbols.py``: ``-`` nihil (shown as
``-``, 0 in totals and charts), the others shown as written and left out
of totals, a total without them marked incomplete.
"""
from __future__ import annotations

import base64
import datetime as dt
import gettext
from collections import OrderedDict
from pathlib import Path
from typing import Any, Optional

from ckan import model

from ckanext.sektoral import clock
from ckanext.sektoral.analysis.job import compute
from ckanext.sektoral.core import formatting, series
from ckanext.sektoral.datafile import files as datafiles
from ckanext.sektoral.documents import compile as compile_mod
from ckanext.sektoral.documents import store
from ckanext.sektoral.documents.report import charts, formats, narratives
from ckanext.sektoral.insight import tabledata
from ckanext.sektoral.logic.service import cycle_schedule
from ckanext.sektoral.model import Cycle, Transition
from ckanext.sektoral.model.documents import Analysis
from ckanext.sektoral.core import symbols as bps
from ckanext.sektoral.core.stages import Stage

#: Largest table shown per data file (rows); the full data is in the
#: compilation.
MAX_TABLE_ROWS = 40
MAX_TABLE_COLS = 8


def _id_translator() -> Any:
    directory = Path(__file__).resolve().parents[2] / "i18n"
    try:
        return gettext.translation("ckanext-sektoral", str(directory),
                                   languages=["id"]).gettext
    except OSError:
        return lambda s: s


def stage_label(value: str, tr: Any) -> str:
    """The Indonesian label of a stored stage value (the portal's own,
    ``core/stages.py``; the value itself if unknown)."""
    try:
        return tr(Stage(value).label)
    except ValueError:
        return value


def _flag_text(flag: dict[str, Any], tr: Any) -> str:
    try:
        return tr(flag["message"]) % flag.get("params", {})
    except (KeyError, TypeError, ValueError):
        return flag.get("message", "")


def _pivot(path: str, schema: dict[str, Any], fmt: Optional[str],
           analysis: dict[str, Any]) -> dict[str, Any]:
    """A region x year table (or a year series) of the first measure."""
    if not analysis.get("measures"):
        return {}
    _names, rows = compile_mod.read_table(path, schema, fmt)
    return series.pivot(rows, schema, analysis,
                        region_label=store.region_label, number=formatting.number,
                        max_rows=MAX_TABLE_ROWS, max_cols=MAX_TABLE_COLS)


def _analysis_for(pkg: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Stored analysis per resource id (computed now if none stored)."""
    row = model.Session.get(Analysis, pkg["id"])
    if row is None or row.status == "failed":
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
    return clock.local_date(when)


def build(cycle: Cycle, version: int,
          published: Optional[Any] = None) -> dict[str, Any]:
    """Everything the report templates show: the draft (every accepted
    dataset), or with ``published`` (package ids) the final report of the
    datasets published with the cycle, and nothing of the others but
    their titles in the annex of data not yet available."""
    final = published is not None
    published = set(published or ())
    tr = _id_translator()
    items = store.cycle_items(cycle.id)
    texts = narratives.narratives(cycle.id)
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
            if clock.submitted_on_time(item.first_submitted, due2):
                rec["on_time"] += 1
            else:
                rec["late"] += 1
        is_accepted = (item.package_id in published if final
                       else item.stage in compile_mod.ACCEPTED)
        files = datafiles.data_files(pkg) if is_accepted else []
        meta = compile_mod.metadata_row(item, pkg)
        if is_accepted or not final:
            metadata.append(meta)
        if not is_accepted or not files:
            rec["not_submitted"] += 1
            stage = stage_label(item.stage, tr)
            if is_accepted:
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
            png = charts.chart(analysis, pkg["title"], additive)
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
        "date": store.date_id(clock.today()),
        "foreword": texts.get(narratives.FOREWORD) or (
            f"Puji syukur ke hadirat Tuhan Yang Maha Esa atas tersusunnya "
            f"publikasi Statistik Sektoral {cycle.title}. Publikasi ini "
            f"memuat data statistik sektoral yang dikumpulkan dari "
            f"perangkat daerah sesuai Standar Operasional Prosedur "
            f"pengumpulan, analisis, pengelolaan dan diseminasi data "
            f"statistik sektoral, sebagai pelaksanaan Satu Data "
            f"Indonesia. Kami menyampaikan terima kasih kepada seluruh "
            f"produsen data dan BPS selaku pembina data."),
        "conclusion": texts.get(narratives.CONCLUSION) or (
            f"Dari {total} data yang diminta pada siklus ini, {accepted} "
            f"data ({formats.pct(accepted, total)}) telah "
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
        "accepted_pct": formats.pct(accepted, total),
        "orgs": [dict(r, pct=formats.pct(r["accepted"], r["total"]))
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


def approval_text(ctx: dict[str, Any]) -> str:
    if ctx.get("final"):
        return (f"Laporan Statistik Sektoral {ctx['cycle']['title']} telah "
                f"diperiksa dan disetujui untuk dipublikasikan.")
    return (f"Draf laporan Statistik Sektoral {ctx['cycle']['title']} "
            f"(versi {ctx['version']}) belum disetujui.")
