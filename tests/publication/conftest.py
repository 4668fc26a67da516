"""Fixtures of the publication tests.

``remote_ckan`` starts a second, real CKAN (``tests/publication/remote.ini``)
as the national portal: its own database (``$SEKTORAL_REMOTE_DB``, default
``ckan_test_remote``, created by ``scripts/ensure-services.sh``), emptied
and initialised with the ``ckan`` CLI, a sysadmin and an API token made
with the CLI, ``ckan run`` on a free port, waited for, and stopped at
teardown.
"""
from __future__ import annotations

import dataclasses
import os
import pathlib
import socket
import subprocess
import sys
import time
import urllib.request
from typing import Iterator

import pytest

from ckanext.sektoral import notify
from ckanext.sektoral.publication import service

ROOT = pathlib.Path(__file__).resolve().parents[2]
INI = pathlib.Path(__file__).with_name("remote.ini")
CKAN = str(pathlib.Path(sys.executable).with_name("ckan"))


@dataclasses.dataclass
class RemoteCKAN:
    url: str
    token: str
    organization: str
    log: pathlib.Path

    def api(self):
        import ckanapi

        return ckanapi.RemoteCKAN(self.url, apikey=self.token)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run(env: dict[str, str], *args: str, input_: str = "") -> str:
    result = subprocess.run([CKAN, "-c", str(INI), *args], env=env,
                            input=input_, capture_output=True, text=True,
                            cwd=ROOT, timeout=180)
    if result.returncode != 0:
        raise RuntimeError("ckan {} failed:\n{}\n{}".format(
            " ".join(args), result.stdout, result.stderr))
    return result.stdout


@pytest.fixture(scope="module")
def remote_ckan(tmp_path_factory) -> Iterator[RemoteCKAN]:
    db = os.environ.get("SEKTORAL_REMOTE_DB", "ckan_test_remote")
    subprocess.run(["bash", str(ROOT / "scripts" / "ensure-services.sh"), db],
                   check=True, cwd=ROOT, capture_output=True)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    work = tmp_path_factory.mktemp("remote-ckan")
    env = dict(os.environ)
    env.update({
        "CKAN_SQLALCHEMY_URL": f"postgresql://ckan_default:pass@127.0.0.1/{db}",
        "CKAN_REDIS_URL": os.environ.get("CKAN_REDIS_URL",
                                         "redis://127.0.0.1:6379/1"),
        "CKAN_STORAGE_PATH": str(work / "storage"),
        "CKAN_SITE_URL": url,
        "CKAN_SITE_ID": "sektoral-remote-test",
    })
    env.pop("CKAN_INI", None)
    (work / "storage").mkdir()
    _run(env, "db", "clean", "--yes")
    _run(env, "db", "init")
    _run(env, "user", "add", "portal-admin", "email=admin@remote.test",
         "password=Remote-Portal-2026")
    _run(env, "sysadmin", "add", "portal-admin")
    token = _run(env, "user", "token", "add", "portal-admin",
                 "sektoral").strip().splitlines()[-1].strip()
    log = work / "ckan-run.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [CKAN, "-c", str(INI), "run", "-H", "127.0.0.1", "-p", str(port),
             "-r"], env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(
                        url + "/api/3/action/status_show", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the remote CKAN did not start:\n"
                                   + log.read_text(errors="replace"))
            time.sleep(0.3)
        remote = RemoteCKAN(url=url, token=token,
                            organization="pemerintah-daerah", log=log)
        remote.api().action.organization_create(
            name=remote.organization, title="Pemerintah Daerah (nasional)")
        yield remote
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# -- shared by the tests of this directory ----------------------------------

PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
       b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n"
       b"%%EOF\n")


@pytest.fixture(autouse=True)
def no_mail(monkeypatch):
    """Publication mails the OPD; the mail itself is notify's business."""
    monkeypatch.setattr(notify, "on_transition", lambda row: None)


@pytest.fixture
def report(monkeypatch, tmp_path):
    """The approved report of the documents area (a real small PDF)."""
    pdf = tmp_path / "laporan.pdf"
    pdf.write_bytes(PDF)
    html = tmp_path / "laporan.html"
    html.write_text("<h1>Laporan</h1>", encoding="utf-8")
    version = {"id": "rv-1", "version": 2, "approved": True,
               "files": {"pdf": str(pdf), "html": str(html)}}
    state = {"version": version}
    monkeypatch.setattr(service, "approved_report",
                        lambda cycle_id: state["version"])
    return state
