"""Table of query cases against the PostgreSQL search backend.

One small corpus of real datasets (created through ``package_create``, so
indexed by CKAN's own ``PackageSearchIndex`` with ``before_dataset_index``
hooks and permission labels) is built once for the module; every case runs
``package_search`` (or the raw connection) against it.

Corpus (all of type ``data-sektoral``)::

    name             org               private state   tags                 formats
    air-bersih-2023  dinas-kesehatan   no      active  kesehatan, air       CSV
    gizi-balita      dinas-kesehatan   no      active  kesehatan, gizi      CSV, XLSX
    angka-kematian   dinas-kesehatan   no      active  kesehatan            -
    rahasia-puskesmas dinas-kesehatan  yes     active  kesehatan            -

(The private dataset has no resource: ckanext-validation's asynchronous
run on resource creation calls ``resource_show`` without a user and fails
on private datasets -- a problem of that plugin, not of search.)
    sekolah-dasar    dinas-pendidikan  no      active  pendidikan (+group)  PDF
    guru-honorer     dinas-pendidikan  no      active  pendidikan, guru     CSV
    draf-anggaran    dinas-pendidikan  no      draft   pendidikan           -
    arsip-lama       dinas-pendidikan  no      deleted pendidikan           -
"""
from __future__ import annotations

from typing import Any, Optional

import pytest

import ckan.plugins as plugins
from ckan.lib import search
from ckan.lib.search.common import SearchError, SearchQueryError
from ckan.tests import factories, helpers

from ckanext.sektoral.search import backend

from tests.factories import prepare_db

PUBLIC = ["air-bersih-2023", "gizi-balita", "angka-kematian", "sekolah-dasar",
          "guru-honorer"]
BY_TITLE = ["air-bersih-2023", "angka-kematian", "guru-honorer",
            "sekolah-dasar", "gizi-balita"]
CREATED = ["air-bersih-2023", "gizi-balita", "angka-kematian",
           "sekolah-dasar", "guru-honorer"]


def _dataset(org: dict[str, Any], name: str, title: str, notes: str,
             tags: list[str], formats: list[str], **extra: Any
             ) -> dict[str, Any]:
    return factories.Dataset(
        type="data-sektoral",
        name=name,
        title=title,
        notes=notes,
        owner_org=org["id"],
        license_id="cc-by",
        tags=[{"name": t} for t in tags],
        resources=[{"url": "http://data.example/{}.{}".format(name, f.lower()),
                    "format": f, "name": "Tabel {}".format(f)}
                   for f in formats],
        **extra,
    )


@pytest.fixture(scope="module")
def corpus(reset_db, migrate_db_for, reset_index):
    """Load the plugins, reset the database and index, create the corpus.

    Module-scoped on purpose (the function-scoped ``with_plugins`` and
    ``clean_db`` would rebuild it for each of the ~100 cases)."""
    plugins.load_all()
    try:
        prepare_db(reset_db, migrate_db_for)
        reset_index()
        sysadmin = factories.Sysadmin()
        member_a = factories.User()
        member_b = factories.User()
        outsider = factories.User()
        org_a = factories.Organization(
            name="dinas-kesehatan", title="Dinas Kesehatan",
            users=[{"name": member_a["name"], "capacity": "editor"}])
        org_b = factories.Organization(
            name="dinas-pendidikan", title="Dinas Pendidikan",
            users=[{"name": member_b["name"], "capacity": "editor"}])
        group = factories.Group(name="statistik")
        _dataset(org_a, "air-bersih-2023", "Air Bersih Kabupaten 2023",
                 "Cakupan layanan air bersih per distrik",
                 ["kesehatan", "air"], ["CSV"])
        _dataset(org_a, "gizi-balita", "Status Gizi Balita",
                 "Prevalensi stunting dan gizi buruk",
                 ["kesehatan", "gizi"], ["CSV", "XLSX"])
        _dataset(org_a, "angka-kematian", "Angka Kematian Ibu",
                 "Kematian ibu melahirkan dan balita", ["kesehatan"], [])
        _dataset(org_a, "rahasia-puskesmas", "Data Rahasia Puskesmas",
                 "Laporan air bersih puskesmas internal", ["kesehatan"],
                 [], private=True)
        school = _dataset(org_b, "sekolah-dasar", "Jumlah Sekolah Dasar",
                          "Data sekolah dasar negeri dan swasta",
                          ["pendidikan"], ["PDF"])
        _dataset(org_b, "guru-honorer", "Guru Honorer Per Kecamatan",
                 "Rekap guru honorer", ["pendidikan", "guru"], ["CSV"])
        _dataset(org_b, "draf-anggaran", "Draf Anggaran Pendidikan",
                 "Belum terbit", ["pendidikan"], [], state="draft")
        old = _dataset(org_b, "arsip-lama", "Arsip Lama", "Sudah dihapus",
                       ["pendidikan"], [])
        as_admin = {"user": sysadmin["name"]}
        helpers.call_action("package_delete", context=dict(as_admin),
                            id=old["id"])
        helpers.call_action("member_create", context=dict(as_admin),
                            id=group["id"], object=school["id"],
                            object_type="package", capacity="public")
        search.rebuild(school["id"])
        yield {
            "sysadmin": sysadmin, "member_a": member_a,
            "member_b": member_b, "outsider": outsider,
            "org_a": org_a, "org_b": org_b, "group": group,
        }
    finally:
        plugins.unload_non_system_plugins()


def _search(user: Optional[str] = None, **params: Any) -> dict[str, Any]:
    """package_search as ``user`` (``None``: ignore_auth, ``""``: anonymous)."""
    if user is None:
        context: dict[str, Any] = {"ignore_auth": True}
    else:
        context = {"ignore_auth": False, "user": user}
    return helpers.call_action("package_search", context=context, **params)


def _names(result: dict[str, Any]) -> list[str]:
    return [r["name"] for r in result["results"]]


# --------------------------------------------------------------------------
# q / fq operators: (params, expected set of names)
# --------------------------------------------------------------------------

MATCH_CASES = [
    # free text (dismax, CKAN's default for q without ':')
    ("text-single", {"q": "gizi"}, {"gizi-balita"}),
    ("text-case-insensitive", {"q": "GIZI"}, {"gizi-balita"}),
    ("text-two-terms-all-required", {"q": "air bersih"}, {"air-bersih-2023"}),
    ("text-two-terms-no-common", {"q": "sekolah guru"}, set()),
    ("text-mm-3-of-4", {"q": "sekolah dasar negeri kesehatan"},
     {"sekolah-dasar"}),
    ("text-tag-match", {"q": "kesehatan"},
     {"air-bersih-2023", "gizi-balita", "angka-kematian"}),
    ("text-org-name", {"q": "pendidikan"}, {"sekolah-dasar", "guru-honorer"}),
    ("text-phrase", {"q": '"gizi buruk"'}, {"gizi-balita"}),
    ("text-phrase-wrong-order", {"q": '"buruk gizi"'}, set()),
    ("text-minus", {"q": "kesehatan -air"}, {"gizi-balita", "angka-kematian"}),
    ("text-plus", {"q": "+balita"}, {"gizi-balita", "angka-kematian"}),
    ("text-edismax-prefix", {"q": "pendidik*", "defType": "edismax"},
     {"sekolah-dasar", "guru-honorer"}),
    ("text-punctuation-only", {"q": "..."}, set(PUBLIC)),
    ("text-private-included", {"q": "air bersih", "include_private": True},
     {"air-bersih-2023", "rahasia-puskesmas"}),
    # match all
    ("match-all", {"q": "*:*"}, set(PUBLIC)),
    ("empty-q", {"q": ""}, set(PUBLIC)),
    ("fq-match-all", {"fq": "*:*"}, set(PUBLIC)),
    # fielded (lucene parser, q.op AND)
    ("field-name", {"q": "name:gizi-balita"}, {"gizi-balita"}),
    ("field-name-quoted", {"q": 'name:"gizi-balita"'}, {"gizi-balita"}),
    ("field-string-case-sensitive", {"q": "tags:Kesehatan"}, set()),
    ("field-tags", {"q": "tags:kesehatan"},
     {"air-bersih-2023", "gizi-balita", "angka-kematian"}),
    ("field-and", {"q": "tags:kesehatan AND tags:gizi"}, {"gizi-balita"}),
    ("field-and-symbol", {"q": "tags:kesehatan && tags:gizi"}, {"gizi-balita"}),
    ("field-implicit-and", {"q": "tags:kesehatan res_format:XLSX"},
     {"gizi-balita"}),
    ("field-or", {"q": "tags:gizi OR tags:guru"},
     {"gizi-balita", "guru-honorer"}),
    ("field-or-symbol", {"q": "tags:gizi || tags:guru"},
     {"gizi-balita", "guru-honorer"}),
    ("field-minus", {"q": "tags:kesehatan -tags:air"},
     {"gizi-balita", "angka-kematian"}),
    ("field-not", {"q": "tags:kesehatan NOT res_format:CSV"},
     {"angka-kematian"}),
    ("field-and-not", {"q": "tags:kesehatan AND NOT tags:gizi"},
     {"air-bersih-2023", "angka-kematian"}),
    ("field-bang", {"q": "tags:kesehatan !tags:gizi"},
     {"air-bersih-2023", "angka-kematian"}),
    ("field-only-negative", {"q": "-tags:kesehatan"},
     {"sekolah-dasar", "guru-honorer"}),
    ("field-group", {"q": "res_format:(PDF OR XLSX)"},
     {"gizi-balita", "sekolah-dasar"}),
    ("field-group-and", {"q": "tags:(kesehatan AND air)"}, {"air-bersih-2023"}),
    ("brackets", {"q": "(tags:gizi OR tags:air) AND organization:dinas-kesehatan"},
     {"air-bersih-2023", "gizi-balita"}),
    ("nested-brackets",
     {"q": "((tags:gizi OR tags:guru) AND (res_format:CSV)) -name:guru*"},
     {"gizi-balita"}),
    ("organization", {"q": "organization:dinas-pendidikan"},
     {"sekolah-dasar", "guru-honorer"}),
    ("groups", {"q": "groups:statistik"}, {"sekolah-dasar"}),
    ("text-field", {"q": "text:stunting"}, {"gizi-balita"}),
    ("notes-field", {"q": "notes:stunting"}, {"gizi-balita"}),
    ("title-field-word", {"q": "title:balita"}, {"gizi-balita"}),
    ("title-phrase", {"q": 'title:"gizi balita"'}, {"gizi-balita"}),
    ("title-phrase-wrong-order", {"q": 'title:"balita gizi"'}, set()),
    ("res-name-text", {"q": "res_name:xlsx"}, {"gizi-balita"}),
    ("boost-ignored", {"q": "tags:gizi^2 OR tags:guru^0.5"},
     {"gizi-balita", "guru-honorer"}),
    ("escaped-colon", {"q": "name:gizi\\-balita"}, {"gizi-balita"}),
    # wildcards
    ("wildcard-prefix", {"q": "name:guru*"}, {"guru-honorer"}),
    ("wildcard-leading", {"q": "name:*-2023"}, {"air-bersih-2023"}),
    ("wildcard-question", {"q": "name:gizi-b?lita"}, {"gizi-balita"}),
    ("wildcard-text-prefix", {"q": "title:kemati*"}, {"angka-kematian"}),
    ("wildcard-text-infix", {"q": "notes:*untin*"}, {"gizi-balita"}),
    ("field-exists", {"q": "res_format:*"},
     {"air-bersih-2023", "gizi-balita", "sekolah-dasar", "guru-honorer"}),
    ("field-not-exists", {"q": "-res_format:*"}, {"angka-kematian"}),
    ("field-exists-range", {"q": "res_format:[* TO *]"},
     {"air-bersih-2023", "gizi-balita", "sekolah-dasar", "guru-honorer"}),
    # ranges
    ("range-numeric-open", {"q": "num_resources:[2 TO *]"}, {"gizi-balita"}),
    ("range-numeric-exclusive", {"q": "num_resources:{0 TO 2}"},
     {"air-bersih-2023", "sekolah-dasar", "guru-honorer"}),
    ("range-numeric-mixed", {"q": "num_resources:[0 TO 1}"},
     {"angka-kematian"}),
    ("range-string", {"q": "name:[a TO h]"},
     {"air-bersih-2023", "angka-kematian", "gizi-balita", "guru-honorer"}),
    ("range-string-exclusive", {"q": "name:{air-bersih-2023 TO gizi-balita}"},
     {"angka-kematian"}),
    ("range-date-now", {"q": "metadata_modified:[NOW-1DAY TO NOW+1DAY]"},
     set(PUBLIC)),
    ("range-date-past", {"q": "metadata_created:[* TO NOW/DAY-1DAY]"}, set()),
    ("range-date-iso", {"q": "metadata_created:[2000-01-01T00:00:00Z TO *]"},
     set(PUBLIC)),
    ("range-date-rounded", {"fq": "metadata_modified:[NOW/DAY-1DAY TO *]"},
     set(PUBLIC)),
    ("range-date-future", {"fq": "metadata_modified:{NOW+1YEAR TO *]"}, set()),
    # fq (string and list), CKAN's own +field filters
    ("fq-tags", {"fq": "tags:pendidikan"}, {"sekolah-dasar", "guru-honorer"}),
    ("fq-plus-plus", {"fq": "+organization:dinas-kesehatan +res_format:CSV"},
     {"air-bersih-2023", "gizi-balita"}),
    ("fq-quoted", {"q": "air", "fq": '+tags:"kesehatan"'},
     {"air-bersih-2023"}),
    ("fq-list", {"fq_list": ["tags:kesehatan", "res_format:XLSX"]},
     {"gizi-balita"}),
    ("fq-and-fq-list", {"fq": "tags:kesehatan", "fq_list": ["res_format:CSV"]},
     {"air-bersih-2023", "gizi-balita"}),
    ("fq-negative", {"fq": "-tags:kesehatan"}, {"sekolah-dasar", "guru-honorer"}),
    ("fq-dataset-type", {"fq": "+dataset_type:data-sektoral"}, set(PUBLIC)),
    ("fq-dataset-type-other", {"fq": "+dataset_type:dataset"}, set()),
    ("fq-capacity-private", {"fq": "+capacity:private", "include_private": True},
     {"rahasia-puskesmas"}),
    ("fq-site-id", {"fq": '+site_id:"sektoral-test"'}, set(PUBLIC)),
    ("fq-site-id-other", {"fq": '+site_id:"other-site"'}, set()),
    ("fq-state-explicit", {"fq": "+state:draft", "include_drafts": True},
     {"draf-anggaran"}),
    ("include-drafts", {"q": "tags:pendidikan", "include_drafts": True},
     {"sekolah-dasar", "guru-honorer", "draf-anggaran"}),
    ("deleted-not-indexed", {"q": "name:arsip-lama", "include_deleted": True},
     set()),
    ("fq-private-bool", {"fq": "private:true", "include_private": True},
     {"rahasia-puskesmas"}),
    ("fq-permission-labels", {"fq": "+permission_labels:(public)",
                              "include_private": True}, set(PUBLIC)),
]


@pytest.mark.parametrize(
    "params, expected",
    [pytest.param(p, e, id=i) for i, p, e in MATCH_CASES],
)
def test_match(corpus, params, expected):
    result = _search(rows=100, **params)
    assert set(_names(result)) == expected
    assert result["count"] == len(expected)


# --------------------------------------------------------------------------
# sort and paging: (params, expected ordered names)
# --------------------------------------------------------------------------

ORDER_CASES = [
    ("title-asc", {"sort": "title_string asc"}, BY_TITLE),
    ("title-desc", {"sort": "title_string desc"}, BY_TITLE[::-1]),
    ("name-asc", {"sort": "name asc"}, sorted(PUBLIC)),
    ("name-desc", {"sort": "name desc"}, sorted(PUBLIC, reverse=True)),
    ("created-asc", {"sort": "metadata_created asc"}, CREATED),
    ("created-desc", {"sort": "metadata_created desc"}, CREATED[::-1]),
    ("modified-desc", {"sort": "metadata_modified desc"},
     ["guru-honorer", "sekolah-dasar", "angka-kematian", "gizi-balita",
      "air-bersih-2023"]),
    ("multi-field", {"sort": "num_resources desc, name asc"},
     ["gizi-balita", "air-bersih-2023", "guru-honorer", "sekolah-dasar",
      "angka-kematian"]),
    ("any-field", {"sort": "organization asc, title_string desc"},
     ["gizi-balita", "angka-kematian", "air-bersih-2023", "sekolah-dasar",
      "guru-honorer"]),
    ("score-title-beats-notes", {"q": "balita", "sort": "score desc"},
     ["gizi-balita", "angka-kematian"]),
    ("score-asc", {"q": "balita", "sort": "score asc"},
     ["angka-kematian", "gizi-balita"]),
    ("score-ties-then-name", {"q": "*:*", "sort": "score desc, name asc"},
     sorted(PUBLIC)),
    ("rank-default", {"q": "balita", "sort": "rank"},
     ["gizi-balita", "angka-kematian"]),
    ("page-1", {"sort": "name asc", "rows": 2, "start": 0}, sorted(PUBLIC)[:2]),
    ("page-2", {"sort": "name asc", "rows": 2, "start": 2}, sorted(PUBLIC)[2:4]),
    ("page-3", {"sort": "name asc", "rows": 2, "start": 4}, sorted(PUBLIC)[4:]),
    ("page-beyond", {"sort": "name asc", "rows": 2, "start": 10}, []),
    ("rows-zero", {"sort": "name asc", "rows": 0}, []),
]


@pytest.mark.parametrize(
    "params, expected",
    [pytest.param(p, e, id=i) for i, p, e in ORDER_CASES],
)
def test_order(corpus, params, expected):
    params = dict(params)
    params.setdefault("rows", 100)
    result = _search(**params)
    assert _names(result) == expected
    assert result["count"] == (2 if params.get("q") == "balita" else 5)


def test_default_sort_is_ckan_default(corpus):
    # ckan.search.default_package_sort = score desc, metadata_modified desc
    result = _search(rows=100)
    assert _names(result) == [
        "guru-honorer", "sekolah-dasar", "angka-kematian", "gizi-balita",
        "air-bersih-2023"]


# --------------------------------------------------------------------------
# facets
# --------------------------------------------------------------------------

FACET_CASES = [
    ("three-facets", {"facet.field": '["organization", "tags", "res_format"]'},
     {"organization": {"dinas-kesehatan": 3, "dinas-pendidikan": 2},
      "tags": {"kesehatan": 3, "pendidikan": 2, "air": 1, "gizi": 1, "guru": 1},
      "res_format": {"CSV": 3, "XLSX": 1, "PDF": 1}}),
    ("filtered", {"facet.field": '["tags"]', "fq": "organization:dinas-pendidikan"},
     {"tags": {"pendidikan": 2, "guru": 1}}),
    ("q-filtered", {"facet.field": '["res_format"]', "q": "kesehatan"},
     {"res_format": {"CSV": 2, "XLSX": 1}}),
    ("limit", {"facet.field": '["tags"]', "facet.limit": 1},
     {"tags": {"kesehatan": 3}}),
    ("mincount", {"facet.field": '["tags"]', "facet.mincount": 2},
     {"tags": {"kesehatan": 3, "pendidikan": 2}}),
    ("unlimited", {"facet.field": '["tags"]', "facet.limit": -1},
     {"tags": {"kesehatan": 3, "pendidikan": 2, "air": 1, "gizi": 1, "guru": 1}}),
    ("groups", {"facet.field": '["groups"]'}, {"groups": {"statistik": 1}}),
    ("private-counted-when-visible",
     {"facet.field": '["organization"]', "include_private": True},
     {"organization": {"dinas-kesehatan": 4, "dinas-pendidikan": 2}}),
    ("no-match", {"facet.field": '["tags"]', "q": "tags:nothing"}, {"tags": {}}),
    ("scalar-field", {"facet.field": '["num_resources"]'},
     {"num_resources": {"1": 3, "0": 1, "2": 1}}),
]


@pytest.mark.parametrize(
    "params, expected",
    [pytest.param(p, e, id=i) for i, p, e in FACET_CASES],
)
def test_facets(corpus, params, expected):
    result = _search(rows=0, **params)
    assert result["facets"] == expected
    for field, counts in expected.items():
        items = result["search_facets"][field]["items"]
        assert {i["name"]: i["count"] for i in items} == counts


def test_facet_order_is_count_then_value(corpus):
    conn = backend.make_connection()
    res = conn.search(q="*:*", fq=["+site_id:\"sektoral-test\"", "+state:active"],
                      facet="true", **{"facet.field": ["tags"],
                                       "facet.limit": 3})
    assert res.facets["facet_fields"]["tags"] == [
        "kesehatan", 4, "pendidikan", 2, "air", 1]


def test_facet_mincount_zero_lists_every_value(corpus):
    conn = backend.make_connection()
    res = conn.search(q="tags:gizi", fq='+site_id:"sektoral-test"',
                      facet="true", **{"facet.field": "res_format",
                                       "facet.mincount": 0,
                                       "facet.sort": "index"})
    assert res.facets["facet_fields"]["res_format"] == [
        "CSV", 1, "PDF", 0, "XLSX", 1]


def test_facet_disabled(corpus):
    conn = backend.make_connection()
    res = conn.search(q="*:*", facet="false", **{"facet.field": ["tags"]})
    assert res.facets == {}


# --------------------------------------------------------------------------
# visibility: who sees the private dataset of dinas-kesehatan
# --------------------------------------------------------------------------

VISIBLE_KESEHATAN = {"air-bersih-2023", "gizi-balita", "angka-kematian"}
VISIBILITY_CASES = [
    ("anonymous", "", False, VISIBLE_KESEHATAN),
    ("anonymous-include-private", "", True, VISIBLE_KESEHATAN),
    ("outsider", "outsider", True, VISIBLE_KESEHATAN),
    ("member-other-org", "member_b", True, VISIBLE_KESEHATAN),
    ("member-no-include-private", "member_a", False, VISIBLE_KESEHATAN),
    ("member", "member_a", True, VISIBLE_KESEHATAN | {"rahasia-puskesmas"}),
    ("sysadmin", "sysadmin", True, VISIBLE_KESEHATAN | {"rahasia-puskesmas"}),
]


@pytest.mark.parametrize(
    "who, include_private, expected",
    [pytest.param(w, i, e, id=n) for n, w, i, e in VISIBILITY_CASES],
)
def test_visibility(corpus, who, include_private, expected):
    user = corpus[who]["name"] if who else ""
    result = _search(user=user, q="tags:kesehatan",
                     include_private=include_private, rows=100,
                     **{"facet.field": '["organization"]'})
    assert set(_names(result)) == expected
    assert result["facets"]["organization"] == {
        "dinas-kesehatan": len(expected)}


def test_free_text_never_leaks_private(corpus):
    result = _search(user="", q="puskesmas", include_private=True)
    assert result["count"] == 0
    result = _search(user=corpus["member_a"]["name"], q="puskesmas",
                     include_private=True)
    assert _names(result) == ["rahasia-puskesmas"]


# --------------------------------------------------------------------------
# invalid queries: CKAN's errors, never a database error
# --------------------------------------------------------------------------

INVALID_CASES = [
    ("unclosed-bracket", {"q": "tags:(kesehatan"}, SearchError),
    ("unclosed-phrase", {"q": 'title:"gizi'}, SearchError),
    ("dangling-operator", {"q": "tags:gizi AND"}, SearchError),
    ("leading-operator", {"q": "OR tags:gizi"}, SearchError),
    ("stray-close", {"q": "gizi)"}, SearchError),
    ("bad-range", {"fq": "num_resources:[1 TO"}, SearchError),
    ("range-without-to", {"fq": "num_resources:[1 2]"}, SearchError),
    ("bad-date", {"fq": "metadata_modified:[NOW-XDAY TO *]"}, SearchError),
    ("bad-field-name", {"q": "ta'gs:x"}, SearchError),
    ("empty-value", {"q": "tags:"}, SearchError),
    ("bad-sort-order", {"sort": "title_string sideways"}, SearchQueryError),
    ("bad-sort-field", {"sort": "title;drop asc"}, SearchQueryError),
    ("local-params", {"q": "{!lucene}gizi"}, SearchError),
]


@pytest.mark.parametrize(
    "params, error",
    [pytest.param(p, e, id=i) for i, p, e in INVALID_CASES],
)
def test_invalid_query(corpus, params, error):
    with pytest.raises(error) as info:
        _search(**params)
    assert "SQL" not in str(info.value)
    assert "psycopg2" not in str(info.value)


def test_invalid_query_over_api_is_409_not_500(corpus, app):
    response = app.get("/api/3/action/package_search",
                       query_string={"q": "tags:(kesehatan"}, status=409)
    body = response.json
    assert body["success"] is False
    assert body["error"]["__type"] == "Search Error"
    assert "SyntaxError" in body["error"]["message"]
    assert "SELECT" not in body["error"]["message"]


def test_invalid_sort_over_api_is_400(corpus, app):
    response = app.get("/api/3/action/package_search",
                       query_string={"sort": "name sideways"}, status=400)
    assert response.json["error"]["__type"] == "Search Query Error"


def test_invalid_query_in_web_search_page(corpus, app):
    response = app.get("/dataset/", query_string={"q": "tags:(kesehatan"})
    assert response.status_code == 200
    assert "gizi-balita" not in response.get_data(as_text=True)


# --------------------------------------------------------------------------
# raw connection: fl, score, rows cap, get_index, dates
# --------------------------------------------------------------------------

def test_q_op_or(corpus):
    conn = backend.make_connection()
    res = conn.search(q="tags:gizi tags:guru", fl="name", **{"q.op": "OR"})
    assert {d["name"] for d in res.docs} == {"gizi-balita", "guru-honorer"}
    res = conn.search(q="tags:gizi tags:guru", fl="name", **{"q.op": "AND"})
    assert res.hits == 0


def test_fl_field_list_and_score(corpus):
    conn = backend.make_connection()
    res = conn.search(q="balita", defType="dismax", mm="1",
                      fl="name,score", sort="score desc")
    assert [set(d) for d in res.docs] == [{"name", "score"}] * 2
    assert res.docs[0]["score"] > res.docs[1]["score"] > 0
    assert res.hits == 2


def test_fl_star_returns_stored_document(corpus):
    conn = backend.make_connection(decode_dates=False)
    res = conn.search(q="name:gizi-balita", fl="*")
    doc = res.docs[0]
    assert sorted(doc["tags"]) == ["gizi", "kesehatan"]
    assert doc["res_format"] == ["CSV", "XLSX"]
    assert doc["capacity"] == "public"
    assert "validated_data_dict" in doc
    assert isinstance(doc["metadata_modified"], str)


def test_decode_dates(corpus):
    import datetime
    conn = backend.make_connection(decode_dates=True)
    doc = conn.search(q="name:gizi-balita", fl="metadata_modified").docs[0]
    assert isinstance(doc["metadata_modified"], datetime.datetime)


def test_fl_glob(corpus):
    conn = backend.make_connection()
    doc = conn.search(q="name:gizi-balita", fl="res_*").docs[0]
    assert set(doc) and all(k.startswith("res_") for k in doc)


def test_fl_id_via_package_search(corpus):
    result = _search(q="tags:gizi", fl=["id", "name"])
    assert result["results"][0]["name"] == "gizi-balita"
    assert set(result["results"][0]) == {"id", "name"}


def test_rows_cap(corpus, ckan_config, monkeypatch):
    monkeypatch.setitem(ckan_config, "ckanext.sektoral.search.max_rows", 2)
    conn = backend.make_connection()
    assert len(conn.search(q="*:*", rows=100, fl="name").docs) == 2
    # id-only listings (CKAN's get_all_entity_ids) are not capped
    assert len(conn.search(q="*:*", rows=100, fl="id").docs) > 2


def test_get_all_entity_ids_and_show(corpus):
    query = search.query_for("package")
    ids = query.get_all_entity_ids(max_results=100)
    assert len(ids) == 6  # active ones, private included; no draft
    shown = search.show("gizi-balita")
    assert shown["name"] == "gizi-balita"
    assert shown["entity_type"] == "package"


def test_counts_in_organization_and_group_actions(corpus):
    org = helpers.call_action("organization_show", id="dinas-kesehatan")
    assert org["package_count"] == 3
    org = helpers.call_action(
        "organization_show", id="dinas-kesehatan",
        context={"ignore_auth": False, "user": corpus["member_a"]["name"]})
    assert org["package_count"] == 4
    orgs = helpers.call_action("organization_list", all_fields=True)
    assert {o["name"]: o["package_count"] for o in orgs} == {
        "dinas-kesehatan": 3, "dinas-pendidikan": 2}
    group = helpers.call_action("group_show", id="statistik")
    assert group["package_count"] == 1
    groups = helpers.call_action("group_list", all_fields=True)
    assert groups[0]["package_count"] == 1


def test_web_pages(corpus, app):
    body = app.get("/dataset/", query_string={"q": "gizi"}).get_data(as_text=True)
    assert "gizi-balita" in body
    body = app.get("/organization/dinas-kesehatan").get_data(as_text=True)
    assert "air-bersih-2023" in body and "rahasia-puskesmas" not in body
    assert app.get("/dataset/activity/gizi-balita").status_code == 200
    assert app.get("/organization/activity/dinas-kesehatan").status_code == 200
    assert app.get("/group/statistik").status_code == 200
