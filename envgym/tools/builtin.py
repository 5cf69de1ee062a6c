"""Built-in tools.

``calculator`` does exact arithmetic and light algebra with sympy, safely:

- no Python is evaluated as the model wrote it. A linear-time check admits only numbers, names,
  the operators ``+ - * / ^ ** % !``, parentheses and commas; a name is a known function or
  constant, or else a plain symbol. Without ``.``, ``_``, quotes or brackets no attribute,
  dunder or builtin can be reached, and sympy's parser then evaluates the result in a namespace
  that holds only the whitelisted sympy names and no builtins;
- the work runs in a killable worker process (``envgym.verify.bounded``) with a hard bound of
  ``CALC_TIMEOUT_S``, so ``9**9**9**9`` or a runaway ``simplify`` is stopped, not waited out.

Every failure comes back as text starting with ``Error:``; the calculator never raises.
"""

from __future__ import annotations

import keyword
import re

from envgym.tools.base import tool
from envgym.verify.bounded import CallTimeout, default_runner

CALC_TIMEOUT_S = 3.0
MAX_EXPRESSION_CHARS = 1000
MAX_EXACT_DIGITS = 1000

# The names the model may use, and the sympy objects they stand for.
FUNCTIONS = {
    "sqrt": "sqrt", "cbrt": "cbrt", "root": "root", "exp": "exp", "log": "log", "ln": "log",
    "sin": "sin", "cos": "cos", "tan": "tan", "cot": "cot", "sec": "sec", "csc": "csc",
    "asin": "asin", "acos": "acos", "atan": "atan", "atan2": "atan2",
    "arcsin": "asin", "arccos": "acos", "arctan": "atan",
    "sinh": "sinh", "cosh": "cosh", "tanh": "tanh", "abs": "Abs", "Abs": "Abs",
    "floor": "floor", "ceiling": "ceiling", "ceil": "ceiling", "factorial": "factorial",
    "factorial2": "factorial2", "binomial": "binomial", "gcd": "gcd", "lcm": "lcm", "mod": "Mod", "Mod": "Mod", "min": "Min", "max": "Max",
    "re": "re", "im": "im", "isprime": "isprime", "factorint": "factorint",
    "expand": "expand", "factor": "factor", "simplify": "simplify", "diff": "diff", "integrate": "integrate",
}
CONSTANTS = {"pi": "pi", "e": "E", "E": "E", "I": "I", "oo": "oo", "inf": "oo"}
_PARSER_NAMES = ("Integer", "Float", "Rational", "Symbol", "Function")  # what sympy's parser emits

_TOKEN = re.compile(
    r"(?P<space>\s+)|(?P<num>(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?)|(?P<name>[A-Za-z][A-Za-z0-9]*)"
    r"|(?P<op>\*\*|[-+*/^%(),!])"
)


@tool(timeout_s=CALC_TIMEOUT_S + 7.0)  # the process bound, plus a cold worker's start-up
def calculator(expression: str) -> str:
    """Evaluate a math expression exactly with sympy and return the result as text.

    Rational results are exact ("1/3 + 1/6" gives "1/2"); irrational ones come with a decimal
    approximation ("sqrt(8)" gives "2*sqrt(2) ≈ 2.82842712474619"); expressions with variables
    are simplified.

    Args:
        expression: The expression, e.g. "2+3*4", "2^10", "5!", "sin(pi/6)", "log(8, 2)",
            "expand((x+1)^2)". Functions: sqrt, exp, log, sin, cos, tan, abs, floor, factorial,
            binomial, gcd, mod, expand, factor, simplify, diff, integrate and more.
    """
    problem = check_expression(expression)
    if problem:
        return f"Error: {problem}"
    try:
        return default_runner().call(evaluate_expression, (expression,), CALC_TIMEOUT_S)
    except CallTimeout:
        return f"Error: the calculation did not finish within {CALC_TIMEOUT_S:g} s (are the numbers too large?)"
    except Exception as exc:  # noqa: BLE001 - the worker reports the expression's error as text
        return f"Error: cannot evaluate the expression: {exc}"


def check_expression(expression: object) -> str | None:
    """What makes ``expression`` inadmissible, or None; linear time, run before any parsing."""
    if not isinstance(expression, str):
        return f"the expression must be a string, got {type(expression).__name__}"
    if not expression.strip():
        return "the expression is empty"
    if len(expression) > MAX_EXPRESSION_CHARS:
        return f"the expression is {len(expression)} characters long; the limit is {MAX_EXPRESSION_CHARS}"
    tokens: list[tuple[str, str]] = []
    pos = 0
    while pos < len(expression):
        match = _TOKEN.match(expression, pos)
        if match is None:
            return (f"unexpected character {expression[pos]!r} at position {pos}; use numbers, "
                    "+ - * / ^ % !, parentheses and functions such as sqrt, log or sin")
        if match.lastgroup != "space":
            tokens.append((match.lastgroup or "", match.group()))
        pos = match.end()
    for (kind, text), following in zip(tokens, [*tokens[1:], ("", "")]):
        if kind != "name":
            continue
        if following[1] == "(" and text not in FUNCTIONS:
            return f"unknown function {text!r}; the functions are: {', '.join(sorted(FUNCTIONS))}"
        if keyword.iskeyword(text) or text in _PARSER_NAMES:
            return f"{text!r} cannot be used as a name"
    return None


def evaluate_expression(expression: str) -> str:
    """Parse and evaluate a checked expression; runs in the bounded worker process."""
    import sympy
    from sympy.parsing import sympy_parser as sp

    namespace = {"__builtins__": {}}
    namespace.update({name: getattr(sympy, target) for name, target in {**FUNCTIONS, **CONSTANTS}.items()})
    namespace.update({name: getattr(sympy, name) for name in _PARSER_NAMES})
    transformations = (sp.auto_symbol, sp.auto_number, sp.rationalize, sp.factorial_notation,
                       sp.convert_xor, sp.implicit_multiplication)
    expr = sympy.sympify(sp.parse_expr(expression, local_dict={}, global_dict=namespace,
                                       transformations=transformations))
    if isinstance(expr, sympy.Expr) and not isinstance(expr, sympy.Rational):
        expr = sympy.simplify(expr)
    if expr in (sympy.zoo, sympy.nan):
        return "Error: the result is undefined (a division by zero or an indeterminate form)"
    if isinstance(expr, sympy.Rational):
        digits = int(max(abs(expr.p), expr.q).bit_length() * 0.30103) + 1
        if digits > MAX_EXACT_DIGITS:
            return f"{sympy.N(expr, 15)} (the exact value has about {digits} digits)"
        return str(expr)
    if isinstance(expr, sympy.Expr) and expr.is_number:
        approx = str(sympy.N(expr, 15))
        return str(expr) if approx == str(expr) else f"{expr} ≈ {approx}"
    return str(expr)
