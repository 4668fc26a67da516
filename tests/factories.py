"""Factories and helpers of the ckanext-sektoral tests.

The fixtures (``clean_db``, ``clean_db_module``, ``with_plugins_module``,
``frozen_clock``) live in ``tests/conftest.py``, which registers the
factories below as fixtures (pytest-factoryboy): ``cycle``, ``item``,
``opd``, ``opd_editor``, ``staf_user``, ``kasie_user``, ``kabid_user``,
``kadis_user``, ``pembina_user`` and their ``*_factory``. Linked as in a
real cycle: ``item`` is in ``cycle`` and ``opd``, both made by
``staf_user``; ``opd_editor`` edits ``opd``. Module-scoped worlds call
the factory classes directly.
"""
from __future__ import annotations

import io
import uuid
from typing import Any, Callable, Iterable

import factory
import rq
from pytest_factoryboy import named_model
from werkzeug.datastructures import FileStorage

from ckan import model
from ckan.lib import jobs
from ckan.tests import factories, helpers

from ckanext.sektoral.model import Cycle, Item

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


# --- factory_boy factories (CKAN's, through the extension's actions) -------
# The model class names the fixtures (``named_model``): ``staf_user``,
# ``opd``, ... next to CKAN's own ``user`` and ``organization``.

def _site_context() -> dict[str, Any]:
    return {"user": helpers.call_action("get_site_user")["name"]}


def _ref(value: Any) -> Any:
    """The id of a dict the factories returned, or the id/name given."""
    return value["id"] if isinstance(value, dict) else value


class PositionedUserFactory(factories.User):
    """A user holding a Walidata (or Pembina) ``position``, given by the
    site user through ``sektoral_position_assign``."""

    class Meta:
        model = named_model(model.User, "PositionedUser")

    position = "staf"

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Any:
        position = kwargs.pop("position")
        user = super()._create(model_class, *args, **kwargs)
        helpers.call_action("sektoral_position_assign", _site_context(),
                            user=user["name"], position=position)
        return user


class StafUserFactory(PositionedUserFactory):
    class Meta:
        model = named_model(model.User, "StafUser")

    position = "staf"


class KasieUserFactory(PositionedUserFactory):
    class Meta:
        model = named_model(model.User, "KasieUser")

    position = "kasie"


class KabidUserFactory(PositionedUserFactory):
    class Meta:
        model = named_model(model.User, "KabidUser")

    position = "kabid"


class KadisUserFactory(PositionedUserFactory):
    class Meta:
        model = named_model(model.User, "KadisUser")

    position = "kadis"


class PembinaUserFactory(PositionedUserFactory):
    class Meta:
        model = named_model(model.User, "PembinaUser")

    position = "pembina"


def positioned(*positions: str, **fields: Any) -> dict[str, dict[str, Any]]:
    """One user per position named (``staf``, ``kasie``, ...), keyed by it."""
    return {position: PositionedUserFactory(position=position, **fields)
            for position in positions}


class OpdFactory(factories.Organization):
    """An OPD: an organization of the ``opd.yaml`` schema (any of its
    fields may be given: ``kontak_email``, ``kontak_nama``, ...)."""

    class Meta:
        model = named_model(model.Group, "Opd")


class OpdEditorFactory(factories.User):
    """A member of an OPD (``organization``), as ``capacity`` (editor
    unless told: the OPD's producer)."""

    class Meta:
        model = named_model(model.User, "OpdEditor")

    organization = factory.SubFactory(OpdFactory)
    capacity = "editor"

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Any:
        organization = kwargs.pop("organization")
        capacity = kwargs.pop("capacity")
        user = super()._create(model_class, *args, **kwargs)
        helpers.call_action("organization_member_create", _site_context(),
                            id=_ref(organization), username=user["name"],
                            role=capacity)
        return user


class _ActorFactory(factories.CKANFactory):
    """Calls its action as ``user`` (a user dict or name), who is not
    passed on as a field."""

    @classmethod
    def _api_prepare_args(cls, data_dict: dict[str, Any]) -> dict[str, Any]:
        user = data_dict.pop("user")
        data_dict["context"] = {"user": user["name"] if isinstance(
            user, dict) else user}
        return data_dict


class CycleFactory(_ActorFactory):
    """A cycle opened by Walidata staff (``sektoral_cycle_create``)."""

    class Meta:
        model = Cycle
        action = "sektoral_cycle_create"

    user = factory.SubFactory(StafUserFactory)
    code = factory.Sequence(lambda n: f"T{n}-S1")
    title = factory.LazyAttribute(lambda o: "Siklus " + o.code)
    start_date = "2026-01-05"


class ItemFactory(_ActorFactory):
    """An item of a cycle's data list (``sektoral_item_create`` by staff):
    a private ``data-sektoral`` dataset of an OPD, at stage
    ``direncanakan``, with the Table Schema ``template`` if one is given.
    Any other field goes to the dataset.

    ``moves``: ``(transition, user)`` pairs then run through the real
    transition actions, as that user (e.g. ``[("request", staf)]``).
    ``stage``: put straight into that stage afterwards (see
    :func:`put_at_stage`). Returns the dataset as it is then.
    """

    class Meta:
        model = Item
        action = "sektoral_item_create"

    user = factory.SubFactory(StafUserFactory)
    cycle = factory.SubFactory(CycleFactory)
    owner_org = factory.SubFactory(OpdFactory)
    title = factory.LazyFunction(
        lambda: factories.fake.sentence(nb_words=4).rstrip("."))
    template = None
    moves: tuple[tuple[str, Any], ...] = ()
    stage = None

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Any:
        moves, stage = kwargs.pop("moves"), kwargs.pop("stage")
        kwargs["cycle"] = _ref(kwargs["cycle"])
        kwargs["owner_org"] = _ref(kwargs["owner_org"])
        package = super()._create(model_class, *args, **kwargs)
        for transition, actor in moves:
            call_as(actor, "sektoral_" + transition, id=package["id"])
        if stage:
            put_at_stage([package["id"]], stage)
        if moves or stage:
            package = helpers.call_action("package_show", _site_context(),
                                          id=package["id"])
        return package


def put_at_stage(package_ids: Iterable[str], stage: str) -> None:
    """Test set-up only: put items straight into ``stage``, skipping the
    transitions (no audit row, no event, no mail; the version unchanged)
    and the completeness gate; the search index follows."""
    from ckanext.sektoral.logic import service

    ids = list(package_ids)
    model.Session.query(Item).filter(Item.package_id.in_(ids)).update(
        {"stage": stage}, synchronize_session="fetch")
    model.Session.commit()
    for package_id in ids:
        service.reindex(package_id)
