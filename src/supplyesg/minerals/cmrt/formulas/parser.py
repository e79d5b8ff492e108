"""Formula text to a tree, with openpyxl's tokenizer and Excel's operator precedence."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from openpyxl.formula.tokenizer import Token, Tokenizer

from .values import Unsupported, XlError


@dataclass
class Node:
    kind: str  # num, str, bool, err, ref, name, func, op, neg, pct, empty
    value: Any = None
    args: tuple = ()


_PRECEDENCE = {"=": 1, "<>": 1, "<": 1, ">": 1, "<=": 1, ">=": 1, "&": 2, "+": 3, "-": 3, "*": 4, "/": 4, "^": 5}


class _Parser:
    def __init__(self, formula: str):
        tokens = [t for t in Tokenizer(formula).items if t.type != Token.WSPACE]
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def parse(self) -> Node:
        node = self.expression(0)
        if self.peek() is not None:
            raise Unsupported(f"unexpected {self.peek().value!r}")
        return node

    def expression(self, minimum: int) -> Node:
        left = self.unary()
        while True:
            token = self.peek()
            if token is None or token.type != Token.OP_IN or token.value not in _PRECEDENCE:
                if token is not None and token.type == Token.OP_IN and token.value not in _PRECEDENCE:
                    raise Unsupported(f"operator {token.value}")
                return left
            precedence = _PRECEDENCE[token.value]
            if precedence < minimum:
                return left
            self.take()
            right = self.expression(precedence + 1)
            left = Node("op", token.value, (left, right))

    def unary(self) -> Node:
        token = self.peek()
        if token is not None and token.type == Token.OP_PRE:
            self.take()
            operand = self.unary()
            return Node("neg", args=(operand,)) if token.value == "-" else operand
        node = self.primary()
        while (token := self.peek()) is not None and token.type == Token.OP_POST:
            self.take()
            node = Node("pct", args=(node,))
        return node

    def primary(self) -> Node:
        token = self.take()
        if token.type == Token.OPERAND:
            if token.subtype == Token.NUMBER:
                return Node("num", float(token.value))
            if token.subtype == Token.TEXT:
                return Node("str", token.value[1:-1].replace('""', '"'))
            if token.subtype == Token.LOGICAL:
                return Node("bool", token.value.upper() == "TRUE")
            if token.subtype == Token.ERROR:
                return Node("err", XlError(token.value))
            return Node("ref", token.value)
        if token.type == Token.FUNC and token.subtype == Token.OPEN:
            name = token.value[:-1].upper().removeprefix("_XLFN.")
            args: list[Node] = []
            if self.peek() is not None and self.peek().type == Token.FUNC and self.peek().subtype == Token.CLOSE:
                self.take()
                return Node("func", name, ())
            while True:
                nxt = self.peek()
                if nxt is not None and (nxt.type == Token.SEP or (nxt.type == Token.FUNC and nxt.subtype == Token.CLOSE)):
                    args.append(Node("empty"))
                else:
                    args.append(self.expression(0))
                sep = self.take()
                if sep.type == Token.FUNC and sep.subtype == Token.CLOSE:
                    return Node("func", name, tuple(args))
                if sep.type != Token.SEP or sep.subtype != Token.ARG:
                    raise Unsupported(f"unexpected {sep.value!r} in {name}")
        if token.type == Token.PAREN and token.subtype == Token.OPEN:
            node = self.expression(0)
            close = self.take()
            if close.type != Token.PAREN:
                raise Unsupported("unbalanced parentheses")
            return node
        raise Unsupported(f"unexpected {token.value!r}")
