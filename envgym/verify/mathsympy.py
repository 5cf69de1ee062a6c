"""The slow scalar judge: sympy, imported only in the worker process that may be killed."""

from __future__ import annotations

from envgym.verify.mathcompare import Options, numeric_judge


def to_sympy(node: tuple):
    import sympy

    kind = node[0]
    if kind == "num":
        return sympy.Rational(node[1].numerator, node[1].denominator)
    if kind == "sym":
        return sympy.Symbol(node[1])
    if kind == "const":
        return {"pi": sympy.pi, "e": sympy.E, "i": sympy.I, "oo": sympy.oo}[node[1]]
    if kind == "neg":
        return -to_sympy(node[1])
    if kind == "add":
        return to_sympy(node[1]) + to_sympy(node[2])
    if kind == "mul":
        return to_sympy(node[1]) * to_sympy(node[2])
    if kind == "div":
        return to_sympy(node[1]) / to_sympy(node[2])
    if kind == "pow":
        return sympy.Pow(to_sympy(node[1]), to_sympy(node[2]))
    if kind == "pct":
        return to_sympy(node[1]) / 100
    if kind == "fact":
        return sympy.factorial(to_sympy(node[1]))
    if kind == "binom":
        return sympy.binomial(to_sympy(node[1]), to_sympy(node[2]))
    if kind == "log":
        return sympy.log(to_sympy(node[2]), to_sympy(node[1]))
    if kind == "fn":
        name = {"ln": "log", "arcsin": "asin", "arccos": "acos", "arctan": "atan", "abs": "Abs"}.get(node[1], node[1])
        return getattr(sympy, name)(to_sympy(node[2]))
    raise ValueError(f"{kind} is not a scalar")


def sympy_judge(a: tuple, b: tuple, opts: Options) -> bool | None:
    """Symbolic equivalence; the numeric judge first, sympy when it cannot decide."""
    fast = numeric_judge(a, b, opts)
    if fast is not None:
        return fast
    import sympy

    try:
        sa, sb = to_sympy(a), to_sympy(b)
        difference = sympy.simplify(sa - sb)
        if difference == 0:
            return True
        equal = sa.equals(sb)
        return None if equal is None else bool(equal)
    except (TypeError, ValueError, ZeroDivisionError, AttributeError, RecursionError):
        return None
