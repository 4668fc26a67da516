"""Unit tests of the Lucene parser and SQL compiler (no database)."""
from __future__ import annotations

import datetime

import pytest

from ckanext.sektoral.search.lucene import (
    BoolQuery, Exists, LuceneSyntaxError, MatchAll, Range, Term,
    min_should_match, parse, tokenize,
)
from ckanext.sektoral.search.sql import (
    SortError, SqlCompiler, like_pattern, parse_solr_date,
)


def T(field, text, **kw):
    return Term(field, text, **kw)


PARSE_CASES = [
    ("*:*", MatchAll()),
    ("", MatchAll()),
    ("*", MatchAll()),
    ("gizi", T(None, "gizi")),
    ("tags:gizi", T("tags", "gizi")),
    ('name:"a b"', T("name", "a b", phrase=True)),
    ("tags : gizi", T("tags", "gizi")),
    ("a b", BoolQuery(must=(T(None, "a"), T(None, "b")))),
    ("a OR b", BoolQuery(should=(T(None, "a"), T(None, "b")))),
    ("a || b", BoolQuery(should=(T(None, "a"), T(None, "b")))),
    ("a AND b", BoolQuery(must=(T(None, "a"), T(None, "b")))),
    ("a && -b", BoolQuery(must=(T(None, "a"),), must_not=(T(None, "b"),))),
    ("+a -b", BoolQuery(must=(T(None, "a"),), must_not=(T(None, "b"),))),
    ("NOT a", BoolQuery(must_not=(T(None, "a"),))),
    ("!a", BoolQuery(must_not=(T(None, "a"),))),
    ("a OR b AND c", BoolQuery(should=(
        T(None, "a"), BoolQuery(must=(T(None, "b"), T(None, "c")))))),
    ("a OR -b", BoolQuery(should=(
        T(None, "a"), BoolQuery(must=(MatchAll(),), must_not=(T(None, "b"),))))),
    ("tags:(a OR b)", BoolQuery(should=(T("tags", "a"), T("tags", "b")))),
    ("tags:(a title:b)", BoolQuery(must=(T("tags", "a"), T("title", "b")))),
    ("(a)", T(None, "a")),
    ("((a OR b))", BoolQuery(should=(T(None, "a"), T(None, "b")))),
    ("name:foo*", T("name", "foo*", pattern="foo*")),
    ("name:f?o", T("name", "f?o", pattern="f?o")),
    ("name:foo\\*", T("name", "foo*")),
    ("name:a\\*b*", T("name", "a*b*", pattern="a\\*b*")),
    ("name:foo-bar", T("name", "foo-bar")),
    ("name:foo\\:bar", T("name", "foo:bar")),
    ("field:*", Exists("field")),
    ("field:[* TO *]", Exists("field")),
    ("n:[1 TO 5]", Range("n", "1", "5", True, True)),
    ("n:{1 TO 5]", Range("n", "1", "5", False, True)),
    ("n:[1 TO *}", Range("n", "1", None, True, False)),
    ('n:["a b" TO "c"]', Range("n", "a b", "c", True, True)),
    ("d:[NOW/DAY-1DAY TO NOW]", Range("d", "NOW/DAY-1DAY", "NOW")),
    ("d:[2020-01-01T00:00:00Z TO *]", Range("d", "2020-01-01T00:00:00Z", None)),
    ("a^2 b~ c~0.8", BoolQuery(must=(T(None, "a"), T(None, "b"), T(None, "c")))),
    ('+site_id:"x" +state:active',
     BoolQuery(must=(T("site_id", "x", phrase=True), T("state", "active")))),
    ("and or", BoolQuery(must=(T(None, "and"), T(None, "or")))),
    ("a \\AND", BoolQuery(must=(T(None, "a"), T(None, "AND")))),
]


@pytest.mark.parametrize("source, expected", PARSE_CASES,
                         ids=[c[0] or "empty" for c in PARSE_CASES])
def test_parse(source, expected):
    assert parse(source, default_operator="AND") == expected


def test_default_operator_or():
    assert parse("a b", default_operator="OR") == BoolQuery(
        should=(T(None, "a"), T(None, "b")))
    assert parse("+a b", default_operator="OR") == BoolQuery(
        must=(T(None, "a"),), should=(T(None, "b"),))


def test_dismax_mm_applies_to_optional_clauses():
    node = parse("a b c d", mm="2<-1 5<80%")
    assert isinstance(node, BoolQuery)
    assert node.minimum_should_match == 3
    node = parse("a b -c", mm="2<-1 5<80%")
    assert node.minimum_should_match == 2
    assert node.must_not == (T(None, "c"),)


@pytest.mark.parametrize("spec, optional, expected", [
    ("2<-1 5<80%", 1, 1), ("2<-1 5<80%", 2, 2), ("2<-1 5<80%", 3, 2),
    ("2<-1 5<80%", 5, 4), ("2<-1 5<80%", 6, 4), ("2<-1 5<80%", 10, 8),
    ("100%", 4, 4), ("1", 4, 1), ("-1", 4, 3), ("75%", 3, 2),
    ("-25%", 4, 3), ("0", 3, 1),
])
def test_min_should_match(spec, optional, expected):
    assert min_should_match(spec, optional) == expected


SYNTAX_ERRORS = [
    "(a", "a)", "tags:", '"abc', "[a TO", "a:[x TO y", "a:[x y]", "AND b",
    "a AND", "a OR", "x^", "a]", "()", "name:\\", ":a", "a:[x TO]",
    "+", "-", "NOT",
]


@pytest.mark.parametrize("source", SYNTAX_ERRORS)
def test_syntax_errors(source):
    with pytest.raises(LuceneSyntaxError):
        parse(source)


def test_tokenizer_keeps_hyphen_inside_terms():
    kinds = [t.kind for t in tokenize("-a b-c +d")]
    assert kinds == ["MINUS", "TERM", "TERM", "PLUS", "TERM", "EOF"]


def test_invalid_default_operator():
    with pytest.raises(LuceneSyntaxError):
        parse("a", default_operator="XOR")


# -- SQL compiler -----------------------------------------------------------

def compile_sql(source: str, **kw):
    compiler = SqlCompiler("simple")
    sql = compiler.compile(parse(source, default_operator="AND", **kw))
    return compiler, sql


def test_values_are_parameters_never_sql():
    nasty = "x'); DROP TABLE package; --"
    compiler, sql = compile_sql('tags:"{}" OR title:"{}"'.format(nasty, nasty))
    assert "DROP" not in sql and "'" + "x" not in sql
    assert any(nasty in str(v) for v in compiler.params.values())


def test_field_names_are_parameters_and_validated():
    compiler, sql = compile_sql("tags:*")
    assert "tags" not in sql
    assert "tags" in compiler.params.values()
    with pytest.raises(LuceneSyntaxError):
        compile_sql("ta'gs:x")


def test_string_field_uses_jsonb_containment():
    compiler, sql = compile_sql("tags:gizi")
    assert "@>" in sql
    assert '{"tags": ["gizi"]}' in compiler.params.values()
    assert '{"tags": "gizi"}' in compiler.params.values()


def test_numeric_and_boolean_values_also_match_json_types():
    compiler, _sql = compile_sql("num_resources:2 private:true")
    values = set(compiler.params.values())
    assert '{"num_resources": 2}' in values
    assert '{"private": true}' in values


def test_text_terms_feed_the_rank():
    compiler, _sql = compile_sql("gizi -buruk title:balita")
    assert len(compiler.rank_queries) == 2  # negative clauses never rank
    assert "ts_rank" in compiler.rank_sql()
    assert SqlCompiler("simple").rank_sql() == "CAST(1.0 AS real)"


def test_mm_compiles_to_counted_clauses():
    compiler, sql = compile_sql("a b c d", mm="2<-1 5<80%")
    assert "CASE WHEN" in sql and 3 in compiler.params.values()


@pytest.mark.parametrize("pattern, like", [
    ("foo*", "foo%"), ("f?o", "f_o"), ("50%*", "50\\%%"),
    ("a_b*", "a\\_b%"), ("a\\*b*", "a*b%"),
])
def test_like_pattern(pattern, like):
    assert like_pattern(pattern) == like


@pytest.mark.parametrize("sort, fragment", [
    ("score desc", "score DESC"),
    ("metadata_modified desc", "d.metadata_modified DESC NULLS LAST"),
    ("title_string asc", 'd.title_string COLLATE "C" ASC NULLS LAST'),
    ("num_resources desc, name asc", 'd.name COLLATE "C" ASC'),
    ("", "d.index_id ASC"),
])
def test_order_by(sort, fragment):
    order = SqlCompiler("simple").order_by(sort)
    assert fragment in order
    assert order.endswith("d.index_id ASC")


@pytest.mark.parametrize("sort", [
    "name", "name up", "name asc desc", "na;me asc", "sum(a,b) asc"])
def test_order_by_errors(sort):
    with pytest.raises(SortError, match="Can't determine a Sort Order"):
        SqlCompiler("simple").order_by(sort)


NOW = datetime.datetime(2024, 5, 17, 13, 45, 12, 500, tzinfo=datetime.timezone.utc)


@pytest.mark.parametrize("value, expected", [
    ("NOW", NOW),
    ("NOW/DAY", datetime.datetime(2024, 5, 17, tzinfo=datetime.timezone.utc)),
    ("NOW-1DAY", NOW - datetime.timedelta(days=1)),
    ("NOW/MONTH+1MONTH",
     datetime.datetime(2024, 6, 1, tzinfo=datetime.timezone.utc)),
    ("NOW/YEAR-2YEARS",
     datetime.datetime(2022, 1, 1, tzinfo=datetime.timezone.utc)),
    ("NOW+6HOURS/HOUR",
     datetime.datetime(2024, 5, 17, 19, tzinfo=datetime.timezone.utc)),
    ("2020-01-31T00:00:00Z+1MONTH",
     datetime.datetime(2020, 2, 29, tzinfo=datetime.timezone.utc)),
    ("2020-01-01", datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc)),
    ("2020-01-01T07:00:00+07:00",
     datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc)),
])
def test_solr_date_math(value, expected):
    assert parse_solr_date(value, now=NOW) == expected


@pytest.mark.parametrize("value", ["yesterday", "NOW-XDAY", "NOW-DAY",
                                   "NOW/2DAY", "2020-13-01"])
def test_solr_date_math_errors(value):
    with pytest.raises(LuceneSyntaxError):
        parse_solr_date(value, now=NOW)
