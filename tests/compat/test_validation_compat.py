"""ckanext.sektoral.compat.validation: each fix fails without, works with.

Every "without the fix" test reverts one patch for its own duration (and
re-applies it afterwards), runs ckanext-validation's original code path and
asserts the CKAN 2.11 breakage; the matching test asserts it works with the
patch. The end-to-end tests run the real asynchronous validation: the job is
enqueued on CKAN's RQ queue and run by an in-process burst worker.
"""
from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import textwrap
from io import BytesIO
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
import sqlalchemy as sa
from rq.job import Job
from werkzeug.datastructures import FileStorage

import ckan.lib.jobs as jobs
import ckan.lib.uploader as ckan_uploader
import ckan.model as model
import ckan.plugins as p
from ckan.cli.cli import ckan as ckan_command
from ckan.tests import factories, helpers

import ckanext.scheming.plugins as scheming_plugins
import ckanext.validation.common as validation_common
import ckanext.validation.model as validation_model
import ckanext.validation.plugin as validation_plugin
import ckanext.validation.utils as validation_utils
from ckanext.sektoral.compat import validation as compat

from .conftest import INVALID_CSV, TABLE_SCHEMA, VALID_CSV

pytestmark = pytest.mark.usefixtures("with_plugins")

DATASET_TYPE = "data-sektoral"
VALIDATION_EXAMPLE_SCHEMA = (
    "ckanext.validation.examples:ckan_default_schema.json")


@pytest.fixture
def reverted() -> Iterator[Callable[[str], None]]:
    """Revert patches for the duration of one test, then re-apply them."""
    names: list[str] = []

    def revert(name: str) -> None:
        compat.revert([name])
        names.append(name)

    yield revert
    compat.apply(names)


@pytest.fixture
def editor() -> dict[str, Any]:
    return factories.UserWithToken()


@pytest.fixture
def dataset(clean_db: None, editor: dict[str, Any]) -> dict[str, Any]:
    """A ``data-sektoral`` dataset of an OPD where ``editor`` is editor."""
    organization = factories.Organization(
        users=[{"name": editor["name"], "capacity": "editor"}])
    return helpers.call_action(
        "package_create", {"user": editor["name"]},
        type=DATASET_TYPE, name="jumlah-penduduk",
        title="Jumlah Penduduk", owner_org=organization["id"])


@pytest.fixture
def upload_resource(
    create_with_upload: Callable[..., dict[str, Any]],
    dataset: dict[str, Any],
    editor: dict[str, Any],
    table_schema: str,
) -> Callable[[bytes], dict[str, Any]]:
    """Create a CSV resource with an uploaded file and a Table Schema."""

    def upload(data: bytes) -> dict[str, Any]:
        return create_with_upload(
            data, "penduduk.csv", context={"user": editor["name"]},
            package_id=dataset["id"], name="Penduduk", format="CSV",
            schema=table_schema)

    return upload


def queued_validation_jobs(resource_id: str) -> list[Job]:
    """Validation jobs of one resource waiting on CKAN's default queue.

    Filtered by resource: the queue (Redis) may be shared with other test
    runs.
    """
    return [job for job in jobs.get_queue().jobs
            if job.func_name == "ckanext.validation.jobs.run_validation_job"
            and job.args[0]["id"] == resource_id]


def run_validation_jobs(resource_id: str) -> None:
    """Take this resource's jobs off the queue and run them in a worker.

    ``jobs.Worker`` is CKAN's RQ worker; ``with_test_worker`` makes it run
    jobs in this process. Only this resource's jobs are run, not a burst
    over a queue other test runs may be using.
    """
    queue = jobs.get_queue()
    worker = jobs.Worker()
    for job in queued_validation_jobs(resource_id):
        queue.remove(job)
        worker.execute_job(job, queue)
        assert job.get_status() == "finished", job.exc_info


def validation_of(resource_id: str) -> dict[str, Any]:
    return helpers.call_action(
        "resource_validation_show", resource_id=resource_id)


# ---------------------------------------------------------------------------
# The layer itself
# ---------------------------------------------------------------------------

def test_installed_validation_is_the_patched_release() -> None:
    """Tripwire: a ckanext-validation upgrade must re-check this layer."""
    assert compat.installed_version() == compat.PATCHED_VERSION


def test_sektoral_plugin_applies_every_patch() -> None:
    assert p.plugin_loaded("sektoral")
    assert [name for name in compat.PATCH_NAMES if compat.is_applied(name)] \
        == list(compat.PATCH_NAMES)


def test_apply_is_idempotent_and_revert_restores_upstream() -> None:
    patched = (validation_plugin.tables_exist, validation_utils.uploader,
               scheming_plugins._load_schema,
               validation_plugin.ValidationPlugin.after_resource_create)
    try:
        assert compat.apply() == list(compat.PATCH_NAMES)
        assert (validation_plugin.tables_exist, validation_utils.uploader,
                scheming_plugins._load_schema,
                validation_plugin.ValidationPlugin.after_resource_create
                ) == patched

        compat.revert()
        assert not any(compat.is_applied(n) for n in compat.PATCH_NAMES)
        for function in (validation_model.tables_exist,
                         validation_model.create_tables,
                         validation_plugin.tables_exist,
                         validation_common.tables_exist,
                         validation_common.create_tables):
            assert function.__module__ == "ckanext.validation.model"
        assert validation_utils.uploader is ckan_uploader
        assert scheming_plugins._load_schema.__module__ \
            == "ckanext.scheming.plugins"
        plugin_class = vars(validation_plugin.ValidationPlugin)
        assert "after_dataset_create" not in plugin_class
        assert plugin_class["after_resource_create"].__qualname__ \
            == "ValidationPlugin.after_resource_create"
        compat.revert()  # reverting twice is harmless
    finally:
        compat.apply()
    assert all(compat.is_applied(n) for n in compat.PATCH_NAMES)


def test_apply_refuses_other_validation_releases(
        reverted: Callable[[str], None]) -> None:
    reverted(compat.TABLES_EXIST)
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(compat, "installed_version", lambda: "2.3.0")
        assert compat.apply() == []
        assert not compat.is_applied(compat.TABLES_EXIST)


def test_unknown_patch_name_is_an_error() -> None:
    with pytest.raises(ValueError, match="no_such_patch"):
        compat.apply(["no_such_patch"])


# ---------------------------------------------------------------------------
# Fix 1: tables_exist / create_tables
# ---------------------------------------------------------------------------

def test_without_fix_tables_exist_and_create_tables_are_unbound(
        reverted: Callable[[str], None]) -> None:
    reverted(compat.TABLES_EXIST)
    with pytest.raises(sa.exc.UnboundExecutionError):
        validation_plugin.tables_exist()  # what update_config calls
    with pytest.raises(sa.exc.UnboundExecutionError):
        validation_common.create_tables()  # what `validation init-db` calls


@pytest.mark.usefixtures("clean_db")
def test_tables_exist_uses_the_engine() -> None:
    assert validation_plugin.tables_exist() is True
    assert validation_common.tables_exist() is True


@pytest.mark.usefixtures("clean_db")
def test_tables_exist_before_init_model(
        monkeypatch: pytest.MonkeyPatch,
        ckan_config: dict[str, Any]) -> None:
    """First load: update_config runs before model.init_model."""
    monkeypatch.setattr(model.meta, "engine", None)
    assert compat.tables_exist() is True
    monkeypatch.setitem(ckan_config, "sqlalchemy.url",
                        "postgresql://nobody@127.0.0.1:1/nothing")
    assert compat.tables_exist() is False  # unreachable: just "no table"


@pytest.mark.usefixtures("clean_db")
def test_validation_init_db_command_creates_the_table(cli: Any) -> None:
    validation_model.Validation.__table__.drop(bind=model.meta.engine)
    assert compat.tables_exist() is False

    result = cli.invoke(ckan_command, ["validation", "init-db"])
    assert result.exit_code == 0, result.output
    assert "Validation tables created" in result.output
    assert compat.tables_exist() is True

    result = cli.invoke(ckan_command, ["validation", "init-db"])
    assert result.exit_code == 0, result.output
    assert "already exist" in result.output


def _ckan_db_init(ini: str, plugins: str, tmp_path: Path
                  ) -> subprocess.CompletedProcess[str]:
    """``ckan -c <ini> db init`` in a new process, with ``ckan.plugins``."""
    config = tmp_path / "db-init.ini"
    config.write_text(textwrap.dedent(f"""\
        [app:main]
        use = config:{os.path.abspath(ini)}
        ckan.plugins = {plugins}

        [loggers]
        keys = root
        [handlers]
        keys = console
        [formatters]
        keys = generic
        [logger_root]
        level = WARNING
        handlers = console
        [handler_console]
        class = StreamHandler
        args = (sys.stderr,)
        formatter = generic
        [formatter_generic]
        format = %(levelname)s [%(name)s] %(message)s
        """))
    ckan_executable = Path(sys.executable).with_name("ckan")
    return subprocess.run(
        [str(ckan_executable), "-c", str(config), "db", "init"],
        capture_output=True, text=True, timeout=300, check=False)


@pytest.mark.parametrize("plugins", [
    "validation sektoral",
    "sektoral validation",
])
def test_ckan_db_init_succeeds_in_any_plugin_order(
        plugins: str, ckan_config: dict[str, Any], tmp_path: Path) -> None:
    result = _ckan_db_init(ckan_config["__file__"], plugins, tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "UnboundExecutionError" not in result.stderr


def test_ckan_db_init_fails_without_the_sektoral_plugin(
        ckan_config: dict[str, Any], tmp_path: Path) -> None:
    result = _ckan_db_init(ckan_config["__file__"], "validation", tmp_path)
    assert result.returncode != 0
    assert "UnboundExecutionError" in result.stderr


# ---------------------------------------------------------------------------
# Fix 2: ckan.lib.uploader._get_underlying_file
# ---------------------------------------------------------------------------

def _schema_file() -> FileStorage:
    return FileStorage(BytesIO(json.dumps(TABLE_SCHEMA).encode()),
                       "schema.json", "schema_upload")


def test_without_fix_an_uploaded_schema_breaks_process_schema_fields(
        reverted: Callable[[str], None]) -> None:
    reverted(compat.GET_UNDERLYING_FILE)
    with pytest.raises(AttributeError, match="_get_underlying_file"):
        validation_utils.process_schema_fields(
            {"schema_upload": _schema_file()})


def test_process_schema_fields_reads_an_uploaded_schema() -> None:
    data = validation_utils.process_schema_fields(
        {"schema_upload": _schema_file()})
    assert json.loads(data["schema"]) == TABLE_SCHEMA
    assert "schema_upload" not in data
    # CKAN core keeps living without the function
    assert not hasattr(ckan_uploader, "_get_underlying_file")


def _post_resource_form(app: Any, dataset: dict[str, Any],
                        editor: dict[str, Any]) -> Any:
    """Post the "add resource" web form: a CSV file and a Table Schema file."""
    return app.post(
        f"/{DATASET_TYPE}/{dataset['id']}/resource/new",
        headers={"Authorization": editor["token"]},
        data={
            "id": "",
            "save": "go-metadata",
            "name": "Penduduk 2023",
            "format": "CSV",
            "url": "",
            "upload": (BytesIO(VALID_CSV), "penduduk.csv"),
            "schema_upload": (
                BytesIO(json.dumps(TABLE_SCHEMA).encode()), "schema.json"),
        },
        follow_redirects=False,
    )


@pytest.fixture
def storage(monkeypatch: pytest.MonkeyPatch, ckan_config: dict[str, Any],
            tmp_path: Path) -> Path:
    monkeypatch.setitem(ckan_config, "ckan.storage_path", str(tmp_path))
    return tmp_path


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.mark.usefixtures("storage")
def test_without_fix_the_resource_web_form_is_a_500(
        app: Any, dataset: dict[str, Any], editor: dict[str, Any],
        reverted: Callable[[str], None],
        monkeypatch: pytest.MonkeyPatch) -> None:
    reverted(compat.GET_UNDERLYING_FILE)
    # CKAN's error handler logs the exception behind the 500 here (the
    # logger exists before the test config's fileConfig, which disables it).
    error_log = logging.getLogger("ckan.config.middleware.flask_app")
    monkeypatch.setattr(error_log, "disabled", False)
    errors = _Records()
    error_log.addHandler(errors)
    try:
        response = _post_resource_form(app, dataset, editor)
    finally:
        error_log.removeHandler(errors)

    assert response.status_code == 500
    [error] = [record.msg for record in errors.records]
    assert isinstance(error, AttributeError)
    assert "_get_underlying_file" in str(error)
    shown = helpers.call_action("package_show", id=dataset["id"])
    assert shown["resources"] == []


@pytest.mark.usefixtures("with_test_worker")
def test_resource_web_form_upload_stores_file_and_schema(
        app: Any, dataset: dict[str, Any], editor: dict[str, Any],
        storage: Path) -> None:
    response = _post_resource_form(app, dataset, editor)
    assert response.status_code == 302, response.body[:2000]

    [resource] = helpers.call_action(
        "package_show", id=dataset["id"])["resources"]
    assert resource["url_type"] == "upload"
    assert resource["url"].endswith("/penduduk.csv")
    schema = resource["schema"]
    assert (json.loads(schema) if isinstance(schema, str) else schema) \
        == TABLE_SCHEMA
    stored = Path(ckan_uploader.ResourceUpload(resource).get_path(
        resource["id"]))
    assert stored.is_relative_to(storage)
    assert stored.read_bytes() == VALID_CSV
    # and ckanext-validation validates it
    assert len(queued_validation_jobs(resource["id"])) == 1
    run_validation_jobs(resource["id"])
    assert validation_of(resource["id"])["status"] == "success"


# ---------------------------------------------------------------------------
# Fix 3: "unicode" in ckanext-validation's example schema
# ---------------------------------------------------------------------------

def test_unicode_is_rewritten_only_in_validation_files() -> None:
    def load(url: str) -> dict[str, Any]:
        return {"dataset_fields": [
            {"field_name": "version",
             "validators": "ignore_missing unicode package_version_validator",
             "output_validators": "unicode_safe"},
            {"field_name": "notes", "validators": "unicode"},
        ], "about": "unicode"}

    wrapped = compat._wrap_load_schema(load)
    fixed = wrapped("ckanext.validation.examples:ckan_default_schema.json")
    assert [f["validators"] for f in fixed["dataset_fields"]] == [
        "ignore_missing unicode_safe package_version_validator",
        "unicode_safe"]
    assert fixed["dataset_fields"][0]["output_validators"] == "unicode_safe"
    assert fixed["about"] == "unicode"
    assert wrapped("ckanext.sektoral.schemas:x.yaml") == load("")
    assert wrapped("ckanext.validationx:x.json") == load("")


def test_the_example_schema_is_loaded_with_unicode_safe() -> None:
    schema = scheming_plugins._load_schema(VALIDATION_EXAMPLE_SCHEMA)
    [version] = [f for f in schema["dataset_fields"]
                 if f["field_name"] == "version"]
    assert version["validators"] \
        == "ignore_missing unicode_safe package_version_validator"


def _create_versioned_dataset(user: dict[str, Any]) -> dict[str, Any]:
    organization = factories.Organization(
        users=[{"name": user["name"], "capacity": "editor"}])
    return helpers.call_action(
        "package_create", {"user": user["name"]},
        type="dataset", name="versioned", title="Versioned",
        owner_org=organization["id"], version="1.0")


@pytest.mark.ckan_config("scheming.dataset_schemas", VALIDATION_EXAMPLE_SCHEMA)
@pytest.mark.usefixtures("clean_db")
def test_without_fix_the_example_schema_rejects_datasets(
        reverted: Callable[[str], None]) -> None:
    user = factories.User()
    reverted(compat.UNICODE_VALIDATOR)
    p.plugins_update()  # scheming reloads its schemas
    try:
        with pytest.raises(TypeError, match="cannot be used as validator"):
            _create_versioned_dataset(user)
    finally:
        compat.apply([compat.UNICODE_VALIDATOR])
        p.plugins_update()


@pytest.mark.ckan_config("scheming.dataset_schemas", VALIDATION_EXAMPLE_SCHEMA)
@pytest.mark.usefixtures("clean_db")
def test_the_example_schema_accepts_datasets() -> None:
    dataset = _create_versioned_dataset(factories.User())
    assert dataset["version"] == "1.0"


# ---------------------------------------------------------------------------
# Fix 4 and end to end: asynchronous validation through RQ
# ---------------------------------------------------------------------------

def test_without_fix_resource_create_enqueues_no_validation(
        upload_resource: Callable[[bytes], dict[str, Any]],
        reverted: Callable[[str], None]) -> None:
    reverted(compat.ASYNC_HOOKS)
    resource = upload_resource(VALID_CSV)
    assert queued_validation_jobs(resource["id"]) == []
    with pytest.raises(p.toolkit.ObjectNotFound):
        validation_of(resource["id"])


@pytest.mark.usefixtures("with_test_worker")
def test_valid_csv_is_validated_asynchronously(
        upload_resource: Callable[[bytes], dict[str, Any]]) -> None:
    resource = upload_resource(VALID_CSV)

    assert len(queued_validation_jobs(resource["id"])) == 1
    assert validation_of(resource["id"])["status"] == "created"

    run_validation_jobs(resource["id"])

    validation = validation_of(resource["id"])
    assert validation["status"] == "success", validation
    report = json.loads(validation["report"])
    assert report["valid"] is True
    assert report["tasks"][0]["stats"]["rows"] == 2
    shown = helpers.call_action("resource_show", id=resource["id"])
    assert shown["validation_status"] == "success"
    assert queued_validation_jobs(resource["id"]) == []  # no loop


@pytest.mark.usefixtures("with_test_worker")
def test_invalid_csv_gets_a_failure_report(
        upload_resource: Callable[[bytes], dict[str, Any]]) -> None:
    resource = upload_resource(INVALID_CSV)
    assert len(queued_validation_jobs(resource["id"])) == 1

    run_validation_jobs(resource["id"])

    validation = validation_of(resource["id"])
    assert validation["status"] == "failure", validation
    report = json.loads(validation["report"])
    assert report["valid"] is False
    errors = report["tasks"][0]["errors"]
    assert sorted((e["type"], e["fieldName"], e["rowNumber"])
                  for e in errors) == [
        ("type-error", "jumlah", 3), ("type-error", "tahun", 2)]
    shown = helpers.call_action("resource_show", id=resource["id"])
    assert shown["validation_status"] == "failure"


def test_dataset_created_with_resources_is_validated(
        dataset: dict[str, Any], editor: dict[str, Any]) -> None:
    """``after_dataset_create``: upstream validates every new resource."""
    created = helpers.call_action(
        "package_create", {"user": editor["name"]},
        type=DATASET_TYPE, name="dengan-sumber-daya", title="Dengan",
        owner_org=dataset["owner_org"],
        resources=[{"url": "http://example.com/penduduk.csv",
                    "format": "CSV", "name": "Penduduk"},
                   {"url": "http://example.com/catatan.pdf",
                    "format": "PDF", "name": "Catatan"}])
    csv, pdf = created["resources"]
    queue = jobs.get_queue()
    try:
        assert len(queued_validation_jobs(csv["id"])) == 1
        assert queued_validation_jobs(pdf["id"]) == []
    finally:
        for job in queued_validation_jobs(csv["id"]):
            queue.remove(job)


def test_validation_option_read_by_its_jobs_is_declared(monkeypatch):
    """ckanext-validation 2.2.0 reads ``default_validation_options`` in
    every job without declaring it; the extension declares it so that CKAN
    does not log "Option ... is not declared" on every upload."""
    import ckan.common
    import ckan.plugins.toolkit as tk
    warnings: list[str] = []
    monkeypatch.setattr(ckan.common.log, "warning",
                        lambda msg, *args: warnings.append(msg % args))
    assert not tk.config.get("ckanext.validation.default_validation_options")
    assert tk.config.get("ckanext.validation.no_such_option") is None
    assert warnings == [
        "Option ckanext.validation.no_such_option is not declared"]
