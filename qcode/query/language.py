"""The query language: codes joined by AND, OR, NOT, NEAR and parentheses, parsed into a small tree.

Pure: no database. The grammar is lark's (LALR, imported on the first parse), and a malformed
query is one :class:`QueryError` naming the position and what was expected there.

``bribery AND (surveillance OR hours) AND NOT remittance`` selects segments; ``a@alice`` is a code
as one coder applied it; ``*`` is any code; ``a NEAR/2 b`` selects the segments coded ``a`` or
``b`` that have the other within two segments of the same document (``NEAR/passage``: in the same
passage, the bare ``NEAR`` too; ``NEAR/document``: in the same document; ``NEAR/0``: on the same
segment). NOT binds tightest, then NEAR, then AND, then OR. See ``docs/queries.md``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from qcode.errors import InputError

if TYPE_CHECKING:
    from lark import Lark, Token

__all__ = ["ANY", "And", "CodeTerm", "Near", "Node", "Not", "Or", "QueryError", "parse", "unparse"]

#: The code that matches any code.
ANY = "*"
Scope: TypeAlias = "int | Literal['passage', 'document']"

_GRAMMAR = r"""
?start: or_expr
?or_expr: and_expr (_OR and_expr)*
?and_expr: near_expr (_AND near_expr)*
?near_expr: unary (NEAR unary)*
?unary: _NOT unary -> not_
      | atom
?atom: term
     | LPAR or_expr RPAR -> group
term: label (AT label)?
label: NAME | STRING
_OR.2: /or(?![^\s()"@])/i
_AND.2: /and(?![^\s()"@])/i
_NOT.2: /not(?![^\s()"@])/i
NEAR.2: /near(\/[^\s()"@]*)?(?![^\s()"@])/i
NAME: /[^\s()"@]+/
STRING: /"(?:[^"\\]|\\.)*"/
LPAR: "("
RPAR: ")"
AT: "@"
%ignore /\s+/
"""

_SHOWN = {
    "NAME": "a code",
    "STRING": "a quoted name",
    "LPAR": "(",
    "RPAR": ")",
    "AT": "@",
    "_AND": "AND",
    "_OR": "OR",
    "_NOT": "NOT",
    "NEAR": "NEAR",
    "$END": "the end",
}
_ORDER = tuple(_SHOWN)


class QueryError(InputError):
    """A query that cannot be read: the message names the 1-based position and what was expected."""

    def __init__(self, query: str, position: int, message: str) -> None:
        super().__init__(f"query {query!r}: at position {position}: {message}")
        self.query = query
        self.position = position


@dataclass(frozen=True)
class CodeTerm:
    """A code (key or name; ``*`` for any), optionally as applied by one coder."""

    code: str
    coder: str | None = None


@dataclass(frozen=True)
class Not:
    """Segments not selected by ``term``."""

    term: Node


@dataclass(frozen=True)
class And:
    """Segments selected by every term."""

    terms: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    """Segments selected by any term."""

    terms: tuple[Node, ...]


@dataclass(frozen=True)
class Near:
    """Segments of either side that have a segment of the other side within ``scope``.

    ``scope`` is a number of segments (0: the same segment) or ``"passage"`` / ``"document"``.
    """

    left: Node
    right: Node
    scope: Scope


Node: TypeAlias = "CodeTerm | Not | And | Or | Near"


@cache
def _parser() -> Lark:
    from lark import Lark

    return Lark(_GRAMMAR, parser="lalr", lexer="basic", maybe_placeholders=False)


def parse(query: str) -> Node:
    """The tree of ``query``.

    Raises:
        QueryError: the query is empty or malformed (position and expectation named).
    """
    from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

    if not query.strip():
        raise QueryError(query, 1, "the query is empty; name a code, e.g. 'bribery AND hours'")
    try:
        tree = _parser().parse(query)
    except UnexpectedToken as exc:
        raise _unexpected(query, exc.token, exc.expected) from None
    except UnexpectedEOF as exc:  # pragma: no cover - LALR reports the end as an unexpected token
        expected = {str(t) for t in exc.expected}
        raise QueryError(query, len(query) + 1, f"expected {_expected(expected)}, found the end") from None
    except UnexpectedCharacters as exc:
        raise _bad_character(query, exc.pos_in_stream or 0) from None
    except UnexpectedInput as exc:  # pragma: no cover - lark's other kinds, for completeness
        raise QueryError(query, (exc.pos_in_stream or 0) + 1, "cannot read the query here") from None
    return _build(query, tree)


def _unexpected(query: str, token: Token, expected: set[str]) -> QueryError:
    if _depth(query[: token.start_pos or 0]) == 0:
        expected = expected - {"RPAR"}
    if token.type == "$END":
        return QueryError(query, len(query) + 1, f"expected {_expected(expected)}, found the end")
    found = "'" + str(token) + "'"
    hint = ""
    if token.type in ("NAME", "STRING") and "_AND" in expected:
        hint = " (join codes with AND, OR or NEAR; quote a name that has spaces)"
    return QueryError(
        query, (token.start_pos or 0) + 1, f"expected {_expected(expected)}, found {found}{hint}"
    )


def _depth(text: str) -> int:
    """Parentheses open at the end of ``text`` (quoted names skipped)."""
    bare = re.sub(r'"(?:[^"\\]|\\.)*"', "", text)
    return bare.count("(") - bare.count(")")


def _bad_character(query: str, pos: int) -> QueryError:
    if query[pos] == '"':
        return QueryError(query, pos + 1, "this quote is never closed")
    return QueryError(query, pos + 1, f"unexpected character {query[pos]!r}")


def _expected(names: set[str]) -> str:
    shown = list(dict.fromkeys(_SHOWN[n] for n in _ORDER if n in names and n != "STRING"))
    if not shown:
        return "something else"
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " or " + shown[-1]


def _build(query: str, tree: Any) -> Node:
    from lark import Token

    if isinstance(tree, Token):  # pragma: no cover - the grammar never leaves a bare token
        raise QueryError(query, (tree.start_pos or 0) + 1, "cannot read the query here")
    kind = tree.data
    kids = tree.children
    if kind == "term":
        labels = [k for k in kids if not isinstance(k, Token)]
        code = _label(labels[0])
        return CodeTerm(code, _label(labels[1]) if len(labels) > 1 else None)
    if kind == "group":
        return _build(query, kids[1])
    if kind == "not_":
        return Not(_build(query, kids[0]))
    if kind == "and_expr":
        return And(tuple(_build(query, k) for k in kids))
    if kind == "or_expr":
        return Or(tuple(_build(query, k) for k in kids))
    if kind == "near_expr":
        node = _build(query, kids[0])
        for op, right in zip(kids[1::2], kids[2::2], strict=True):
            node = Near(node, _build(query, right), _scope(query, op))
        return node
    raise QueryError(query, 1, f"cannot read {kind}")  # pragma: no cover


def _label(tree: Any) -> str:
    token = str(tree.children[0])
    if token.startswith('"'):
        return re.sub(r"\\(.)", r"\1", token[1:-1])
    return token


def _scope(query: str, op: Token) -> Scope:
    text = str(op)
    arg = text.partition("/")[2].casefold()
    if "/" not in text or arg == "passage":
        return "passage"
    if arg == "document":
        return "document"
    if arg == "segment":
        return 0
    if arg.isdigit():
        return int(arg)
    where = (op.start_pos or 0) + len("near/") + 1
    return _fail(
        query, where, f"expected a number of segments, 'passage' or 'document' after NEAR/, found {arg!r}"
    )


def _fail(query: str, position: int, message: str) -> Scope:
    raise QueryError(query, position, message)


_BARE = re.compile(r'[^\s()"@]+')
_KEYWORD = re.compile(r"(?i)(and|or|not|near(/.*)?)")


def _quote(label: str) -> str:
    if _BARE.fullmatch(label) and not _KEYWORD.fullmatch(label):
        return label
    return '"' + label.replace("\\", "\\\\").replace('"', '\\"') + '"'


def unparse(node: Node) -> str:
    """The query text of a tree, fully parenthesised where needed (``parse(unparse(t)) == t``)."""
    if isinstance(node, CodeTerm):
        return _quote(node.code) + (f"@{_quote(node.coder)}" if node.coder is not None else "")
    if isinstance(node, Not):
        return f"NOT {_operand(node.term)}"
    if isinstance(node, Near):
        return f"{_operand(node.left)} NEAR/{node.scope} {_operand(node.right)}"
    joiner = " AND " if isinstance(node, And) else " OR "
    return joiner.join(_operand(t) for t in node.terms)


def _operand(node: Node) -> str:
    text = unparse(node)
    return f"({text})" if isinstance(node, And | Or | Near) else text
