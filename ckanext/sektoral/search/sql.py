"""Compile a Lucene query tree (:mod:`.lucene`) into parameterised SQL.

Every value coming from a query ends up in a bind parameter (``:p1``,
``:p2``...); field names too (``d.doc -> :p3``). The only identifiers and
keywords written into the SQL text are fixed strings of this module.

Field semantics follow CKAN's Solr schema (``ckan/config/solr/schema.xml``):

* the default field (``text`` / no field) is the weighted ``text_vector``
  column, built at index time from the fields Solr copies into ``text``;
* *text* fields (``title``, ``notes``, ``res_name``, ``extras_*``...) are
  tokenised on the fly with ``to_tsvector(config, doc->field)``;
* every other field is a Solr *string* field: exact, case-sensitive
  match of the value or of any element of a list (``tags``, ``groups``,
  ``res_format``, ``permission_labels``...), via JSONB containment so that
  the ``jsonb_path_ops`` GIN index is used;
* date fields (``metadata_*``, ``*_date``, ``indexed_ts``) support Solr date
  math in ranges (``NOW-1DAY``, ``NOW/DAY``, ``2020-01-01T00:00:00Z+1YEAR``).
"""
from __future__ import annotations

import datetime
import json
import re
from typing import Any, Optional

from dateutil.relativedelta import relativedelta

from .lucene import (
    BoolQuery, Exists, LuceneSyntaxError, MatchAll, Node, Range, Term,
)

TABLE = "sektoral_pgsearch_document"
ALIAS = "d"

#: Fields that Solr tokenises (``text``/``textgen`` types in CKAN's schema).
TEXT_FIELDS = frozenset([
    "title", "notes", "author", "author_email", "maintainer",
    "maintainer_email", "res_name", "res_description", "urls",
    "depends_on", "dependency_of", "derives_from", "has_derivation",
    "links_to", "linked_from", "child_of", "parent_of",
])
TEXT_FIELD_PREFIXES = ("extras_", "res_extras_")
#: Fields that name the default full-text field.
DEFAULT_TEXT_FIELDS = frozenset(["text"])
#: Date fields with a dedicated, indexed column.
DATE_COLUMNS = frozenset(["metadata_created", "metadata_modified"])
DATE_FIELDS = DATE_COLUMNS | frozenset(["indexed_ts"])
#: Single-valued string fields with a dedicated (text) column; they are
#: filtered on the column (CKAN adds ``+site_id``, ``+state``,
#: ``+capacity`` and ``+dataset_type`` filters to nearly every query).
SCALAR_COLUMNS = frozenset(["index_id", "id", "site_id", "entity_type",
                            "name", "state", "capacity", "dataset_type"])
#: Multi-valued string fields with a dedicated ``text[]`` column.
ARRAY_COLUMNS = frozenset(["permission_labels"])
#: Sort fields with a dedicated column.
SORT_COLUMNS = {
    "metadata_created": "{a}.metadata_created",
    "metadata_modified": "{a}.metadata_modified",
    "title_string": '{a}.title_string COLLATE "C"',
    "name": '{a}.name COLLATE "C"',
    "index_id": "{a}.index_id",
    "id": '{a}.id COLLATE "C"',
}

_FIELD_NAME_RE = re.compile(r"^[\w.\-@]+$", re.UNICODE)
_WORD_RE = re.compile(r"\w+", re.UNICODE)
_NUMERIC_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_DATE_RE = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?"
    r"(Z|[+-]\d{2}:?\d{2})?|NOW)(?P<math>([+\-/]\d*[A-Z]+)*)$"
)
_DATE_MATH_RE = re.compile(r"([+\-/])(\d*)([A-Z]+)")
_UNITS = {
    "YEAR": "years", "YEARS": "years",
    "MONTH": "months", "MONTHS": "months",
    "DAY": "days", "DAYS": "days", "DATE": "days",
    "HOUR": "hours", "HOURS": "hours",
    "MINUTE": "minutes", "MINUTES": "minutes",
    "SECOND": "seconds", "SECONDS": "seconds",
    "MILLI": "microseconds", "MILLIS": "microseconds",
    "MILLISECOND": "microseconds", "MILLISECONDS": "microseconds",
}


def is_text_field(field: Optional[str]) -> bool:
    """True for fields that Solr tokenises (full-text matching)."""
    if field is None:
        return True
    return field in TEXT_FIELDS or field in DEFAULT_TEXT_FIELDS or \
        field.startswith(TEXT_FIELD_PREFIXES)


def is_date_field(field: Optional[str]) -> bool:
    """True for Solr date fields of CKAN's schema."""
    return field is not None and (
        field in DATE_FIELDS or field.endswith("_date"))


def check_field_name(field: str) -> str:
    """Reject field names that cannot be Solr field names."""
    if not _FIELD_NAME_RE.match(field):
        raise LuceneSyntaxError("Invalid field name {!r}".format(field))
    return field


def parse_solr_date(value: str, now: Optional[datetime.datetime] = None
                    ) -> datetime.datetime:
    """Evaluate a Solr date or date-math expression into an aware datetime.

    Supports ``NOW``, ISO 8601 dates (``2020-01-01``,
    ``2020-01-01T10:00:00Z``) and math suffixes: ``+1DAY``, ``-2MONTHS``,
    ``/DAY`` (round down to the unit). Times are UTC unless an offset is
    given.
    """
    match = _DATE_RE.match(value.strip())
    if not match:
        raise LuceneSyntaxError("Invalid Date String: {!r}".format(value))
    base = match.group("date")
    if base == "NOW":
        result = now or datetime.datetime.now(datetime.timezone.utc)
    else:
        try:
            result = datetime.datetime.fromisoformat(base.replace("Z", "+00:00"))
        except ValueError:
            raise LuceneSyntaxError(
                "Invalid Date String: {!r}".format(value)) from None
        if result.tzinfo is None:
            result = result.replace(tzinfo=datetime.timezone.utc)
    for op, amount, unit in _DATE_MATH_RE.findall(match.group("math") or ""):
        attr = _UNITS.get(unit)
        if attr is None:
            raise LuceneSyntaxError("Invalid date math unit {!r}".format(unit))
        if op == "/":
            if amount:
                raise LuceneSyntaxError("Invalid date rounding {!r}".format(value))
            result = _round_down(result, attr)
            continue
        if not amount:
            raise LuceneSyntaxError("Missing amount in date math {!r}".format(value))
        number = int(amount) * (1 if op == "+" else -1)
        if attr == "microseconds":
            result += datetime.timedelta(milliseconds=number)
        else:
            result += relativedelta(**{attr: number})
    return result


def _round_down(value: datetime.datetime, attr: str) -> datetime.datetime:
    """Solr's ``/UNIT`` rounding: truncate everything below ``attr``."""
    fields = ["month", "day", "hour", "minute", "second", "microsecond"]
    lowest = {"month": 1, "day": 1}
    cut = {"years": 0, "months": 1, "days": 2, "hours": 3, "minutes": 4,
           "seconds": 5, "microseconds": 6}[attr]
    changes: dict[str, Any] = {name: lowest.get(name, 0) for name in fields[cut:]}
    return value.replace(**changes)


def like_pattern(pattern: str) -> str:
    """Turn a Lucene wildcard pattern (escapes kept as ``\\x``) into a SQL
    LIKE pattern (backslash is the LIKE escape character)."""
    out: list[str] = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            literal = pattern[index + 1]
            out.append("\\" + literal if literal in "\\%_" else literal)
            index += 2
            continue
        if char == "*":
            out.append("%")
        elif char == "?":
            out.append("_")
        elif char in "\\%_":
            out.append("\\" + char)
        else:
            out.append(char)
        index += 1
    return "".join(out)


def _prefix_only(pattern: str) -> Optional[str]:
    """If ``pattern`` is ``literal*`` (a single trailing star and no other
    wildcard), return the literal prefix."""
    if not pattern.endswith("*") or pattern.endswith("\\*"):
        return None
    body = pattern[:-1]
    index = 0
    prefix: list[str] = []
    while index < len(body):
        char = body[index]
        if char == "\\" and index + 1 < len(body):
            prefix.append(body[index + 1])
            index += 2
            continue
        if char in "*?":
            return None
        prefix.append(char)
        index += 1
    return "".join(prefix)


class SqlCompiler:
    """Compile query trees into SQL boolean expressions over ``d`` (an
    alias of :data:`TABLE`), collecting bind parameters in ``params``.

    :param text_config: PostgreSQL text search configuration name.
    """

    def __init__(self, text_config: str, alias: str = ALIAS) -> None:
        self.alias = alias
        self.params: dict[str, Any] = {}
        self._counter = 0
        self.config = self.bind(text_config)
        #: tsquery SQL expressions of positive text clauses (for ranking)
        self.rank_queries: list[str] = []

    # -- parameters --------------------------------------------------------

    def bind(self, value: Any) -> str:
        """Register a bind parameter and return its placeholder."""
        self._counter += 1
        name = "p{}".format(self._counter)
        self.params[name] = value
        return ":" + name

    def _cfg(self) -> str:
        return "CAST({} AS regconfig)".format(self.config)

    def _doc(self) -> str:
        return "{}.doc".format(self.alias)

    def field_ref(self, field: str) -> str:
        """``d.doc -> :field`` (JSONB value of a field)."""
        return "{} -> {}".format(self._doc(), self.bind(check_field_name(field)))

    def elements(self, field: str) -> str:
        """A set-returning expression yielding the field's values as text,
        whether the field holds a scalar or a list."""
        ref = self.field_ref(field)
        return (
            "jsonb_array_elements_text(CASE jsonb_typeof({r}) WHEN 'array' "
            "THEN {r} ELSE jsonb_build_array({r}) END)"
        ).format(r=ref)

    # -- entry points ------------------------------------------------------

    def compile(self, node: Node, scoring: bool = True) -> str:
        """SQL boolean expression for ``node``. With ``scoring`` the
        positive full-text clauses are remembered for :meth:`rank_sql`."""
        return self._compile(node, scoring)

    def rank_sql(self) -> str:
        """``ts_rank`` expression of the remembered text clauses (``1.0``
        when the query had none, like Solr's constant score for ``*:*``)."""
        if not self.rank_queries:
            return "CAST(1.0 AS real)"
        combined = " || ".join("({})".format(q) for q in self.rank_queries)
        return "ts_rank({}.text_vector, {})".format(self.alias, combined)

    # -- nodes -------------------------------------------------------------

    def _compile(self, node: Node, scoring: bool) -> str:
        if isinstance(node, MatchAll):
            return "TRUE"
        if isinstance(node, BoolQuery):
            return self._bool(node, scoring)
        if isinstance(node, Term):
            return self._term(node, scoring)
        if isinstance(node, Exists):
            return self._exists(node.field)
        if isinstance(node, Range):
            return self._range(node)
        raise TypeError("Unknown query node {!r}".format(node))

    def _bool(self, node: BoolQuery, scoring: bool) -> str:
        parts = [self._compile(child, scoring) for child in node.must]
        if node.should:
            compiled = [self._compile(child, scoring) for child in node.should]
            needed = node.minimum_should_match
            if not node.must and needed <= 1:
                needed = 1
            if needed == 1:
                parts.append("(" + " OR ".join(compiled) + ")")
            elif needed > 1:
                counted = " + ".join(
                    "(CASE WHEN {} THEN 1 ELSE 0 END)".format(c)
                    for c in compiled)
                parts.append("(({}) >= {})".format(counted, self.bind(needed)))
            # needed == 0 with MUST clauses: SHOULD only affects scoring
        for child in node.must_not:
            parts.append("NOT COALESCE(({}), FALSE)".format(
                self._compile(child, False)))
        if not parts:
            return "TRUE"
        return "(" + " AND ".join(parts) + ")"

    def _tsquery_for(self, node: Term) -> Optional[str]:
        """tsquery SQL for a text term; ``None`` when the term has no
        lexeme (only punctuation), which Solr's analyser drops too."""
        if node.phrase:
            if not _WORD_RE.search(node.text):
                return None
            return "phraseto_tsquery({}, {})".format(
                self._cfg(), self.bind(node.text))
        if node.pattern is not None:
            prefix = _prefix_only(node.pattern)
            if prefix is None:
                return None
            words = _WORD_RE.findall(prefix)
            if not words:
                return None
            # only \w characters reach to_tsquery: no tsquery syntax injection
            expression = " & ".join("'{}'".format(w) for w in words) + ":*"
            return "to_tsquery({}, {})".format(self._cfg(), self.bind(expression))
        if not _WORD_RE.search(node.text):
            return None
        return "plainto_tsquery({}, {})".format(self._cfg(), self.bind(node.text))

    def _vector_for(self, field: Optional[str]) -> str:
        if field is None or field in DEFAULT_TEXT_FIELDS:
            return "{}.text_vector".format(self.alias)
        return "to_tsvector({}, COALESCE({}, CAST('\"\"' AS jsonb)))".format(
            self._cfg(), self.field_ref(field))

    def _term(self, node: Term, scoring: bool) -> str:
        field = node.field
        if is_text_field(field):
            vector = self._vector_for(field)
            if node.pattern is not None and _prefix_only(node.pattern) is None:
                # general wildcard on a text field: match against lexemes
                return (
                    "EXISTS (SELECT 1 FROM unnest(tsvector_to_array({v})) "
                    "AS l(x) WHERE l.x LIKE lower({p}))"
                ).format(v=vector, p=self.bind(like_pattern(node.pattern)))
            tsquery = self._tsquery_for(node)
            if tsquery is None:
                return "TRUE"
            if scoring:
                self.rank_queries.append(tsquery)
            return "({} @@ {})".format(vector, tsquery)
        assert field is not None
        if node.pattern is not None:
            return (
                "EXISTS (SELECT 1 FROM {e} AS e(v) WHERE e.v LIKE {p})"
            ).format(e=self.elements(field), p=self.bind(like_pattern(node.pattern)))
        return self._equals(field, node.text)

    def _equals(self, field: str, value: str) -> str:
        """Exact match of a string field (scalar or any list element),
        written as JSONB containment so the GIN index applies."""
        check_field_name(field)
        if field in SCALAR_COLUMNS:
            return "({}.{} = {})".format(self.alias, field, self.bind(value))
        if field in ARRAY_COLUMNS:
            return "({} = ANY({}.{}))".format(self.bind(value), self.alias, field)
        candidates: list[Any] = [value]
        if _NUMERIC_RE.match(value):
            number = float(value)
            candidates.append(int(number) if number.is_integer() else number)
        if value in ("true", "false"):
            candidates.append(value == "true")
        tests: list[str] = []
        for candidate in candidates:
            for shape in ({field: candidate}, {field: [candidate]}):
                tests.append("{} @> CAST({} AS jsonb)".format(
                    self._doc(), self.bind(json.dumps(shape))))
        return "(" + " OR ".join(tests) + ")"

    def _exists(self, field: str) -> str:
        if field in DEFAULT_TEXT_FIELDS:
            return "TRUE"
        ref = self.field_ref(field)
        return (
            "(jsonb_typeof({r}) IS NOT NULL AND jsonb_typeof({r}) <> 'null' "
            "AND {r} <> CAST('[]' AS jsonb) AND {r} <> CAST('\"\"' AS jsonb))"
        ).format(r=ref)

    def _range(self, node: Range) -> str:
        field = node.field
        if field is None or field in DEFAULT_TEXT_FIELDS:
            raise LuceneSyntaxError("Range queries need a (non-text) field")
        check_field_name(field)
        bounds = [b for b in (node.lower, node.upper) if b is not None]
        lower_op = ">=" if node.include_lower else ">"
        upper_op = "<=" if node.include_upper else "<"

        looks_like_dates = all(
            b.startswith("NOW") or (_DATE_RE.match(b) and not _NUMERIC_RE.match(b))
            for b in bounds)
        if is_date_field(field) or looks_like_dates:
            values: list[Any] = [parse_solr_date(b) if b is not None else None
                                 for b in (node.lower, node.upper)]
            if field in DATE_COLUMNS:
                value_sql = "{}.{}".format(self.alias, field)
                return self._compare(value_sql, values, lower_op, upper_op)
            value_sql = "sektoral_pgsearch_to_timestamptz(e.v)"
            return "EXISTS (SELECT 1 FROM {} AS e(v) WHERE {})".format(
                self.elements(field),
                self._compare(value_sql, values, lower_op, upper_op))

        if all(_NUMERIC_RE.match(b) for b in bounds):
            values = [float(b) if b is not None else None
                      for b in (node.lower, node.upper)]
            value_sql = "sektoral_pgsearch_to_numeric(e.v)"
        else:
            values = [node.lower, node.upper]
            value_sql = 'e.v COLLATE "C"'
        return "EXISTS (SELECT 1 FROM {} AS e(v) WHERE {})".format(
            self.elements(field),
            self._compare(value_sql, values, lower_op, upper_op))

    def _compare(self, value_sql: str, values: list[Any], lower_op: str,
                 upper_op: str) -> str:
        lower, upper = values
        parts = ["{} IS NOT NULL".format(value_sql)]
        if lower is not None:
            parts.append("{} {} {}".format(value_sql, lower_op, self.bind(lower)))
        if upper is not None:
            parts.append("{} {} {}".format(value_sql, upper_op, self.bind(upper)))
        return "(" + " AND ".join(parts) + ")"

    # -- sorting -----------------------------------------------------------

    def order_by(self, sort: Optional[str]) -> str:
        """ORDER BY clause for a Solr ``sort`` parameter (``score desc,
        metadata_modified desc``). Missing values sort last in both
        directions (``sortMissingLast``); ``index_id`` breaks ties.

        :raises SortError: on an unparseable sort spec.
        """
        items: list[str] = []
        for part in (sort or "").split(","):
            part = part.strip()
            if not part:
                continue
            pieces = part.split()
            if len(pieces) != 2 or pieces[1].lower() not in ("asc", "desc"):
                raise SortError(
                    "Can't determine a Sort Order (asc or desc) in sort spec "
                    "'{}'".format(part))
            field, direction = pieces[0], pieces[1].upper()
            if not _FIELD_NAME_RE.match(field):
                raise SortError(
                    "Can't determine a Sort Order (asc or desc) in sort spec "
                    "'{}': unknown field".format(part))
            if field == "score":
                items.append("score {}".format(direction))
            elif field in SORT_COLUMNS:
                items.append("{} {} NULLS LAST".format(
                    SORT_COLUMNS[field].format(a=self.alias), direction))
            elif is_date_field(field):
                items.append(
                    "sektoral_pgsearch_to_timestamptz({}.doc ->> {}) {} "
                    "NULLS LAST".format(self.alias, self.bind(field), direction))
            else:
                name = self.bind(field)
                items.append(
                    "(CASE WHEN jsonb_typeof({a}.doc -> {f}) = 'number' THEN "
                    "CAST({a}.doc ->> {f} AS numeric) END) {d} NULLS LAST".format(
                        a=self.alias, f=name, d=direction))
                items.append('({a}.doc ->> {f}) COLLATE "C" {d} NULLS LAST'.format(
                    a=self.alias, f=name, d=direction))
        items.append("{}.index_id ASC".format(self.alias))
        return ", ".join(items)


class SortError(ValueError):
    """Invalid ``sort`` parameter (message matches Solr's, which CKAN maps
    to ``SearchQueryError('Invalid "sort" parameter')``)."""
