"""The DOCX rendered alongside the PDF in a child process
(``documents/report/output.py``: ``Alongside``), without a CKAN app."""
from __future__ import annotations

import multiprocessing
import os
import time

import pytest

from ckanext.sektoral.documents.report import output


def pid_bytes(prefix: bytes) -> bytes:
    return prefix + str(os.getpid()).encode()


def fails(message: str) -> bytes:
    raise ValueError(message)


def sleeps(seconds: float) -> bytes:
    time.sleep(seconds)
    return b"late"


def dies() -> bytes:
    os._exit(3)


def test_runs_in_a_child_process_and_gives_the_bytes():
    with output.Alongside(pid_bytes, b"pid:") as job:
        data = job.result()
    assert data.startswith(b"pid:")
    assert data != pid_bytes(b"pid:")


def test_the_functions_exception_reaches_the_caller():
    with output.Alongside(fails, "no docx") as job:
        with pytest.raises(ValueError, match="no docx"):
            job.result()


def test_an_overrun_is_stopped_and_fails():
    started = time.monotonic()
    with output.Alongside(sleeps, 30, timeout=1) as job:
        with pytest.raises(RuntimeError, match="more than 1 s"):
            job.result()
    assert time.monotonic() - started < 15
    assert not multiprocessing.active_children()


def test_a_dead_child_fails():
    with output.Alongside(dies) as job:
        with pytest.raises(RuntimeError, match="child process failed"):
            job.result()


def test_leaving_the_block_early_stops_the_child():
    """The PDF failed: the DOCX child is not left running."""
    started = time.monotonic()
    with pytest.raises(KeyError):
        with output.Alongside(sleeps, 30):
            raise KeyError("pdf")
    assert time.monotonic() - started < 15
    assert not multiprocessing.active_children()


def test_without_fork_it_renders_in_this_process(monkeypatch):
    def no_fork(method=None):
        raise ValueError("cannot find context for 'fork'")
    monkeypatch.setattr(output.multiprocessing, "get_context", no_fork)
    with output.Alongside(pid_bytes, b"pid:") as job:
        assert job.result() == pid_bytes(b"pid:")
