"""Request letters (SOP step 1): one per OPD per cycle, PDF and DOCX.

The letter lists the OPD's items of the cycle (judul, satuan, level
penyajian, frekuensi, urusan) with the step-2 deadline in working days and
as a date. Generating again replaces the OPD's letter of that cycle (same
nomor); files are written atomically before the record changes.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Optional

from ckan import model

from ckanext.sektoral import config
from ckanext.sektoral.documents import render, store
from ckanext.sektoral.logic.service import cycle_schedule
from ckanext.sektoral.model import Cycle, Item
from ckanext.sektoral.model.documents import Document
from ckanext.sektoral import clock

KIND = "letter"

LEGAL_BASIS = (
    "Peraturan Presiden Nomor 39 Tahun 2019 tentang Satu Data Indonesia",
    "Peraturan Badan Pusat Statistik Nomor 4 Tahun 2019 tentang Petunjuk "
    "Teknis Penyelenggaraan Statistik Sektoral oleh Pemerintah Daerah",
    "Peraturan Gubernur Maluku Utara Nomor 40 Tahun 2022 tentang Satu "
    "Data Provinsi Maluku Utara",
    "Standar Operasional Prosedur Pengumpulan, Analisis, Pengelolaan dan "
    "Diseminasi Data Statistik Sektoral",
)


def context(cycle: Cycle, org_id: str, seq: int,
            on: Optional[dt.date] = None) -> dict[str, Any]:
    """Every variable of the letter template."""
    on = on or clock.today()
    kop = store.letterhead()
    org = store.org_dict(org_id)
    items = []
    for _item, pkg in store.cycle_items(cycle.id, org_id=org_id):
        items.append({
            "id": pkg["id"], "name": pkg["name"], "title": pkg["title"],
            "satuan": pkg.get("satuan") or "",
            "level": store.code_label("level_penyajian",
                                      pkg.get("level_penyajian")),
            "frekuensi": store.code_label("frekuensi",
                                          pkg.get("frekuensi_penerbitan")),
            "urusan": store.code_label("urusan_pemerintahan",
                                       pkg.get("urusan_pemerintahan")),
        })
    steps = cycle_schedule(cycle)
    number = kop["letter_number"].format(
        seq=f"{seq:03d}", year=on.year, cycle=cycle.code)
    head = org.get("kepala_opd") or ""
    contact = kop["contact"] or (
        "Seksi Pengelolaan Statistik Sektoral, " + store.title_id(
            kop["agency"]))
    tembusan = ["Gubernur Maluku Utara (sebagai laporan)"
                if "MALUKU UTARA" in kop["government"]
                else "Kepala Daerah (sebagai laporan)",
                "Kepala BPS Provinsi (Pembina Data)", "Arsip"]
    return {
        "kop": kop,
        "org": {"title": org.get("nama_resmi") or org.get("title")
                or org.get("name"),
                "name": org.get("name"),
                "head_title": f"Kepala {org.get('title') or ''}".strip()
                if not head else f"Kepala {org.get('title')} ({head})"},
        "cycle": {"code": cycle.code, "title": cycle.title},
        "items": items,
        "deadline": {"days": config.time_standards()[1],
                     "date": store.date_id(steps[1].due)},
        "letter": {
            "number": number, "sifat": "Penting",
            "lampiran": f"1 (satu) berkas ({len(items)} data)",
            "hal": "Permintaan Data Statistik Sektoral "
                   f"{cycle.title}",
            "date": store.date_id(on),
            "legal_basis": LEGAL_BASIS,
            "upload_url": kop["site_url"] or "portal data",
            "contact": contact,
            "tembusan": tembusan,
        },
    }


def render_html(ctx: dict[str, Any]) -> str:
    override = ctx["kop"].get("letter_template") or None
    return render.render_html("letter.html", override=override, **ctx)


def render_docx(ctx: dict[str, Any]) -> bytes:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc = render.docx_document()
    render.docx_letterhead(doc, ctx["kop"])
    letter, kop = ctx["letter"], ctx["kop"]
    doc.add_paragraph(f"{kop['place']}, {letter['date']}").alignment = \
        WD_ALIGN_PARAGRAPH.RIGHT
    for label, key in (("Nomor", "number"), ("Sifat", "sifat"),
                       ("Lampiran", "lampiran"), ("Hal", "hal")):
        doc.add_paragraph(f"{label}\t: {letter[key]}")
    doc.add_paragraph(f"Yth. {ctx['org']['head_title']}\n"
                      f"{ctx['org']['title']}\ndi Tempat")
    doc.add_paragraph("Dengan hormat,")
    doc.add_paragraph("Berdasarkan:")
    for basis in letter["legal_basis"]:
        doc.add_paragraph(basis + ";", style="List Number")
    doc.add_paragraph(
        "bersama ini kami meminta Saudara menyampaikan data statistik "
        f"sektoral beserta metadatanya untuk {ctx['cycle']['title']} "
        f"({ctx['cycle']['code']}) sebagaimana tercantum dalam tabel "
        "berikut:")
    render.docx_table(
        doc, ["No.", "Judul Data", "Satuan", "Level Penyajian", "Frekuensi",
              "Urusan"],
        [[i, it["title"], it["satuan"], it["level"], it["frekuensi"],
          it["urusan"]] for i, it in enumerate(ctx["items"], start=1)])
    doc.add_paragraph(
        "Data disampaikan dalam templat Excel yang tersedia untuk setiap "
        "data dan metadata diisi pada portal. Data yang tidak tersedia "
        "ditulis dengan simbol BPS (\"...\", \"-\", \"NA\", \"x\"), tidak "
        "diisi angka 0.")
    doc.add_paragraph(
        f"Data dan metadata kami harapkan diterima paling lambat "
        f"{ctx['deadline']['days']} hari kerja sejak surat ini, yaitu "
        f"tanggal {ctx['deadline']['date']}, melalui portal "
        f"{letter['upload_url']} dengan akun produsen data OPD Saudara. "
        f"Informasi lebih lanjut dapat menghubungi {letter['contact']}.")
    doc.add_paragraph("Demikian disampaikan, atas perhatian dan kerja sama "
                      "Saudara diucapkan terima kasih.")
    sign = doc.add_paragraph(
        f"{kop['signatory_position']},\n\n\n\n{kop['signatory_name']}\n"
        f"NIP. {kop['signatory_nip']}")
    sign.paragraph_format.left_indent = render.docx_cm(9)
    doc.add_paragraph("Tembusan:")
    for t in letter["tembusan"]:
        doc.add_paragraph(t + ";", style="List Number 2")
    return render.docx_bytes(doc)


def letter_orgs(cycle_id: str) -> list[str]:
    rows = model.Session.query(Item.owner_org).filter(
        Item.cycle_id == cycle_id).distinct()
    return sorted(r[0] for r in rows)


def get(cycle_id: str, org_id: str) -> Optional[Document]:
    return model.Session.query(Document).filter(
        Document.cycle_id == cycle_id, Document.kind == KIND,
        Document.owner_org == org_id, Document.status == "ok").first()


def generate(cycle: Cycle, org_id: str, user_name: str
             ) -> tuple[Document, list[str]]:
    """Render the OPD's letter (PDF + DOCX) and record it (flushed: the
    caller commits); with the files of the letter it replaced, which the
    caller removes once committed (:func:`store.remove`)."""
    existing = model.Session.query(Document).filter(
        Document.cycle_id == cycle.id, Document.kind == KIND,
        Document.owner_org == org_id).first()
    if existing is not None and existing.number:
        seq = None
        number = existing.number
    else:
        count = model.Session.query(Document).filter(
            Document.cycle_id == cycle.id, Document.kind == KIND).count()
        seq = count + 1
        number = None
    ctx = context(cycle, org_id, seq or 0)
    if number:
        ctx["letter"]["number"] = number
    html = render_html(ctx)
    pdf = render.html_to_pdf(html)
    docx = render_docx(ctx)
    org_name = ctx["org"]["name"] or org_id
    base = f"{cycle.id}/letters/{org_name}"
    stamp = clock.utcnow().strftime("%Y%m%d%H%M%S%f")
    files = {
        "pdf": store.write_atomic(f"{base}/surat-{stamp}.pdf", pdf),
        "docx": store.write_atomic(f"{base}/surat-{stamp}.docx", docx),
    }
    previous = dict(existing.files or {}) if existing is not None else {}
    doc = existing or Document(cycle_id=cycle.id, kind=KIND,
                               owner_org=org_id)
    doc.number = ctx["letter"]["number"]
    doc.status = "ok"
    doc.error = ""
    doc.files = files
    doc.created = clock.utcnow()
    doc.created_by = user_name
    model.Session.add(doc)
    model.Session.flush()
    return doc, [p for p in previous.values() if p not in files.values()]
