import re

TOKEN = re.compile(r"\s*(?:(\d+\.?\d*)|(.))")


def tokenize(text):
    tokens = []
    for number, op in TOKEN.findall(text):
        if number:
            tokens.append(float(number))
        elif op.strip():
            if op not in "+-*/()":
                raise SyntaxError(f"unexpected {op!r}")
            tokens.append(op)
    return tokens


class _Parser:
    """Recursive descent: expr := term (('+'|'-') term)*; term := factor (('*'|'/') factor)*."""

    def __init__(self, tokens):
        self.tokens, self.pos = tokens, 0

    def peek(self):
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self):
        token = self.peek()
        self.pos += 1
        return token

    def expr(self):
        value = self.term()
        while self.peek() in ("+", "-"):
            value = value + self.term() if self.take() == "+" else value - self.term()
        return value

    def term(self):
        value = self.factor()
        while self.peek() in ("*", "/"):
            value = value * self.factor() if self.take() == "*" else value / self.factor()
        return value

    def factor(self):
        token = self.take()
        if isinstance(token, float):
            return token
        if token == "(":
            value = self.expr()
            if self.take() != ")":
                raise SyntaxError("missing ')'")
            return value
        raise SyntaxError(f"unexpected {token!r}")


def evaluate(text):
    parser = _Parser(tokenize(text))
    value = parser.expr()
    if parser.peek() is not None:
        raise SyntaxError(f"unexpected {parser.peek()!r}")
    return value
