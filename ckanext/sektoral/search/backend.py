"""PostgreSQL search index with the part of pysolr's ``Solr`` client that
CKAN uses.

CKAN (``ckan.lib.search``) builds Solr documents and Solr queries; an
instance of :class:`PgSearchConnection` is what ``make_connection()``
returns while the ``sektoral_pgsearch`` plugin is loaded (see
:mod:`.patch`). It stores the documents in ``sektoral_pgsearch_document``
(created by this plugin's alembic migration only) and answers ``search``
with a :class:`pysolr.Results` built from a Solr-shaped response.

Transactions
    Index writes and searches run on their own connections from CKAN's
    engine pool, never on ``model.Session``. Each ``add``/``delete`` call is
    one short transaction committed before returning, so the index state is
    visible to the next request at once (``commit()`` therefore has nothing
    left to do). As with Solr, the index is not part of CKAN's transaction:
    CKAN indexes a dataset from ``before_commit``; if the database commit
    then fails, the index keeps the new document until the next reindex of
    that dataset -- exactly the behaviour CKAN has with Solr. Using the
    session instead would make the index transactional but would also make
    ``search-index clear`` and the test fixtures depend on someone committing
    CKAN's session, and would hold row locks for the whole request.

Errors
    Every failure is raised as :class:`PgSearchError`, a subclass of
    ``pysolr.SolrError``, because that is what ``ckan.lib.search`` catches
    and turns into ``SearchError``/``SearchQueryError``/``SearchIndexError``
    (a query syntax error becomes a 409 "Search error" in the API, as with
    Solr; an invalid sort becomes ``SearchQueryError('Invalid "sort"
    parameter')``). SQL details are logged, not returned to users.
"""
from __future__ import annotations

import datetime
import fnmatch
import json
import logging
import re
import time
from typing import Any, Iterable, Optional, Union

import pysolr
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from . import config as search_config
from . import lucene
from .sql import TABLE, SortError, SqlCompiler

log = logging.getLogger(__name__)

DEFAULT_TEXT_CONFIG = "simple"
_FACET_FIELD_RE = re.compile(r"^[\w.\-@]+$", re.UNICODE)
#: Solr's default ``facet.limit``.
DEFAULT_FACET_LIMIT = 100

#: Fields whose text goes into the full-text vector, by weight. The set is
#: Solr's ``copyField``s into ``text`` in CKAN's schema; weights mirror
#: CKAN's dismax ``qf`` (``name^4 title^4 tags^2 groups^2 text``).
WEIGHT_A = ("name", "title")
WEIGHT_B = ("tags", "groups")
WEIGHT_C = ("notes", "organization", "res_name", "res_description")
WEIGHT_D = ("text", "urls", "url", "ckan_url", "download_url", "res_url",
            "license", "maintainer", "author")
WEIGHT_D_PREFIXES = ("extras_", "res_extras_", "vocab_")
#: Fields that CKAN's Solr schema stores but does not index: kept in the
#: ``stored`` column, returned by ``fl`` but never searched or faceted.
STORED_ONLY_FIELDS = frozenset(["data_dict", "validated_data_dict"])


class PgSearchError(pysolr.SolrError):
    """Any failure of the PostgreSQL search backend."""


def _text_config() -> str:
    """``ckanext.sektoral.search.text_config`` (declared by this plugin)."""
    return search_config.text_config() or DEFAULT_TEXT_CONFIG


def _max_rows() -> int:
    """``ckanext.sektoral.search.max_rows`` (declared by this plugin)."""
    return search_config.max_rows()


def _engine() -> Engine:
    from ckan.model import meta
    engine = meta.engine
    if engine is None:
        raise PgSearchError("Search backend: database engine not initialised")
    return engine


def _as_bool(value: Any, default: bool) -> bool:
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("true", "on", "1", "yes")


def _as_int(name: str, value: Any, default: int) -> int:
    if value is None or value == "":
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise PgSearchError(
            "Invalid value {!r} for parameter {!r}: expected an integer".format(
                value, name)) from None


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple, set)):
        return [v for v in value if v is not None]
    return [value]


def _scalar(value: Any) -> Optional[str]:
    """Text of a single-valued field (``None`` for lists and missing)."""
    if value is None or isinstance(value, (list, dict)):
        return None
    return str(value)


def _flatten_text(value: Any) -> Iterable[str]:
    if value is None or isinstance(value, bool):
        return
    if isinstance(value, (list, tuple)):
        for item in value:
            yield from _flatten_text(item)
    elif isinstance(value, dict):
        return
    else:
        yield str(value)


def _json_default(value: Any) -> Any:
    if isinstance(value, (datetime.datetime, datetime.date)):
        text = value.isoformat()
        if isinstance(value, datetime.datetime) and value.tzinfo is None:
            text += "Z"
        return text
    if isinstance(value, (set, frozenset)):
        return list(value)
    return str(value)


def prepare_document(doc: dict[str, Any]) -> dict[str, Any]:
    """Drop empty fields the way pysolr does (``None`` and empty lists are
    not sent to Solr) and make the values JSON-serialisable."""
    out: dict[str, Any] = {}
    for key, value in doc.items():
        if value is None:
            continue
        if isinstance(value, (list, tuple, set)):
            value = [v for v in value if v is not None]
            if not value:
                continue
        out[str(key)] = value
    return json.loads(json.dumps(out, default=_json_default))


def text_parts(doc: dict[str, Any]) -> tuple[str, str, str, str]:
    """Texts of the four weight classes (A-D) of the full-text vector."""
    def collect(keys: Iterable[str]) -> str:
        return "\n".join(t for k in keys for t in _flatten_text(doc.get(k)))

    d_keys = list(WEIGHT_D) + sorted(
        k for k in doc if k.startswith(WEIGHT_D_PREFIXES))
    return collect(WEIGHT_A), collect(WEIGHT_B), collect(WEIGHT_C), collect(d_keys)


_UPSERT = sa.text(
    """
    INSERT INTO {table} AS d (index_id, id, site_id, entity_type, name,
        state, capacity, dataset_type, permission_labels, title_string,
        metadata_created, metadata_modified, text_vector, doc,
        stored, indexed_at)
    VALUES (:index_id, :id, :site_id, :entity_type, :name, :state,
        :capacity, :dataset_type, :permission_labels, :title_string,
        sektoral_pgsearch_to_timestamptz(:metadata_created),
        sektoral_pgsearch_to_timestamptz(:metadata_modified),
        setweight(to_tsvector(CAST(:cfg AS regconfig), :text_a), 'A')
        || setweight(to_tsvector(CAST(:cfg AS regconfig), :text_b), 'B')
        || setweight(to_tsvector(CAST(:cfg AS regconfig), :text_c), 'C')
        || setweight(to_tsvector(CAST(:cfg AS regconfig), :text_d), 'D'),
        CAST(:doc AS jsonb), CAST(:stored AS jsonb), now())
    ON CONFLICT (index_id) DO UPDATE SET
        id = EXCLUDED.id, site_id = EXCLUDED.site_id,
        entity_type = EXCLUDED.entity_type, name = EXCLUDED.name,
        state = EXCLUDED.state, capacity = EXCLUDED.capacity,
        dataset_type = EXCLUDED.dataset_type,
        permission_labels = EXCLUDED.permission_labels,
        title_string = EXCLUDED.title_string,
        metadata_created = EXCLUDED.metadata_created,
        metadata_modified = EXCLUDED.metadata_modified,
        text_vector = EXCLUDED.text_vector, doc = EXCLUDED.doc,
        stored = EXCLUDED.stored, indexed_at = EXCLUDED.indexed_at
    """.format(table=TABLE)
)


class PgSearchConnection:
    """Drop-in for ``pysolr.Solr`` backed by PostgreSQL.

    :param decode_dates: like CKAN's ``make_connection(decode_dates=...)``:
        convert ISO date strings of returned documents into ``datetime``.
    """

    url = "postgresql://{}".format(TABLE)

    def __init__(self, decode_dates: bool = True, engine: Optional[Engine] = None
                 ) -> None:
        self.decode_dates = decode_dates
        self._engine = engine

    @property
    def engine(self) -> Engine:
        return self._engine or _engine()

    def __repr__(self) -> str:
        return "<PgSearchConnection {}>".format(self.url)

    # -- helpers -----------------------------------------------------------

    def _run(self, action: str, func: Any) -> Any:
        """Run ``func(connection)`` in one transaction, mapping database
        errors to :class:`PgSearchError`."""
        try:
            with self.engine.begin() as connection:
                return func(connection)
        except sa.exc.ProgrammingError as error:
            log.error("Search backend %s failed: %s", action, error)
            if "sektoral_pgsearch" in str(error.orig) and \
                    "does not exist" in str(error.orig):
                raise PgSearchError(
                    "Search index is missing: run `ckan db upgrade -p "
                    "sektoral_pgsearch`") from None
            raise PgSearchError("Search backend {} failed".format(action)) from None
        except sa.exc.SQLAlchemyError as error:
            log.error("Search backend %s failed: %s", action, error)
            raise PgSearchError("Search backend {} failed: {}".format(
                action, type(error).__name__)) from None

    # -- pysolr API: writes ------------------------------------------------

    def add(self, docs: Iterable[dict[str, Any]], boost: Any = None,
            fieldUpdates: Any = None, commit: Optional[bool] = None,
            softCommit: bool = False, commitWithin: Any = None,
            waitFlush: Any = None, waitSearcher: Any = None,
            overwrite: Any = None, handler: str = "update",
            min_rf: Any = None) -> str:
        """Insert or replace documents (keyed on ``index_id``). The commit
        options are accepted for compatibility; the write is always
        committed before returning."""
        if fieldUpdates:
            raise PgSearchError("Atomic field updates are not supported")
        config = _text_config()
        rows = []
        for raw in docs:
            doc = prepare_document(raw)
            index_id = doc.get("index_id") or doc.get("id")
            if not index_id or not doc.get("id"):
                raise PgSearchError("Document without id/index_id")
            stored = {k: doc.pop(k) for k in list(doc)
                      if k in STORED_ONLY_FIELDS}
            text_a, text_b, text_c, text_d = text_parts(doc)
            rows.append({
                "index_id": str(index_id),
                "id": str(doc["id"]),
                "site_id": str(doc.get("site_id", "")),
                "entity_type": _scalar(doc.get("entity_type")),
                "name": _scalar(doc.get("name")),
                "state": _scalar(doc.get("state")),
                "capacity": _scalar(doc.get("capacity")),
                "dataset_type": _scalar(doc.get("dataset_type")),
                "permission_labels": [str(v) for v in _as_list(
                    doc.get("permission_labels"))],
                "title_string": doc.get("title_string"),
                "metadata_created": doc.get("metadata_created"),
                "metadata_modified": doc.get("metadata_modified"),
                "cfg": config,
                "text_a": text_a, "text_b": text_b,
                "text_c": text_c, "text_d": text_d,
                "doc": json.dumps(doc),
                "stored": json.dumps(stored),
            })
        if rows:
            self._run("add", lambda conn: conn.execute(_UPSERT, rows))
        return ""

    def delete(self, id: Union[str, list[str], None] = None,
               q: Optional[str] = None, commit: Optional[bool] = None,
               softCommit: bool = False, waitFlush: Any = None,
               waitSearcher: Any = None, handler: str = "update") -> str:
        """Delete by ``index_id`` (``id=``, Solr's unique key) or by query."""
        if id is None and q is None:
            raise ValueError('You must specify "id" or "q".')
        if id is not None and q is not None:
            raise ValueError('You many only specify "id" OR "q", not both.')
        if id is not None:
            ids = [str(i) for i in _as_list(id)]
            statement = sa.text(
                "DELETE FROM {} WHERE index_id = ANY(:ids)".format(TABLE))
            self._run("delete", lambda conn: conn.execute(statement, {"ids": ids}))
            return ""
        compiler = SqlCompiler(_text_config())
        where = compiler.compile(self._parse(q, "OR"), scoring=False)
        statement = sa.text("DELETE FROM {} AS d WHERE {}".format(TABLE, where))
        self._run("delete", lambda conn: conn.execute(statement, compiler.params))
        return ""

    def commit(self, softCommit: bool = False, waitFlush: Any = None,
               waitSearcher: Any = None, expungeDeletes: Any = None,
               handler: str = "update") -> str:
        """Nothing to do: every write is committed when it is made."""
        return ""

    def optimize(self, *args: Any, **kwargs: Any) -> str:
        """Run ``ANALYZE`` on the index table (Solr's optimize merges
        segments; the nearest useful PostgreSQL action)."""
        self._run("optimize", lambda conn: conn.execute(
            sa.text("ANALYZE {}".format(TABLE))))
        return ""

    def ping(self, handler: str = "admin/ping", **kwargs: Any) -> str:
        """Check that the index table is reachable."""
        self._run("ping", lambda conn: conn.execute(
            sa.text("SELECT 1 FROM {} LIMIT 1".format(TABLE))))
        return '{"status": "OK"}'

    # -- pysolr API: search ------------------------------------------------

    @staticmethod
    def _parse(query: Optional[str], default_operator: str,
               mm: Optional[str] = None) -> lucene.Node:
        if query is None:
            return lucene.MatchAll()
        text = str(query).strip()
        if text.startswith("{!"):
            raise PgSearchError(
                "org.apache.solr.search.SyntaxError: local parameters are "
                "not supported by the PostgreSQL search backend")
        try:
            return lucene.parse(text, default_operator=default_operator, mm=mm)
        except lucene.LuceneSyntaxError as error:
            raise PgSearchError(
                "org.apache.solr.search.SyntaxError: {}".format(error)) from None

    def search(self, q: Optional[str] = None, search_handler: Any = None,
               **kwargs: Any) -> pysolr.Results:
        """Run a Solr-style search; see the module docstring of
        :mod:`ckanext.sektoral.search` for the supported parameters."""
        started = time.monotonic()
        default_operator = str(kwargs.get("q.op") or "OR").upper()
        if default_operator not in ("AND", "OR"):
            raise PgSearchError("Invalid q.op {!r}".format(kwargs.get("q.op")))
        def_type = str(kwargs.get("defType") or "lucene").lower()
        mm = None
        if def_type in ("dismax", "edismax"):
            mm = str(kwargs.get("mm") or "100%")
        if q is None or str(q).strip() in ("", '""', "''"):
            q = "*:*"

        compiler = SqlCompiler(_text_config())
        try:
            conditions = [compiler.compile(
                self._parse(q, default_operator, mm), scoring=True)]
            for fq in _as_list(kwargs.get("fq")):
                if str(fq).strip():
                    conditions.append(compiler.compile(
                        self._parse(str(fq), default_operator), scoring=False))
            order_by = compiler.order_by(kwargs.get("sort") or "score desc")
        except SortError as error:
            raise PgSearchError(str(error)) from None
        except lucene.LuceneSyntaxError as error:
            raise PgSearchError(
                "org.apache.solr.search.SyntaxError: {}".format(error)) from None
        where = " AND ".join(conditions)
        # The filter queries alone: CKAN puts every visibility rule there
        # (permission labels, capacity, state, site). Facet values with
        # ``mincount 0`` are enumerated from these documents only, never
        # from the whole index (that listed unpublished titles).
        domain = " AND ".join(conditions[1:]) or "TRUE"
        rank = compiler.rank_sql()

        fields = self._field_list(kwargs.get("fl"))
        rows = _as_int("rows", kwargs.get("rows"), 10)
        start = _as_int("start", kwargs.get("start"), 0)
        if rows < 0 or start < 0:
            raise PgSearchError("'rows' and 'start' must not be negative")
        if fields != ["id"]:
            # cheap id-only listings (CKAN's get_all_entity_ids) stay uncapped
            rows = min(rows, _max_rows())

        facet_fields: list[str] = []
        if _as_bool(kwargs.get("facet"), False):
            facet_fields = [str(f) for f in _as_list(kwargs.get("facet.field"))]
        for field in facet_fields:
            if not _FACET_FIELD_RE.match(field):
                raise PgSearchError("undefined field {!r}".format(field))

        def run(conn: Connection) -> dict[str, Any]:
            params = compiler.params
            total = conn.execute(sa.text(
                "SELECT count(*) FROM {} AS d WHERE {}".format(TABLE, where)),
                params).scalar() or 0
            docs: list[dict[str, Any]] = []
            max_score = None
            if rows > 0 and start < total:
                # rank and sort on the small columns first; fetch the
                # documents (and the large stored-only fields, if asked
                # for) of the page only
                page = conn.execute(sa.text(
                    "SELECT d.index_id, {rank} AS score FROM {table} AS d "
                    "WHERE {where} ORDER BY {order} LIMIT :_rows OFFSET :_start"
                    .format(rank=rank, table=TABLE, where=where, order=order_by)),
                    dict(params, _rows=rows, _start=start)).fetchall()
                columns = "d.doc || d.stored" if self._wants_stored(fields) \
                    else "d.doc"
                by_id: dict[str, Any] = dict(conn.execute(sa.text(
                    "SELECT d.index_id, {} FROM {} AS d "
                    "WHERE d.index_id = ANY(:ids)".format(columns, TABLE)),
                    {"ids": [r[0] for r in page]}).fetchall())  # type: ignore[arg-type]
                for index_id, score in page:
                    docs.append(self._project(by_id[index_id], float(score),
                                              fields))
                if page:
                    max_score = max(float(s) for _i, s in page)
            facets = self._facets(conn, compiler, where, domain,
                                  facet_fields, kwargs)
            return {"total": total, "docs": docs, "facets": facets,
                    "max_score": max_score}

        result = self._run("search", run)
        decoded: dict[str, Any] = {
            "responseHeader": {
                "status": 0,
                "QTime": int((time.monotonic() - started) * 1000),
                "params": {k: v for k, v in kwargs.items()
                           if isinstance(v, (str, int, float, list))},
            },
            "response": {
                "numFound": result["total"],
                "start": start,
                "maxScore": result["max_score"],
                "docs": result["docs"],
            },
        }
        if facet_fields:
            decoded["facet_counts"] = {
                "facet_queries": {},
                "facet_fields": result["facets"],
                "facet_ranges": {},
                "facet_intervals": {},
                "facet_heatmaps": {},
            }
        return pysolr.Results(decoded)

    # -- search helpers ----------------------------------------------------

    @staticmethod
    def _field_list(fl: Any) -> list[str]:
        """Solr ``fl``: names separated by commas or spaces; ``*`` = all."""
        if fl is None:
            return ["*"]
        if isinstance(fl, (list, tuple)):
            fl = " ".join(str(f) for f in fl)
        names = [n for n in str(fl).replace(",", " ").split() if n]
        return names or ["*"]

    @staticmethod
    def _wants_stored(fields: list[str]) -> bool:
        """Does ``fl`` ask for one of the stored-only fields?"""
        return any(f == "*" or f in STORED_ONLY_FIELDS or
                   any(fnmatch.fnmatchcase(s, f) for s in STORED_ONLY_FIELDS)
                   for f in fields)

    def _project(self, doc: dict[str, Any], score: float,
                 fields: list[str]) -> dict[str, Any]:
        if "*" in fields:
            out = dict(doc)
        else:
            out = {}
            patterns = [f for f in fields if f != "score"]
            for key, value in doc.items():
                if any(key == p or ("*" in p or "?" in p) and
                       fnmatch.fnmatchcase(key, p) for p in patterns):
                    out[key] = value
        if "score" in fields:
            out["score"] = score
        if self.decode_dates:
            from ckan.lib.search.common import solr_datetime_decoder
            out = solr_datetime_decoder(out)
        return out

    @staticmethod
    def _facet_option(kwargs: dict[str, Any], field: str, name: str) -> Any:
        """Per-field override ``f.<field>.facet.<name>`` or the global one."""
        specific = kwargs.get("f.{}.facet.{}".format(field, name))
        return specific if specific is not None else kwargs.get(
            "facet.{}".format(name))

    def _facet_settings(self, field: str, kwargs: dict[str, Any]
                        ) -> tuple[int, int, str]:
        """(limit, mincount, sort) of one facet field."""
        limit = _as_int("facet.limit",
                        self._facet_option(kwargs, field, "limit"),
                        DEFAULT_FACET_LIMIT)
        mincount = _as_int("facet.mincount",
                           self._facet_option(kwargs, field, "mincount"), 0)
        # Solr's default: by count when limited, by value otherwise
        sort = str(self._facet_option(kwargs, field, "sort") or
                   ("count" if limit > 0 else "index")).lower()
        if sort not in ("count", "index"):
            raise PgSearchError("Invalid facet.sort {!r}".format(sort))
        return limit, mincount, sort

    def _facets(self, conn: Connection, compiler: SqlCompiler, where: str,
                domain: str, fields: list[str], kwargs: dict[str, Any]
                ) -> dict[str, list[Any]]:
        """Facet counts of all ``fields``. Fields with ``mincount >= 1``
        (CKAN's case) are counted together in one pass over the matching
        documents; ``mincount 0`` also lists, with count 0, the values of
        the documents that pass the filter queries (``domain``) but not
        ``q``, and is counted per field (:meth:`_facet`)."""
        settings = {f: self._facet_settings(f, kwargs) for f in fields}
        together = [f for f in dict.fromkeys(fields) if settings[f][1] > 0]
        result: dict[str, list[Any]] = {}
        if together:
            params = dict(compiler.params)
            names = []
            for number, field in enumerate(together):
                params["_ff{}".format(number)] = field
                names.append("(:_ff{})".format(number))
            statement = (
                "WITH m AS MATERIALIZED (SELECT d.doc FROM {table} AS d "
                "WHERE {where}) "
                "SELECT f.k, x.v, count(*) AS n FROM m "
                "CROSS JOIN (VALUES {names}) AS f(k) "
                "CROSS JOIN LATERAL (SELECT DISTINCT e.v FROM "
                "jsonb_array_elements_text(CASE jsonb_typeof(m.doc -> f.k) "
                "WHEN 'array' THEN m.doc -> f.k "
                "ELSE jsonb_build_array(m.doc -> f.k) END) AS e(v)) x "
                "WHERE x.v IS NOT NULL AND x.v <> '' GROUP BY f.k, x.v"
            ).format(table=TABLE, where=where, names=", ".join(names))
            counts: dict[str, list[tuple[str, int]]] = {f: [] for f in together}
            for field, value, count in conn.execute(sa.text(statement), params):
                counts[field].append((value, int(count)))
            for field, values in counts.items():
                limit, mincount, sort = settings[field]
                values = [(v, n) for v, n in values if n >= mincount]
                if sort == "count":
                    values.sort(key=lambda item: (-item[1], item[0].encode()))
                else:
                    values.sort(key=lambda item: item[0].encode())
                if limit >= 0:
                    values = values[:limit]
                result[field] = [x for pair in values for x in pair]
        for field in fields:
            if field not in result:
                result[field] = self._facet(conn, compiler, where, domain,
                                            field, kwargs)
        return result

    def _facet(self, conn: Connection, compiler: SqlCompiler, where: str,
               domain: str, field: str, kwargs: dict[str, Any]) -> list[Any]:
        """Counts of the values of ``field`` in the matching documents, in
        Solr's flat ``[value, count, value, count...]`` shape."""
        limit, mincount, sort = self._facet_settings(field, kwargs)
        elements = compiler.elements(field)  # binds the field name
        params = dict(compiler.params)
        order = ('n DESC, x.v COLLATE "C" ASC' if sort == "count"
                 else 'x.v COLLATE "C" ASC')
        if mincount > 0:
            statement = (
                "SELECT x.v, count(*) AS n FROM {table} AS d "
                "CROSS JOIN LATERAL (SELECT DISTINCT e.v FROM {el} AS e(v)) x "
                "WHERE {where} AND x.v IS NOT NULL AND x.v <> '' "
                "GROUP BY x.v HAVING count(*) >= :_mincount ORDER BY {order}"
            )
        else:
            # mincount 0: every value of the documents the filter queries
            # let through (what the caller may see), counted over the matches
            statement = (
                "SELECT x.v, count(*) FILTER (WHERE {where}) AS n "
                "FROM {table} AS d "
                "CROSS JOIN LATERAL (SELECT DISTINCT e.v FROM {el} AS e(v)) x "
                "WHERE ({domain}) AND x.v IS NOT NULL AND x.v <> '' "
                "GROUP BY x.v HAVING count(*) FILTER (WHERE {where}) "
                ">= :_mincount ORDER BY {order}"
            )
        statement = statement.format(table=TABLE, el=elements, where=where,
                                     domain=domain, order=order)
        params["_mincount"] = mincount
        if limit >= 0:
            statement += " LIMIT :_limit"
            params["_limit"] = limit
        flat: list[Any] = []
        for value, count in conn.execute(sa.text(statement), params):
            flat.extend([value, int(count)])
        return flat


def make_connection(decode_dates: bool = True) -> PgSearchConnection:
    """Replacement of ``ckan.lib.search.common.make_connection``."""
    return PgSearchConnection(decode_dates=decode_dates)


def is_available() -> bool:
    """Replacement of ``ckan.lib.search.common.is_available``: the index
    table can be queried."""
    try:
        make_connection().search(q="*:*", rows=1)
    except Exception as error:  # noqa: BLE001 - same contract as CKAN's
        log.warning("PostgreSQL search index not available: %s", error)
        return False
    return True


def check_schema_version(schema_file: Optional[str] = None) -> bool:
    """Replacement of ``ckan.lib.search.check_solr_schema_version``.

    There is no Solr schema; the equivalent check is that the migration of
    ``sektoral_pgsearch`` has been applied. Like CKAN's function it returns
    ``False`` (and logs) when the index is unusable instead of raising, so
    that ``ckan db upgrade`` can still run on a fresh database.
    """
    from ckan.model import meta
    if meta.engine is None:
        return False
    try:
        with meta.engine.connect() as conn:
            exists = conn.execute(sa.text(
                "SELECT to_regclass(:name) IS NOT NULL"), {"name": TABLE}).scalar()
    except sa.exc.SQLAlchemyError as error:
        log.warning("Cannot check the PostgreSQL search index: %s", error)
        return False
    if not exists:
        log.warning("Search index table %s is missing: run `ckan db upgrade "
                    "-p sektoral_pgsearch`", TABLE)
        return False
    return True
