"""Every file of a report version: HTML and PDF (WeasyPrint) in this
process, the DOCX at the same time in a child process."""
from __future__ import annotations

import logging
import multiprocessing
import os
import signal
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Optional

from ckanext.sektoral.documents import render
from ckanext.sektoral.documents.report.content import approval_text, build
from ckanext.sektoral.documents.report.word import render_docx
from ckanext.sektoral.model import Cycle

log = logging.getLogger(__name__)


def render_html(ctx: dict[str, Any]) -> str:
    return render.render_html("report.html", **ctx)


#: Longest the DOCX may take in its child process (seconds); past it the
#: child is stopped and the version fails (the previous one stays current).
DOCX_TIMEOUT = 15 * 60


class Alongside:
    """``func(*args) -> bytes`` computed in a child process while the
    caller renders the PDF: the PDF and the DOCX each take most of a core
    for a large cycle, so on a worker with two cores the DOCX costs no
    wall time (``docs/documents.md``, Benchmark).

    A ``concurrent.futures`` pool of one forked worker: forked, so the
    child has the loaded modules (python-docx, the templates) without a
    CKAN set-up of its own; it exits without running the parent's exit
    handlers (its database connections stay the parent's), and it only
    renders bytes from the content it is given. Where fork does not exist,
    or cannot start a process, the function runs in this process
    instead. Use as a context manager: leaving the block stops a child
    that is still running (e.g. the PDF failed), so none is left behind.
    """

    def __init__(self, func: Callable[..., bytes], *args: Any,
                 timeout: float = DOCX_TIMEOUT) -> None:
        self._func, self._args, self._timeout = func, args, timeout
        self._pool: Optional[ProcessPoolExecutor] = None
        self._pid: Optional[int] = None
        self._future: Optional[Future[bytes]] = None
        self._data: Optional[bytes] = None

    def __enter__(self) -> "Alongside":
        try:
            context = multiprocessing.get_context("fork")
        except ValueError:  # no fork on this platform
            context = None
        if context is not None:
            pool = ProcessPoolExecutor(max_workers=1, mp_context=context)
            try:
                # the worker's pid, to stop it if it overruns
                self._pid = pool.submit(os.getpid).result(
                    timeout=self._timeout)
                self._future = pool.submit(self._func, *self._args)
                self._pool = pool
            except (OSError, BrokenProcessPool, FutureTimeout):
                pool.shutdown(wait=False, cancel_futures=True)
                self._pid = None
        if self._pool is None:  # render here and now
            self._data = self._func(*self._args)
        return self

    def result(self) -> bytes:
        """The bytes (waiting at most ``timeout``), or raise: the
        function's own exception, or ``RuntimeError`` when the child died
        or overran."""
        if self._future is None:
            assert self._data is not None
            return self._data
        try:
            return self._future.result(timeout=self._timeout)
        except FutureTimeout:
            self._stop()
            raise RuntimeError(f"rendering in a child process took more "
                               f"than {self._timeout:.0f} s") from None
        except BrokenProcessPool as exc:
            raise RuntimeError(f"rendering in a child process failed "
                               f"({exc})") from None

    def _stop(self) -> None:
        if self._pid is not None and self._future is not None \
                and not self._future.done():
            try:
                os.kill(self._pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def __exit__(self, *exc_info: Any) -> None:
        if self._pool is not None:
            self._stop()
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


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
    with Alongside(render_docx, ctx) as docx:
        html = render_html(ctx)
        pdf = render.html_to_pdf(html)
        times.append(time.perf_counter())
        docx_bytes = docx.result()
    times.append(time.perf_counter())
    log.info("report %s v%s: data %.1f s, html+pdf %.1f s, docx (in "
             "parallel) %.1f s more", cycle.code, version,
             *(b - a for a, b in zip(times, times[1:], strict=False)))
    return {"html": html.encode("utf-8"), "pdf": pdf, "docx": docx_bytes}
