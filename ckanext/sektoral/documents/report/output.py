"""Every file of a report version: HTML and PDF (WeasyPrint) in this
process, the DOCX at the same time in a child process."""
from __future__ import annotations

import logging
from typing import Any, Optional

from ckanext.sektoral.documents import render
from ckanext.sektoral.documents.report.content import approval_text, build
from ckanext.sektoral.documents.report.word import render_docx
from ckanext.sektoral.model import Cycle

log = logging.getLogger(__name__)


def render_html(ctx: dict[str, Any]) -> str:
    return render.render_html("report.html", **ctx)



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
