"""Factories and helpers of the ckanext-sektoral tests.

The fixtures (``clean_db``, ``clean_db_module``, ``with_plugins_module``)
live in ``tests/conftest.py``.
"""
from __future__ import annotations

import io
import uuid
from typing import Any, Callable

import rq
from werkzeug.datastructures import FileStorage

from ckan.lib import jobs
from ckan.tests import factories, helpers

DATA_SEKTORAL = "data-sektoral"


# --- database ---------------------------------------------------------------

MIGRATED_PLUGINS = ("activity", "sektoral", "sektoral_pgsearch")


def prepare_db(reset_db: Callable[[], None],
               migrate_db_for: Callable[[str], None]) -> None:
    """Reset CKAN's database and create every table the plugins use: the
    migrations of ``activity`` (CKAN 2.11 keeps part of the activity schema
    there), ``sektoral`` and ``sektoral_pgsearch``, and ckanext-validation's
    table (2.2.0 has no migrations; created as ``ckan validation init-db``
    does); and an empty search index. The plugins must be loaded."""
    from ckanext.sektoral.compat import validation as validation_compat

    from ckan.lib import search

    reset_db()
    for plugin in MIGRATED_PLUGINS:
        migrate_db_for(plugin)
    validation_compat.create_tables()
    # The search index (sektoral_pgsearch's own table) is not one of the
    # tables reset_db empties: without this an earlier module's datasets
    # would still be found (whichever module ran before on the worker).
    search.clear_all()


# --- factories --------------------------------------------------------------

def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def call_as(user: dict[str, Any] | None, action: str, **data: Any) -> Any:
    """Call an action as ``user`` (auth checked unless user is None)."""
    if user is None:
        return helpers.call_action(action, **data)
    context = {"user": user["name"], "ignore_auth": False}
    return helpers.call_action(action, context, **data)


def sektoral_dataset(user: dict[str, Any], org: dict[str, Any],
                     **fields: Any) -> dict[str, Any]:
    """A ``data-sektoral`` dataset with every submit-required field."""
    data: dict[str, Any] = {
        "type": DATA_SEKTORAL,
        "name": unique("ds"),
        "title": "Jumlah Penduduk Menurut Kabupaten/Kota",
        "notes": "Jumlah penduduk hasil registrasi.",
        "owner_org": org["id"],
        "frekuensi_penerbitan": "tahunan",
        "tahun_awal": "2020",
        "tahun_akhir": "2024",
        "level_penyajian": "kabupaten_kota",
        "definisi": "Penduduk adalah semua orang yang berdomisili ...",
        "satuan": "jiwa",
        "cara_pengumpulan_data": "3",
        "urusan_pemerintahan": "2.12",
    }
    data.update(fields)
    return call_as(user, "package_create", **data)


def upload_resource(user: dict[str, Any], package_id: str, content: bytes,
                    filename: str, **fields: Any) -> dict[str, Any]:
    """``resource_create`` with a real file upload (as the web form does)."""
    upload = FileStorage(stream=io.BytesIO(content), filename=filename)
    return call_as(user, "resource_create", package_id=package_id,
                   url=filename, upload=upload, **fields)


def run_jobs(queue_name: str = "default") -> int:
    """Run the queued background jobs synchronously (no fork) and return
    how many ran; fail loudly if one raised."""
    queue = jobs.get_queue(queue_name)
    count = len(queue)
    worker = rq.SimpleWorker([queue], connection=queue.connection)
    worker.work(burst=True)
    failed = rq.registry.FailedJobRegistry(queue=queue)
    if failed.count:
        job = rq.job.Job.fetch(failed.get_job_ids()[0],
                               connection=queue.connection)
        failed_info = job.exc_info
        for job_id in failed.get_job_ids():
            failed.remove(job_id, delete_job=True)
        raise AssertionError(f"background job failed:\n{failed_info}")
    return count


def organization(user: dict[str, Any]) -> dict[str, Any]:
    return factories.Organization(user=user)
