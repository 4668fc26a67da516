"""Tokenizer and recursive-descent parser for the Lucene/Solr query subset.

The parser turns the query strings that CKAN (and extensions) send to Solr
(``q`` and ``fq``) into a small abstract syntax tree. It knows nothing about
SQL: :mod:`ckanext.sektoral.search.sql` compiles the tree into parameterised
SQL. Supported syntax:

* terms, quoted phrases, escaped characters (``\\:``), wildcards (``*``,
  ``?``), ``*:*`` and ``field:*``;
* ``field:value``, ``field:"phrase"``, ``field:(a OR b)``;
* ranges ``[a TO b]`` / ``{a TO b}`` (mixed brackets too), with ``*`` for an
  open end; the bounds are kept as text (dates such as ``NOW-1DAY`` are
  interpreted by the compiler);
* prefix operators ``+``, ``-``, ``!`` and ``NOT``; binary ``AND``/``&&``
  and ``OR``/``||`` (``AND`` binds tighter than ``OR``); juxtaposition uses
  the default operator (``q.op``);
* brackets for grouping; boosts (``^2``) and fuzzy/proximity suffixes
  (``~``, ``~2``) are accepted and ignored.

Semantics follow Lucene's boolean model: a group of clauses has MUST,
SHOULD and MUST_NOT members; SHOULD members are only required (at least
``minimum_should_match`` of them) when the group has no MUST member. A group
made only of MUST_NOT members matches everything except them (Solr does this
for top-level queries; it is applied at every level here, which is what
users expect from ``-tags:foo`` inside brackets).

Grammar (``seq`` elements take the default operator)::

    query    := seq EOF
    seq      := or_expr+
    or_expr  := and_expr (("OR" | "||") and_expr)*
    and_expr := unary (("AND" | "&&") unary)*
    unary    := ("+" | "-" | "!" | "NOT")? primary ("^" NUMBER)? ("~" NUMBER?)?
    primary  := "(" seq ")"
              | FIELD ":" (TERM | PHRASE | RANGE | "(" seq ")")
              | TERM | PHRASE | RANGE
"""
from __future__ import annotations

import dataclasses
import math
import re
from typing import Optional, Union

__all__ = [
    "LuceneSyntaxError",
    "MatchAll",
    "Term",
    "Exists",
    "Range",
    "BoolQuery",
    "Node",
    "parse",
    "min_should_match",
]


class LuceneSyntaxError(ValueError):
    """The query string is not valid in the supported Lucene subset."""


# --------------------------------------------------------------------------
# Abstract syntax tree
# --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class MatchAll:
    """Matches every document (``*:*``)."""


@dataclasses.dataclass(frozen=True)
class Term:
    """A single term, phrase or wildcard pattern.

    ``field`` is ``None`` for the default field. ``text`` has the escapes
    removed; ``pattern`` is only set for wildcard terms and keeps the
    wildcard characters as ``*``/``?`` with literal ones escaped by a
    backslash.
    """

    field: Optional[str]
    text: str
    phrase: bool = False
    pattern: Optional[str] = None

    @property
    def is_wildcard(self) -> bool:
        return self.pattern is not None


@dataclasses.dataclass(frozen=True)
class Exists:
    """``field:*`` or ``field:[* TO *]``: the field has any value."""

    field: str


@dataclasses.dataclass(frozen=True)
class Range:
    """``field:[lower TO upper]``; ``None`` bounds are open (``*``)."""

    field: Optional[str]
    lower: Optional[str]
    upper: Optional[str]
    include_lower: bool = True
    include_upper: bool = True


@dataclasses.dataclass(frozen=True)
class BoolQuery:
    """A boolean group of clauses (Lucene ``BooleanQuery``)."""

    must: tuple["Node", ...] = ()
    should: tuple["Node", ...] = ()
    must_not: tuple["Node", ...] = ()
    minimum_should_match: int = 0


Node = Union[MatchAll, Term, Exists, Range, BoolQuery]


# --------------------------------------------------------------------------
# Tokenizer
# --------------------------------------------------------------------------

# token kinds
TERM = "TERM"
PHRASE = "PHRASE"
RANGE = "RANGE"
LPAREN = "LPAREN"
RPAREN = "RPAREN"
COLON = "COLON"
PLUS = "PLUS"
MINUS = "MINUS"
NOT = "NOT"
AND = "AND"
OR = "OR"
BOOST = "BOOST"
FUZZY = "FUZZY"
EOF = "EOF"

# Characters that end a bare term (unless escaped). '-' and '+' only act
# as operators at the start of a term, as in Lucene's classic parser.
_TERM_STOP = set(' \t\r\n\u3000()[]{}:"^~')
_TERM_START_STOP = _TERM_STOP | set("+-!")
_WILDCARD_CHARS = set("*?")
_NUMBER_RE = re.compile(r"\d+(\.\d+)?|\.\d+")


@dataclasses.dataclass(frozen=True)
class Token:
    """A lexical token; ``value`` depends on the kind (see the lexer)."""

    kind: str
    value: object
    pos: int


@dataclasses.dataclass(frozen=True)
class _RawTerm:
    """Text of a bare term: unescaped text and the wildcard pattern."""

    text: str
    pattern: Optional[str]
    escaped: bool = False


@dataclasses.dataclass(frozen=True)
class _RawRange:
    lower: Optional[str]
    upper: Optional[str]
    include_lower: bool
    include_upper: bool


class Lexer:
    """Split a query string into :class:`Token` objects."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.pos = 0

    def tokens(self) -> list[Token]:
        out: list[Token] = []
        while True:
            token = self._next()
            out.append(token)
            if token.kind == EOF:
                return out

    # -- helpers -----------------------------------------------------------

    def _error(self, message: str, pos: Optional[int] = None) -> LuceneSyntaxError:
        where = self.pos if pos is None else pos
        return LuceneSyntaxError(
            "Cannot parse '{}': {} at position {}".format(
                self.source, message, where
            )
        )

    def _peek(self, offset: int = 0) -> str:
        index = self.pos + offset
        return self.source[index] if index < len(self.source) else ""

    def _skip_space(self) -> None:
        while self.pos < len(self.source) and self.source[self.pos].isspace():
            self.pos += 1

    def _next(self) -> Token:
        self._skip_space()
        start = self.pos
        char = self._peek()
        if not char:
            return Token(EOF, None, start)
        two = self.source[self.pos:self.pos + 2]
        if two == "&&":
            self.pos += 2
            return Token(AND, "&&", start)
        if two == "||":
            self.pos += 2
            return Token(OR, "||", start)
        simple = {"(": LPAREN, ")": RPAREN, ":": COLON, "+": PLUS,
                  "-": MINUS, "!": NOT}
        if char in simple:
            self.pos += 1
            return Token(simple[char], char, start)
        if char == '"':
            return Token(PHRASE, self._read_phrase(), start)
        if char in "[{":
            return Token(RANGE, self._read_range(), start)
        if char in "]}":
            raise self._error("unexpected '{}'".format(char))
        if char == "^":
            self.pos += 1
            return Token(BOOST, self._read_number(required=True), start)
        if char == "~":
            self.pos += 1
            return Token(FUZZY, self._read_number(required=False), start)
        raw = self._read_term()
        if not raw.escaped and raw.text in ("AND", "OR", "NOT"):
            # only unescaped, upper-case keywords are operators
            return Token({"AND": AND, "OR": OR, "NOT": NOT}[raw.text],
                         raw.text, start)
        return Token(TERM, raw, start)

    def _read_number(self, required: bool) -> Optional[float]:
        match = _NUMBER_RE.match(self.source, self.pos)
        if not match:
            if required:
                raise self._error("expected a number")
            return None
        self.pos = match.end()
        return float(match.group(0))

    def _read_phrase(self) -> str:
        start = self.pos
        self.pos += 1  # opening quote
        chars: list[str] = []
        while True:
            char = self._peek()
            if not char:
                raise self._error("unterminated phrase", start)
            self.pos += 1
            if char == "\\":
                escaped = self._peek()
                if not escaped:
                    raise self._error("dangling escape character")
                chars.append(escaped)
                self.pos += 1
            elif char == '"':
                return "".join(chars)
            else:
                chars.append(char)

    def _read_term(self) -> _RawTerm:
        """Read a bare term; escapes are removed from ``text`` and kept in
        ``pattern`` (only returned when the term has a wildcard)."""
        start = self.pos
        text: list[str] = []
        pattern: list[str] = []
        wildcard = False
        escaped_any = False
        while True:
            char = self._peek()
            if not char:
                break
            stops = _TERM_START_STOP if self.pos == start else _TERM_STOP
            if char in stops:
                break
            if char == "\\":
                escaped = self._peek(1)
                if not escaped:
                    raise self._error("dangling escape character")
                text.append(escaped)
                pattern.append("\\" + escaped)
                escaped_any = True
                self.pos += 2
                continue
            if char in _WILDCARD_CHARS:
                wildcard = True
            text.append(char)
            pattern.append(char)
            self.pos += 1
        if self.pos == start:
            raise self._error("unexpected '{}'".format(self._peek()))
        return _RawTerm("".join(text), "".join(pattern) if wildcard else None,
                        escaped_any)

    def _read_range(self) -> _RawRange:
        start = self.pos
        include_lower = self.source[self.pos] == "["
        self.pos += 1
        lower = self._read_range_bound()
        self._skip_space()
        if self.source[self.pos:self.pos + 2] != "TO":
            raise self._error("expected 'TO' in range", start)
        self.pos += 2
        if self._peek() and not self._peek().isspace():
            raise self._error("expected whitespace after 'TO'", start)
        upper = self._read_range_bound()
        self._skip_space()
        close = self._peek()
        if close not in ("]", "}") or not close:
            raise self._error("unterminated range", start)
        self.pos += 1
        return _RawRange(
            None if lower == "*" else lower,
            None if upper == "*" else upper,
            include_lower,
            close == "]",
        )

    def _read_range_bound(self) -> Optional[str]:
        """A range bound: a quoted string or a run of non-space characters
        (dates such as ``2020-01-01T00:00:00Z`` contain ':' and '-')."""
        self._skip_space()
        if self._peek() == '"':
            value = self._read_phrase()
            # a quoted '*' is a literal asterisk, not an open bound
            return value if value != "*" else "\\*"
        chars: list[str] = []
        while True:
            char = self._peek()
            if not char or char.isspace() or char in "]}":
                break
            if char == "\\":
                escaped = self._peek(1)
                if not escaped:
                    raise self._error("dangling escape character")
                chars.append(escaped)
                self.pos += 2
                continue
            chars.append(char)
            self.pos += 1
        if not chars:
            raise self._error("empty range bound")
        return "".join(chars)


def tokenize(source: str) -> list[Token]:
    """Return the tokens of ``source`` (ending with an ``EOF`` token)."""
    return Lexer(source).tokens()


# --------------------------------------------------------------------------
# Parser
# --------------------------------------------------------------------------

MUST = "+"
MUST_NOT = "-"
DEFAULT = ""


class Parser:
    """Recursive-descent parser over the token list.

    :param default_operator: ``"AND"`` or ``"OR"``; the occurrence of
        juxtaposed clauses without a prefix operator.
    :param default_field: field of unqualified terms (``None`` means the
        default full-text field; the compiler decides what that is).
    """

    def __init__(
        self,
        source: str,
        default_operator: str = "OR",
        default_field: Optional[str] = None,
    ) -> None:
        self.source = source
        self.tokens = tokenize(source)
        self.index = 0
        self.default_operator = (default_operator or "OR").upper()
        if self.default_operator not in ("AND", "OR"):
            raise LuceneSyntaxError(
                "Invalid q.op {!r}: expected AND or OR".format(default_operator)
            )
        self.default_field = default_field

    # -- token helpers -----------------------------------------------------

    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def _advance(self) -> Token:
        token = self.tokens[self.index]
        if token.kind != EOF:
            self.index += 1
        return token

    def _accept(self, *kinds: str) -> Optional[Token]:
        if self.current.kind in kinds:
            return self._advance()
        return None

    def _error(self, message: str, token: Optional[Token] = None) -> LuceneSyntaxError:
        token = token or self.current
        found = "end of query" if token.kind == EOF else repr(
            self.source[token.pos:token.pos + 20])
        return LuceneSyntaxError(
            "Cannot parse '{}': {} (found {} at position {})".format(
                self.source, message, found, token.pos
            )
        )

    # -- grammar -----------------------------------------------------------

    def parse(self) -> tuple[list[tuple[str, Node]], bool]:
        """Parse the whole query.

        Returns the top-level clauses as ``(occur, node)`` pairs, where occur
        is ``"+"``, ``"-"`` or ``""`` (default operator still to apply), so
        that callers (dismax) can apply ``mm`` to the optional ones, and a
        flag telling whether an explicit AND/OR appeared at the top level.
        """
        if self.current.kind == EOF:
            return [], False
        clauses, explicit = self._seq(self.default_field, top=True)
        if self.current.kind != EOF:
            raise self._error("unexpected token")
        return clauses, explicit

    def _seq(
        self, field: Optional[str], top: bool = False
    ) -> tuple[list[tuple[str, Node]], bool]:
        clauses: list[tuple[str, Node]] = []
        explicit = False
        while self.current.kind not in (EOF, RPAREN):
            occur, node, had_op = self._or_expr(field)
            explicit = explicit or had_op
            clauses.append((occur, node))
        if not clauses:
            raise self._error("expected a query clause")
        return clauses, explicit

    def _or_expr(self, field: Optional[str]) -> tuple[str, Node, bool]:
        first_occur, first = self._and_expr(field)
        items = [(first_occur, first)]
        while self._accept(OR):
            items.append(self._and_expr(field))
        if len(items) == 1:
            return first_occur, first, first_occur == AND
        should = tuple(_as_positive(occur, node) for occur, node in items)
        return DEFAULT, BoolQuery(should=should), True

    def _and_expr(self, field: Optional[str]) -> tuple[str, Node]:
        occur, node = self._unary(field)
        items = [(occur, node)]
        while self._accept(AND):
            items.append(self._unary(field))
        if len(items) == 1:
            return occur, node
        must = tuple(n for o, n in items if o != MUST_NOT)
        must_not = tuple(n for o, n in items if o == MUST_NOT)
        # AND as occur marker: tells _or_expr an explicit operator was used
        return AND, BoolQuery(must=must, must_not=must_not)

    def _unary(self, field: Optional[str]) -> tuple[str, Node]:
        occur = DEFAULT
        if self._accept(PLUS):
            occur = MUST
        elif self._accept(MINUS, NOT):
            occur = MUST_NOT
        if self.current.kind in (AND, OR):
            raise self._error("operator without left operand")
        node = self._primary(field)
        # boosts and fuzzy/proximity suffixes are accepted and ignored
        while self._accept(BOOST, FUZZY):
            pass
        return occur, node

    def _primary(self, field: Optional[str]) -> Node:
        token = self.current
        if token.kind == LPAREN:
            self._advance()
            node = self._group(field)
            return node
        if token.kind == TERM:
            raw = token.value
            assert isinstance(raw, _RawTerm)
            # field name?
            if self.tokens[self.index + 1].kind == COLON:
                # a field inside a field group overrides it, as in Lucene
                self._advance()
                self._advance()
                name = raw.text
                if not name:
                    raise self._error("empty field name", token)
                return self._field_value(name)
            self._advance()
            return self._term(field, raw)
        if token.kind == PHRASE:
            self._advance()
            return Term(field, str(token.value), phrase=True)
        if token.kind == RANGE:
            self._advance()
            return self._range(field, token.value)
        if token.kind == EOF:
            raise self._error("unexpected end of query")
        raise self._error("unexpected token")

    def _group(self, field: Optional[str]) -> Node:
        clauses, _explicit = self._seq(field)
        if not self._accept(RPAREN):
            raise self._error("missing ')'")
        return self.combine(clauses)

    def _field_value(self, name: str) -> Node:
        token = self.current
        if token.kind == LPAREN:
            self._advance()
            return self._group(name)
        if token.kind == TERM:
            self._advance()
            raw = token.value
            assert isinstance(raw, _RawTerm)
            if name == "*" and raw.pattern == "*":
                return MatchAll()
            if name == "*":
                raise self._error("'*' is only valid as '*:*'", token)
            return self._term(name, raw)
        if token.kind == PHRASE:
            self._advance()
            return Term(name, str(token.value), phrase=True)
        if token.kind == RANGE:
            self._advance()
            return self._range(name, token.value)
        raise self._error("expected a value after '{}:'".format(name))

    def _term(self, field: Optional[str], raw: _RawTerm) -> Node:
        if raw.pattern == "*":
            if field is None or field == self.default_field:
                return MatchAll()
            return Exists(field)
        return Term(field, raw.text, pattern=raw.pattern)

    @staticmethod
    def _range(field: Optional[str], raw: object) -> Node:
        assert isinstance(raw, _RawRange)
        if raw.lower is None and raw.upper is None:
            return Exists(field) if field else MatchAll()
        return Range(field, raw.lower, raw.upper,
                     raw.include_lower, raw.include_upper)

    # -- semantics ---------------------------------------------------------

    def combine(
        self, clauses: list[tuple[str, Node]], mm: Optional[str] = None
    ) -> Node:
        """Build a :class:`BoolQuery` from ``(occur, node)`` pairs.

        Clauses without prefix operator become MUST with ``q.op=AND`` and
        SHOULD otherwise. With ``mm`` (dismax) they are always SHOULD and
        ``minimum_should_match`` is computed from the mm spec.
        """
        must: list[Node] = []
        should: list[Node] = []
        must_not: list[Node] = []
        for occur, node in clauses:
            if occur == MUST_NOT:
                must_not.append(node)
            elif occur == MUST:
                must.append(node)
            elif occur == AND:
                # an explicit "a AND b" chain is required as a whole
                must.append(node)
            elif mm is None and self.default_operator == "AND":
                must.append(node)
            else:
                should.append(node)
        minimum = 0
        if mm is not None and should:
            minimum = min_should_match(mm, len(should))
        if not must and not must_not and len(should) == 1:
            return should[0]
        if len(must) == 1 and not should and not must_not:
            return must[0]
        return BoolQuery(tuple(must), tuple(should), tuple(must_not), minimum)


def _as_positive(occur: str, node: Node) -> Node:
    """A clause inside an OR chain: a negated one becomes "all but it"."""
    if occur == MUST_NOT:
        return BoolQuery(must=(MatchAll(),), must_not=(node,))
    return node


def parse(
    source: str,
    default_operator: str = "OR",
    default_field: Optional[str] = None,
    mm: Optional[str] = None,
) -> Node:
    """Parse ``source`` into a query tree.

    :param default_operator: ``q.op`` (``AND`` or ``OR``).
    :param default_field: field for unqualified terms (``None`` = default
        full-text field).
    :param mm: dismax "minimum should match" spec; when given, top-level
        unqualified clauses are optional and at least ``mm`` of them must
        match (the dismax/edismax behaviour).
    :raises LuceneSyntaxError: on invalid syntax.
    """
    if not isinstance(source, str):
        raise LuceneSyntaxError("Query must be a string, not {!r}".format(
            type(source).__name__))
    parser = Parser(source, default_operator, default_field)
    clauses, _explicit = parser.parse()
    if not clauses:
        return MatchAll()
    return parser.combine(clauses, mm=mm)


# --------------------------------------------------------------------------
# minimum should match (dismax ``mm``)
# --------------------------------------------------------------------------

_MM_PART_RE = re.compile(r"^(-?\d+)(%?)$")


def _mm_single(spec: str, optional: int) -> int:
    match = _MM_PART_RE.match(spec.strip())
    if not match:
        raise LuceneSyntaxError("Invalid mm spec {!r}".format(spec))
    value = int(match.group(1))
    if match.group(2):
        computed = math.floor(optional * abs(value) / 100.0)
        result = optional - computed if value < 0 else computed
    else:
        result = optional + value if value < 0 else value
    return result


def min_should_match(spec: str, optional: int) -> int:
    """Number of optional clauses that must match, following Solr's ``mm``.

    ``spec`` is an integer (``3``, ``-1``), a percentage (``75%``,
    ``-25%``) or conditional parts ``"2<-1 5<80%"`` (up to 2 clauses all
    are required; above 2, all but one; above 5, 80%). The result is
    clamped to ``[1, optional]`` (a group of only optional clauses always
    needs one match).
    """
    spec = (spec or "").strip()
    if not spec or optional <= 0:
        return min(1, optional)
    if "<" in spec:
        result = optional  # at or below the smallest threshold: all
        parts = sorted(
            (part.split("<", 1) for part in spec.split()),
            key=lambda kv: int(kv[0]) if kv[0].strip().lstrip("-").isdigit()
            else 0,
        )
        for threshold, value in parts:
            if not threshold.strip().isdigit():
                raise LuceneSyntaxError("Invalid mm spec {!r}".format(spec))
            if optional > int(threshold):
                result = _mm_single(value, optional)
    else:
        result = _mm_single(spec, optional)
    return max(1, min(optional, result))
