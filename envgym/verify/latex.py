r"""Parse a final answer written in LaTeX or plain text into a small expression tree.

The tree is tuples, so it is cheap to build, compare and send to a worker process:

    ("num", Fraction, is_decimal)   ("sym", name)      ("const", "pi" | "e" | "i" | "oo")
    ("add", a, b)  ("mul", a, b)  ("div", a, b)  ("pow", a, b)  ("neg", a)  ("pm", a, b)
    ("fn", name, arg)  ("fact", a)  ("pct", a)  ("binom", a, b)  ("log", base, arg)
    ("rel", op, a, b)   op in = < > <= >= in
    ("tuple", items)  ("set", items)  ("list", items)  ("matrix", rows)
    ("interval", left_closed, a, b, right_closed)  ("union", items)

No ``eval`` is involved, so hostile input cannot run code, and every step is bounded: the
tokenizer is one regex pass, the parser refuses nesting deeper than ``MAX_DEPTH`` and answers
longer than the caller's cap. ``ParseError`` is the only exception it raises.

>>> parse(r"\frac{1}{2}")
('div', ('num', Fraction(1, 1), False), ('num', Fraction(2, 1), False))
>>> parse(r"x = 3")[0]
'rel'
"""

from __future__ import annotations

import re
from fractions import Fraction

MAX_DEPTH = 100
MAX_NUMBER_CHARS = 400


class ParseError(ValueError):
    """The answer is not a math expression this parser understands."""


# ---- text clean-up before tokenizing -----------------------------------------------------

_TEXT_CMD = re.compile(
    r"\\(?:text|textbf|textit|textrm|mathrm|mathbf|mathit|mbox|operatorname|mathsf|rm)\s*\{([^{}]*)\}"
    r"(\^\s*(?:\{\s*\d\s*\}|\d))?"
)
_DIGIT_GROUP = re.compile(r"(?<=[\d,])\s*\\[,!;: ]\s*(?=\d)")
_DROP = re.compile(
    r"(?<!\\)\\\s|(?<!\\)\\(?:left|right|big|Big|bigg|Bigg|displaystyle|textstyle|limits|!|,|;|:| |quad|qquad)(?![a-zA-Z])|\$|\\\(|\\\)|\\\[|\\\]|~"
)
_DEGREES = re.compile(r"\^\s*\{\s*\\circ\s*\}|\^\s*\\circ|\\circ|°|\\degree")
_MATRIX_BEGIN = re.compile(r"\\begin\s*\{\s*(?:[pbBvV]?matrix|array)\s*\}(?:\s*\{[^{}]*\})?")
_MATRIX_END = re.compile(r"\\end\s*\{\s*(?:[pbBvV]?matrix|array)\s*\}")
_UNIT_TEXT = re.compile(r"[\sa-zA-Z/^\d.]*[a-zA-Z][\sa-zA-Z/^\d.]*")
_SCI = re.compile(r"(\d)[eE]([-+]?\d{1,4})(?![\w])")
_THOUSANDS = re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3})+(?![\d,]|\.\d*,)")
_UNICODE = {"\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " ", "−": "-", "–": "-", "×": "*", "·": "*", "÷": "/", "π": "\\pi ", "√": "\\sqrt", "∞": "\\infty ",
            "≤": "\\le ", "≥": "\\ge ", "≠": "\\ne ", "∪": "\\cup ", "±": "\\pm "}
UNITS = frozenset("""
cm mm km nm kg mg ml hr hrs min mins sec secs ft yd mi mph kph lb lbs oz sq cu deg degree degrees rad
unit units meter meters metre metres inch inches foot feet mile miles hour hours minute minutes second
seconds day days week weeks year years dollar dollars cent cents gram grams liter liters litre litres
percent pounds ounces square cubic per kmh km/h m/s cm^2 ms
usd eur gbp jpy inr cad aud chf cny rs euro euros yen rupees
""".split())
# A repeating decimal: 0.\overline{3} is 1/3, 1.2\overline{45} is 1.2454545...
_REPEATING = re.compile(r"(\d*)\.(\d*)\\overline\s*\{(\d{1,20})\}")
# Dots grouping thousands and a decimal comma: 1.250,00 is 1250.00 (no other reading).
_EUROPEAN = re.compile(r"(?<![\d.,])(\d{1,3}(?:\.\d{3})+),(\d+)(?![\d.,])")
_CURRENCY = re.compile(r"[€£¥₹¢]|\\(?:euro|pounds|yen|textdollar|textsterling|texteuro)(?![a-zA-Z])")
# Digits grouped by plain spaces in threes: "1 250" is 1250 ("12 34" stays two numbers).
_SPACED_THOUSANDS = re.compile(r"(?<![\d.,])\d{1,3}(?: \d{3})+(?![\d.,])")
# Words trailing a number or a closing bracket, with one of them prose or a unit ("17 red apples").
_TRAILING_WORDS = re.compile(r"(?<=[\d})%\]])\s+((?:[a-zA-Z]+\s*){1,8})$")
_FUNCS = {"sin", "cos", "tan", "sec", "csc", "cot", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh",
          "ln", "exp", "sqrt", "abs", "floor", "ceil"}
_CONSTS = {"pi": "pi", "infty": "oo", "infinity": "oo", "inf": "oo", "e": "e", "i": "i"}
_SEPARATORS = {"or", "and"}
_RELATIONS = {"=": "=", "<": "<", ">": ">", "\\le": "<=", "\\leq": "<=", "\\leqslant": "<=", "<=": "<=",
              "\\ge": ">=", "\\geq": ">=", "\\geqslant": ">=", ">=": ">=", "\\lt": "<", "\\gt": ">",
              "\\in": "in", "\\ne": "!=", "\\neq": "!="}


def clean(text: str, strict: bool = False) -> str:
    """Normalise notation that does not change the value: delimiters, spacing commands, units."""
    for k, v in _UNICODE.items():
        if k in text:
            text = text.replace(k, v)
    text = text.replace("{,}", ",").replace("\\{", " \\lbrace ").replace("\\}", " \\rbrace ")
    text = text.replace("\\%", "%").replace("\\$", "")
    text = _DIGIT_GROUP.sub("", text)
    text = _REPEATING.sub(_repeating, text)
    text = _EUROPEAN.sub(lambda m: m.group(1).replace(".", "") + "." + m.group(2), text)
    text = _SPACED_THOUSANDS.sub(lambda m: m.group(0).replace(" ", ""), text)
    if not strict:
        text = _DEGREES.sub("", text)
        text = _CURRENCY.sub(" ", text)
    text = _MATRIX_BEGIN.sub(lambda _: " \\matbegin ", text)
    text = _MATRIX_END.sub(lambda _: " \\matend ", text)
    text = _DROP.sub(" ", text)
    if not strict:
        text = _TEXT_CMD.sub(_text_block, text)
    text = _SCI.sub(r"\1*10^{\2}", text)
    text = _THOUSANDS.sub(lambda m: m.group(0).replace(",", ""), text)
    text = text.strip().rstrip(".").strip()
    if not strict:
        text = _TRAILING_WORDS.sub(_drop_prose, text)
    return text


def _repeating(m: re.Match) -> str:
    whole, fixed, period = m.group(1) or "0", m.group(2), m.group(3)
    value = Fraction(int(whole)) + (Fraction(int(fixed), 10 ** len(fixed)) if fixed else 0) \
        + Fraction(int(period), (10 ** len(period) - 1) * 10 ** len(fixed))
    return f"({value.numerator}/{value.denominator})"


def _drop_prose(m: re.Match) -> str:
    """Trailing words go when one of them is a unit or a word of prose (not when all are variables)."""
    words = m.group(1).split()
    if any(len(w) >= 4 or w.lower() in UNITS for w in words) and not any(w.lower() in _FUNCS or w.lower() in _CONSTS for w in words):
        return ""
    return m.group(0)


def _text_block(m: re.Match) -> str:
    """\\text{...}: units and prose go, numbers and separator words stay."""
    content = m.group(1)
    if _UNIT_TEXT.fullmatch(content) and content.strip().lower() not in _SEPARATORS:
        return " "  # a unit, with its power (\text{ m}^2)
    return f" {content} {m.group(2) or ''}"


# ---- tokens ----------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"(?P<num>\d+\.?\d*|\.\d+)|(?P<cmd>\\[a-zA-Z]+)|(?P<word>[a-zA-Z]+)"
    r"|(?P<op>\*\*|<=|>=|!=|\\\\|[-+*/^=(),\[\]{}!|<>&_;%:'])|(?P<ws>\s+)|(?P<other>.)",
    re.S,
)


def tokenize(text: str, strict: bool = False) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for m in _TOKEN.finditer(text):
        kind, value = m.lastgroup, m.group()
        if kind == "ws":
            continue
        if kind == "other":
            raise ParseError(f"unexpected character {value!r}")
        if kind == "word":
            low = value.lower()
            if low in _SEPARATORS:
                out.append(("op", ","))
            elif low in _FUNCS or low in _CONSTS:
                out.append(("cmd", "\\" + low))
            elif not strict and (low in UNITS or len(value) >= 4):
                continue  # a unit or a word of prose around the answer
            else:
                out.extend(("word", c) for c in value)  # xy is x times y
            continue
        if kind == "cmd":
            name = value[1:]
            if name in ("text", "mathrm", "mathbf", "textbf", "operatorname", "mbox", "boxed", "fbox"):
                continue  # wrappers: the braces that follow group the content
        out.append((kind, value))
    return out


# ---- parser ----------------------------------------------------------------------------------


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]]):
        self.tokens = tokens
        self.pos = 0
        self.depth = 0

    def peek(self, offset: int = 0) -> tuple[str, str] | None:
        i = self.pos + offset
        return self.tokens[i] if i < len(self.tokens) else None

    def next(self) -> tuple[str, str]:
        tok = self.peek()
        if tok is None:
            raise ParseError("unexpected end of answer")
        self.pos += 1
        return tok

    def accept(self, value: str) -> bool:
        tok = self.peek()
        if tok is not None and tok[1] == value:
            self.pos += 1
            return True
        return False

    def expect(self, value: str) -> None:
        if not self.accept(value):
            tok = self.peek()
            raise ParseError(f"expected {value!r}, found {tok[1] if tok else 'the end'!r}")

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ParseError(f"nested deeper than {MAX_DEPTH}")

    # answer := item (',' item)*
    def answer(self) -> tuple:
        items = [self.relation()]
        while self.accept(",") or self.accept(";"):
            if self.peek() is None:
                break
            items.append(self.relation())
        if self.peek() is not None:
            raise ParseError(f"unexpected {self.peek()[1]!r}")
        return items[0] if len(items) == 1 else ("list", tuple(items))

    def relation(self) -> tuple:
        left = self.union()
        while (tok := self.peek()) is not None and tok[1] in _RELATIONS:
            self.pos += 1
            left = ("rel", _RELATIONS[tok[1]], left, self.union())
        return left

    def union(self) -> tuple:
        first = self.sum()
        if not (self.peek() and self.peek()[1] == "\\cup"):
            return first
        items = [first]
        while self.accept("\\cup"):
            items.append(self.sum())
        return ("union", tuple(items))

    def sum(self) -> tuple:
        self.enter()
        left = self.product()
        while (tok := self.peek()) is not None and tok[1] in ("+", "-", "\\pm", "\\mp"):
            self.pos += 1
            right = self.product()
            left = ("add", left, right) if tok[1] == "+" else ("add", left, ("neg", right)) if tok[1] == "-" else ("pm", left, right)
        self.depth -= 1
        return left

    def product(self) -> tuple:
        left = self.unary()
        while True:
            tok = self.peek()
            if tok is None:
                return left
            if tok[1] in ("*", "\\cdot", "\\times", "/", "\\div"):
                self.pos += 1
                right = self.unary()
                left = ("div", left, right) if tok[1] in ("/", "\\div") else ("mul", left, right)
            elif self._starts_atom(tok):
                right = self.power()
                if right[0] == "div" and _is_int(right[1]) and _is_int(right[2]) and _is_int(left):
                    left = ("add", left, right)  # a mixed number: 2\frac{1}{2} is 5/2
                elif right[0] == "pct" and right[1][0] == "div" and _is_int(right[1][1]) and _is_int(right[1][2]) and _is_int(left):
                    left = ("pct", ("add", left, right[1]))  # 33\frac{1}{3}\% is (33 + 1/3)%
                elif right[0] == "div" and _is_int(right[1]) and _is_int(right[2]) and left[0] == "neg" and _is_int(left[1]):
                    left = ("neg", ("add", left[1], right))  # -1\frac{1}{2} is -3/2
                else:
                    left = ("mul", left, right)
            else:
                return left

    def _starts_atom(self, tok: tuple[str, str]) -> bool:
        kind, value = tok
        if kind in ("num", "word"):
            return True
        if kind == "cmd":
            return value not in _RELATIONS and value not in ("\\cdot", "\\times", "\\div", "\\pm", "\\mp", "\\cup", "\\rbrace", "\\rfloor", "\\rceil", "\\matend")
        return value in ("(", "{", "\\lbrace")

    def unary(self) -> tuple:
        if self.accept("-"):
            self.enter()
            node = ("neg", self.unary())
            self.depth -= 1
            return node
        if self.accept("+"):
            return self.unary()
        if self.accept("\\pm"):
            return ("pm", ("num", Fraction(0), False), self.unary())
        return self.power()

    def power(self) -> tuple:
        self.enter()
        base = self.postfix(self.atom())
        if self.accept("^") or self.accept("**"):
            exponent = self.unary() if self.peek() and self.peek()[1] == "-" else self.power_operand()
            base = ("pow", base, exponent)
            base = self.postfix(base)
        self.depth -= 1
        return base

    def power_operand(self) -> tuple:
        tok = self.peek()
        if tok is not None and tok[0] == "num":
            self.pos += 1  # 2^10: LaTeX would read 2^1 0, but whoever writes it means 2^{10}
            return _number(tok[1])
        return self.power()

    def postfix(self, node: tuple) -> tuple:
        while True:
            if self.accept("!"):
                node = ("fact", node)
            elif self.accept("%"):
                node = ("pct", node)
            elif self.peek() and self.peek()[1] == "'":
                raise ParseError("derivative marks are not supported")
            else:
                return node

    def group(self) -> tuple:
        """A braced argument, or a single token (\\frac12, \\sqrt2)."""
        if self.accept("{"):
            self.enter()
            inner = self.relation()
            self.expect("}")
            self.depth -= 1
            return inner
        kind, value = self.next()
        if kind == "num":
            if len(value) > 1 and value.isdigit():
                self.tokens.insert(self.pos, ("num", value[1:]))  # \frac12 is 1/2
                return _number(value[0])
            return _number(value)
        if kind == "word":
            return ("sym", value)
        if kind == "cmd":
            self.pos -= 1
            return self.atom()
        raise ParseError(f"expected an argument, found {value!r}")

    def atom(self) -> tuple:
        kind, value = self.next()
        if kind == "num":
            return _number(value)
        if kind == "word":
            return self.subscript(("sym", value))
        if value in ("(", "["):
            return self.bracketed(value)
        if value in ("{", "\\lbrace"):
            return self.braced(value)
        if value == "|":
            inner = self.sum()
            self.expect("|")
            return ("fn", "abs", inner)
        if kind == "cmd":
            return self.command(value[1:])
        raise ParseError(f"unexpected {value!r}")

    def subscript(self, sym: tuple) -> tuple:
        if self.accept("_"):
            sub = self.group()
            return ("sym", f"{sym[1]}_{_flat(sub)}")
        return sym

    def bracketed(self, opening: str) -> tuple:
        self.enter()
        items = [self.relation()]
        while self.accept(","):
            items.append(self.relation())
        tok = self.next()
        self.depth -= 1
        if tok[1] not in (")", "]"):
            raise ParseError(f"expected ')' or ']', found {tok[1]!r}")
        left_closed, right_closed = opening == "[", tok[1] == "]"
        if len(items) == 1:
            if (opening == "(") == (tok[1] == ")"):
                return items[0]  # (x), or [x] around a matrix
            raise ParseError("mismatched brackets around one value")
        if len(items) == 2 and (left_closed or right_closed):
            return ("interval", left_closed, items[0], items[1], right_closed)
        if opening == "[":
            raise ParseError("a list in square brackets")
        return ("tuple", tuple(items))

    def braced(self, opening: str) -> tuple:
        closing = "}" if opening == "{" else "\\rbrace"
        self.enter()
        if self.accept(closing):
            self.depth -= 1
            return ("set", ())
        items = [self.relation()]
        while self.accept(","):
            items.append(self.relation())
        self.expect(closing)
        self.depth -= 1
        if len(items) == 1 and opening == "{":
            return items[0]
        return ("set", tuple(items))

    def command(self, name: str) -> tuple:
        if name in ("frac", "dfrac", "tfrac", "cfrac"):
            return ("div", self.group(), self.group())
        if name == "binom" or name == "dbinom" or name == "tbinom":
            return ("binom", self.group(), self.group())
        if name == "sqrt":
            if self.accept("["):
                index = self.sum()
                self.expect("]")
                return ("pow", self.group(), ("div", _number("1"), index))
            if self.peek() and self.peek()[1] == "(":  # sqrt(2), as plain text writes it
                return ("fn", "sqrt", self.atom())
            return ("fn", "sqrt", self.group())
        if name in _CONSTS:
            return ("const", _CONSTS[name])
        if name == "log" or name == "lg":
            base = self.group() if self.accept("_") else _number("10") if name == "lg" else ("const", "e")
            return ("log", base, self.function_argument())
        if name in _FUNCS:
            exponent = self.group() if self.accept("^") else None  # \sin^2 x is (\sin x)^2
            node = ("fn", name, self.function_argument())
            return ("pow", node, exponent) if exponent is not None else node
        if name in ("lfloor", "lceil"):
            inner = self.sum()
            self.expect("\\rfloor" if name == "lfloor" else "\\rceil")
            return ("fn", "floor" if name == "lfloor" else "ceil", inner)
        if name in ("emptyset", "varnothing"):
            return ("set", ())
        if name == "matbegin":
            return self.matrix()
        if name in ("lbrace",):
            return self.braced("\\lbrace")
        if len(name) > 1 and name.isalpha() and name not in _RELATIONS:
            return ("sym", name)  # \alpha, \theta: symbols
        raise ParseError(f"unsupported command \\{name}")

    def function_argument(self) -> tuple:
        if self.peek() and self.peek()[1] in ("(", "{"):
            return self.atom()
        return self.power()

    def matrix(self) -> tuple:
        rows, row = [], [self.sum()]
        while True:
            tok = self.next()
            if tok[1] == "&":
                row.append(self.sum())
            elif tok[1] == "\\\\":
                rows.append(tuple(row))
                if self.peek() and self.peek()[1] == "\\matend":
                    row = []
                    continue
                row = [self.sum()]
            elif tok[1] == "\\matend":
                if row:
                    rows.append(tuple(row))
                if len({len(r) for r in rows}) != 1:
                    raise ParseError("matrix rows of different lengths")
                return ("matrix", tuple(rows))
            else:
                raise ParseError(f"unexpected {tok[1]!r} in a matrix")


def _number(text: str) -> tuple:
    if len(text) > MAX_NUMBER_CHARS:
        raise ParseError("number too long")
    return ("num", Fraction(text), "." in text)


def _is_int(node: tuple) -> bool:
    return node[0] == "num" and not node[2] and node[1].denominator == 1


def _flat(node: tuple) -> str:
    if node[0] == "num":
        return str(node[1])
    if node[0] == "sym":
        return node[1]
    return repr(node)


def parse(text: str, strict: bool = False) -> tuple:
    """The expression tree of an answer; raises ParseError."""
    tokens = tokenize(clean(text, strict), strict)
    if not tokens:
        raise ParseError("empty answer")
    try:
        return _Parser(tokens).answer()
    except RecursionError:
        raise ParseError("nested too deeply") from None


# ---- showing a tree ----------------------------------------------------------------------------

_KINDS = {"num": "number", "rel": "relation", "tuple": "tuple", "set": "set", "list": "list", "matrix": "matrix",
          "interval": "interval", "union": "union of intervals"}
_BINARY = {"add": " + ", "mul": "*", "div": "/", "pow": "^", "pm": " ± "}


def describe(tree: tuple, limit: int = 80) -> str:
    """What a parsed answer was read as, for a verdict's reason: its kind and a plain rendering.

    >>> describe(parse("$[0,1)$"))
    'interval [0, 1)'
    >>> describe(parse(r"\\frac{1}{2}")), describe(parse("x = 3"))
    ('expression 1/2', 'equation x = 3')
    """
    shown = show(tree)
    if len(shown) > limit:
        shown = shown[: limit - 3] + "..."
    kind = "equation" if tree[0] == "rel" and tree[1] == "=" else _KINDS.get(tree[0], "expression")
    return f"{kind} {shown}"


def show(tree: tuple, depth: int = 0) -> str:
    """A plain-text rendering of a tree (bounded by ``MAX_DEPTH``)."""
    if depth > MAX_DEPTH:
        return "..."
    kind, d = tree[0], depth + 1
    if kind == "num":
        value = tree[1]
        return str(value) if value.denominator == 1 or not tree[2] else f"{float(value):g}"
    if kind == "sym":
        return str(tree[1])
    if kind == "const":
        return {"oo": "∞"}.get(tree[1], tree[1])
    if kind == "add" and tree[2][0] == "neg":
        inner = f"{show(tree[1], d)} - {show(tree[2][1], d)}"
        return f"({inner})" if depth else inner
    if kind in _BINARY:
        return f"({show(tree[1], d)}{_BINARY[kind]}{show(tree[2], d)})" if depth else f"{show(tree[1], d)}{_BINARY[kind]}{show(tree[2], d)}"
    if kind == "neg":
        return f"-{show(tree[1], d)}"
    if kind in ("fn", "log"):
        return f"{tree[1] if kind == 'fn' else 'log_' + show(tree[1], d)}({show(tree[2], d)})"
    if kind == "fact":
        return f"{show(tree[1], d)}!"
    if kind == "pct":
        return f"{show(tree[1], d)}%"
    if kind == "binom":
        return f"C({show(tree[1], d)}, {show(tree[2], d)})"
    if kind == "rel":
        return f"{show(tree[2], d)} {tree[1]} {show(tree[3], d)}"
    if kind in ("tuple", "list"):
        inner = ", ".join(show(x, d) for x in tree[1])
        return f"({inner})" if kind == "tuple" else inner
    if kind == "set":
        return "{" + ", ".join(show(x, d) for x in tree[1]) + "}"
    if kind == "matrix":
        return "[" + "; ".join(", ".join(show(x, d) for x in row) for row in tree[1]) + "]"
    if kind == "interval":
        return f"{'[' if tree[1] else '('}{show(tree[2], d)}, {show(tree[3], d)}{']' if tree[4] else ')'}"
    if kind == "union":
        return " ∪ ".join(show(x, d) for x in tree[1])
    return str(tree)
