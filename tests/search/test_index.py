"""Index writes, CLI commands and plugin (un)loading of sektoral_pgsearch."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

import ckan.lib.search as search
import ckan.lib.search.common as search_common
import ckan.lib.search.index as search_index
import ckan.lib.search.query as search_query
import ckan.model as model
import ckan.plugins as plugins
from ckan.cli.cli import ckan
from ckan.tests import factories, helpers

from ckanext.sektoral.search import backend, patch


def _indexed() -> dict[str, dict]:
    """index_id -> document, straight from the table."""
    with model.meta.engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT index_id, doc FROM sektoral_pgsearch_document")).fetchall()
    return {r[0]: r[1] for r in rows}


def _dataset(**kwargs):
    kwargs.setdefault("type", "data-sektoral")
    if "owner_org" not in kwargs:
        kwargs["owner_org"] = factories.Organization()["id"]
    return factories.Dataset(**kwargs)


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
class TestIndexing:
    def test_create_update_delete_follow_the_dataset(self):
        dataset = _dataset(name="data-a", title="Judul Lama",
                           tags=[{"name": "lama"}])
        docs = list(_indexed().values())
        assert [d["name"] for d in docs] == ["data-a"]
        assert docs[0]["permission_labels"] == ["public"]
        assert docs[0]["dataset_type"] == "data-sektoral"

        sysadmin = factories.Sysadmin()
        as_admin = {"user": sysadmin["name"]}
        helpers.call_action("package_patch", context=dict(as_admin),
                            id=dataset["id"], title="Judul Baru",
                            tags=[{"name": "baru"}])
        result = helpers.call_action("package_search", q="baru")
        assert [r["title"] for r in result["results"]] == ["Judul Baru"]
        assert helpers.call_action("package_search", q="lama")["count"] == 0
        assert len(_indexed()) == 1  # replaced, not duplicated

        helpers.call_action("package_delete", context=dict(as_admin),
                            id=dataset["id"])
        assert _indexed() == {}

    def test_private_toggle_updates_permission_labels(self):
        org = factories.Organization()
        dataset = _dataset(owner_org=org["id"], private=True)
        doc = next(iter(_indexed().values()))
        assert doc["permission_labels"] == ["member-" + org["id"]]
        assert doc["capacity"] == "private"
        assert helpers.call_action(
            "package_search", context={"ignore_auth": False, "user": ""},
            include_private=True)["count"] == 0
        sysadmin = factories.Sysadmin()
        helpers.call_action("package_patch", context={"user": sysadmin["name"]},
                            id=dataset["id"], private=False)
        assert helpers.call_action(
            "package_search", context={"ignore_auth": False, "user": ""}
        )["count"] == 1

    def test_before_dataset_index_fields_are_searchable(self):
        # CKAN's index flattens extras / scheming fields into the document
        _dataset(name="berkode", kode_wilayah="82.01")
        conn = backend.make_connection()
        assert conn.search(q="kode_wilayah:\"82.01\"", fl="name").docs == [
            {"name": "berkode"}]

    def test_index_write_is_committed_on_its_own_connection(self):
        """The index is not part of CKAN's transaction (like Solr): a
        document added while the session is rolled back stays."""
        conn = backend.make_connection()
        conn.add([{"id": "x1", "index_id": "x1", "site_id": "sektoral-test",
                   "name": "manual", "title": "Manual", "state": "active",
                   "metadata_modified": "2024-01-01T00:00:00Z"}])
        model.Session.rollback()
        assert "x1" in _indexed()
        conn.delete(id="x1")
        assert "x1" not in _indexed()

    def test_delete_by_query_and_clear(self):
        conn = backend.make_connection()
        docs = [{"id": "i{}".format(n), "index_id": "i{}".format(n),
                 "site_id": site, "entity_type": "package",
                 "name": "n{}".format(n)}
                for n, site in enumerate(["sektoral-test", "sektoral-test",
                                          "other-site"])]
        conn.add(docs, commit=True)
        conn.delete(q='+entity_type:package AND +(id:"i0" OR name:"i0") '
                      'AND +site_id:"sektoral-test"')
        assert set(_indexed()) == {"i1", "i2"}
        search.clear_all()  # only this site's documents
        assert set(_indexed()) == {"i2"}
        conn.delete(q="*:*")
        assert _indexed() == {}

    def test_commit_and_optimize_are_accepted(self):
        conn = backend.make_connection()
        assert conn.commit(waitSearcher=False) == ""
        assert conn.optimize() == ""
        search.commit()

    def test_is_available_and_schema_check(self):
        assert search.is_available() is True
        assert search.check_solr_schema_version() is True


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
class TestCli:
    def test_rebuild_clear_check_show(self, cli):
        first = _dataset(name="satu")
        _dataset(name="dua")
        search.clear_all()
        assert _indexed() == {}

        result = cli.invoke(ckan, ["search-index", "check"])
        assert result.exit_code == 0, result.output
        assert "Packages not indexed = 2 out of 2" in result.output

        result = cli.invoke(ckan, ["search-index", "rebuild", "-q"])
        assert result.exit_code == 0, result.output
        assert sorted(d["name"] for d in _indexed().values()) == ["dua", "satu"]

        result = cli.invoke(ckan, ["search-index", "check"])
        assert "Packages not indexed = 0 out of 2" in result.output

        result = cli.invoke(ckan, ["search-index", "show", "satu"])
        assert result.exit_code == 0, result.output
        assert first["id"] in result.output

        result = cli.invoke(ckan, ["search-index", "clear", "satu"])
        assert result.exit_code == 0, result.output
        assert [d["name"] for d in _indexed().values()] == ["dua"]

        result = cli.invoke(ckan, ["search-index", "rebuild", "-o", "-q"])
        assert result.exit_code == 0, result.output
        assert len(_indexed()) == 2

        result = cli.invoke(ckan, ["search-index", "rebuild", "-c", "-q",
                                   "-e"])
        assert result.exit_code == 0, result.output
        assert len(_indexed()) == 2

        result = cli.invoke(ckan, ["search-index", "clear"])
        assert result.exit_code == 0, result.output
        assert _indexed() == {}


def _current() -> dict[tuple[object, str], object]:
    return {
        (module, name): getattr(module, name)
        for module in (search, search_common, search_index, search_query)
        for name in ("make_connection", "is_available",
                     "check_solr_schema_version")
        if hasattr(module, name)
    }


def test_plugin_load_and_unload_patch_and_restore():
    """Plugins are unloaded at this point (CKAN's pytest plugin does it
    before the run, ``with_plugins`` after each test): CKAN is on Solr."""
    assert not plugins.plugin_loaded("sektoral_pgsearch")
    assert not patch.is_installed()
    originals = _current()
    solr_make_connection = search_common.make_connection
    assert solr_make_connection.__module__ == "ckan.lib.search.common"
    for module in (search, search_index, search_query):
        assert module.make_connection is solr_make_connection

    plugins.load("sektoral_pgsearch")
    try:
        assert patch.is_installed()
        for (module, name), function in _current().items():
            assert patch.is_replacement(function), (module, name)
        assert isinstance(search_query.make_connection(),
                          backend.PgSearchConnection)
    finally:
        plugins.unload("sektoral_pgsearch")

    # unload ends in update_config -> check_solr_schema_version -> restore
    assert not patch.is_installed()
    assert _current() == originals


def test_stale_replacement_restores_solr_on_first_call():
    originals = _current()
    patch.install()  # as if the plugin had been unloaded without a trace
    assert patch.is_installed()
    connection = search_query.make_connection()
    assert not isinstance(connection, backend.PgSearchConnection)
    assert not patch.is_installed()
    assert _current() == originals


def test_install_is_idempotent():
    originals = _current()
    patch.install()
    patch.install()
    assert patch.is_installed()
    patch.uninstall()
    patch.uninstall()
    assert _current() == originals
