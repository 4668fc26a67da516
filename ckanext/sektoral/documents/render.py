"""Rendering primitives: a plain Jinja2 environment for the document
templates (works in background jobs, outside a request), HTML -> PDF with
WeasyPrint, and small python-docx helpers."""
from __future__ import annotations

import io
from pathlib import Path
from typing import Any, Optional

import jinja2
import markupsafe

from ckanext.sektoral.documents import store


def environment(override: Optional[str] = None) -> jinja2.Environment:
    paths = []
    if override:
        paths.append(str(Path(override).parent))
    paths.append(str(store.TEMPLATE_DIR))
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(paths),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined if not override
        else jinja2.Undefined)


def css() -> str:
    return (store.TEMPLATE_DIR / "_style.css").read_text("utf-8")


def render_html(template: str, override: Optional[str] = None,
                **variables: Any) -> str:
    env = environment(override)
    name = Path(override).name if override else template
    return env.get_template(name).render(css=markupsafe.Markup(css()),
                                         **variables)


def html_to_pdf(html: str) -> bytes:
    import weasyprint

    return weasyprint.HTML(string=html,
                           base_url=str(store.TEMPLATE_DIR)).write_pdf()


# -- DOCX -------------------------------------------------------------------

def docx_document() -> Any:
    from docx import Document
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin, section.right_margin = Cm(2.5), Cm(2)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(12)
    _page_number_footer(section)
    return doc


def _page_number_footer(section: Any) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    para = section.footer.paragraphs[0]
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = para.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)


def docx_letterhead(doc: Any, kop: dict[str, Any]) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    table = doc.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    left.width, right.width = Cm(2.6), Cm(14)
    logo = kop.get("logo") or ""
    if logo and not logo.lower().endswith(".svg"):
        left.paragraphs[0].add_run().add_picture(logo, width=Cm(2.1))
    elif logo:
        png = svg_to_png(logo)
        if png:
            left.paragraphs[0].add_run().add_picture(io.BytesIO(png),
                                                     width=Cm(2.1))
    para = right.paragraphs[0]
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for text, size, bold in ((kop["government"], 14, True),
                             (kop["agency"], 15, True),
                             (kop["address"], 9.5, False)):
        run = para.add_run(text + "\n")
        run.bold = bold
        run.font.size = Pt(size)
    rule = doc.add_paragraph("_" * 78)
    rule.alignment = WD_ALIGN_PARAGRAPH.CENTER


def svg_to_png(path: str) -> Optional[bytes]:
    """The shipped SVG logo as PNG for DOCX (via WeasyPrint's PDF is not
    an image; matplotlib cannot read SVG), else None."""
    png = Path(path).with_suffix(".png")
    return png.read_bytes() if png.exists() else None


def docx_table(doc: Any, header: list[str], rows: list[list[Any]]) -> Any:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=False):
        cell.text = ""
        cell.paragraphs[0].add_run(str(text)).bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=False):
            cell.text = "" if value is None else str(value)
    return table


def docx_bytes(doc: Any) -> bytes:
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def docx_cm(value: float) -> Any:
    from docx.shared import Cm
    return Cm(value)
