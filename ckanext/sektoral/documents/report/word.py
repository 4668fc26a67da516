"""The report as a Word document (DOCX, python-docx) from the content of
:func:`.content.build`."""
from __future__ import annotations

import io
from typing import Any

from ckanext.sektoral.documents import render
from ckanext.sektoral.documents.report.content import approval_text


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
