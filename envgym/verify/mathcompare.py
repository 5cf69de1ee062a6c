"""Deciding whether two parsed answers are the same mathematical object.

The structure (tuples, sets, intervals, matrices, equations, several answers) is compared here,
once; the decision for two scalar expressions is delegated to a ``ScalarJudge``:

- ``numeric_judge`` (the fast path): exact rational arithmetic where it can, complex floating
  point elsewhere, and for expressions with variables agreement at several fixed points. It
  is bounded (exponents, factorials and bit sizes are capped) and answers None when it cannot
  decide, e.g. for ``10^{10^{10}}``;
- ``sympy_judge`` (the slow path, run in a killable worker): symbolic simplification of the
  difference, with the numeric judge as the fallback.
"""

from __future__ import annotations

import cmath
import math
from collections.abc import Callable
from fractions import Fraction

Judge = Callable[[tuple, tuple, "Options"], "bool | None"]

MAX_BITS = 20_000
MAX_FACTORIAL = 500
POINTS = (0.5377, 1.8339, -2.2588, 0.8622, 0.3188, -1.3077)
SYMBOLIC_TOL = 1e-9


class Options:
    """rel_tol: relative tolerance when either side is written as a decimal or is irrational.
    strict: no equation-to-value, no percent conversion, no set-of-one versus value."""

    __slots__ = ("rel_tol", "strict")

    def __init__(self, rel_tol: float, strict: bool) -> None:
        self.rel_tol = rel_tol
        self.strict = strict


class Undecided(Exception):
    """The fast path cannot evaluate this (too large, unsupported, infinite)."""


class TooLarge(Undecided):
    """The value's magnitude is beyond floating point: it cannot equal an ordinary value."""


# ---- numeric evaluation ----------------------------------------------------------------------


def evaluate(node: tuple, env: dict[str, complex]) -> Fraction | complex:
    kind = node[0]
    if kind == "num":
        return node[1]
    if kind == "sym":
        if node[1] not in env:
            raise Undecided(f"free symbol {node[1]}")
        return env[node[1]]
    if kind == "const":
        if node[1] == "oo":
            raise Undecided("infinity")
        return {"pi": complex(math.pi), "e": complex(math.e), "i": 1j}[node[1]]
    if kind == "neg":
        return -evaluate(node[1], env)
    if kind in ("add", "mul", "div"):
        a, b = evaluate(node[1], env), evaluate(node[2], env)
        if kind == "add":
            return a + b
        if kind == "mul":
            return a * b
        if b == 0:
            raise ZeroDivisionError("division by zero")
        return a / b
    if kind == "pow":
        return _power(evaluate(node[1], env), evaluate(node[2], env))
    if kind == "pct":
        return evaluate(node[1], env) / 100
    if kind == "fn":
        return _function(node[1], evaluate(node[2], env))
    if kind == "fact":
        n = evaluate(node[1], env)
        if isinstance(n, Fraction) and n.denominator == 1 and n > MAX_FACTORIAL:
            raise TooLarge("factorial too large")
        if not isinstance(n, Fraction) or n.denominator != 1 or n < 0:
            raise Undecided("factorial of a non-natural number")
        return Fraction(math.factorial(int(n)))
    if kind == "binom":
        n, k = evaluate(node[1], env), evaluate(node[2], env)
        if not (isinstance(n, Fraction) and isinstance(k, Fraction) and n.denominator == k.denominator == 1 and 0 <= n <= 10_000):
            raise Undecided("binomial out of range")
        return Fraction(math.comb(int(n), int(k))) if k >= 0 else Fraction(0)
    if kind == "log":
        base, arg = evaluate(node[1], env), evaluate(node[2], env)
        value = cmath.log(arg) / cmath.log(base)
        if isinstance(base, Fraction) and isinstance(arg, Fraction) and abs(value.imag) < 1e-12:
            k = round(value.real)
            if abs(value.real - k) < 1e-9 and abs(k) < 4096 and base**k == arg:
                return Fraction(k)
        return value
    raise Undecided(f"{kind} is not a number")


def _power(base: Fraction | complex, exponent: Fraction | complex) -> Fraction | complex:
    if isinstance(base, Fraction) and isinstance(exponent, Fraction):
        if exponent.denominator == 1:
            size = max(abs(base.numerator), base.denominator).bit_length()
            if abs(exponent) * size > MAX_BITS:
                raise TooLarge("power too large")
            if base == 0 and exponent < 0:
                raise ZeroDivisionError("0 to a negative power")
            return base ** int(exponent)
        if abs(exponent) > MAX_BITS:
            raise TooLarge("power too large")
        root = _exact_root(base, exponent)
        if root is not None:
            return root
    if isinstance(exponent, Fraction) and abs(exponent) > MAX_BITS:
        raise TooLarge("power too large")
    if base == 0:
        return complex(0) if exponent != 0 else Fraction(1)
    try:
        return cmath.exp(complex(exponent) * cmath.log(complex(base)))
    except OverflowError:
        raise TooLarge("power overflows") from None


def _exact_root(base: Fraction, exponent: Fraction) -> Fraction | None:
    """base ** (p/q) when it is rational (8^(2/3) = 4, (-8)^(1/3) = -2), else None."""
    p, q = exponent.numerator, exponent.denominator
    if q > 64:
        return None
    negative = base < 0
    if negative and q % 2 == 0:
        return None
    parts = []
    for n in (abs(base.numerator), base.denominator):
        if n.bit_length() > 2048:
            return None
        r = round(n ** (1.0 / q)) if n < 2**1000 else None
        if r is None:
            return None
        for candidate in (r - 1, r, r + 1):
            if candidate >= 0 and candidate**q == n:
                parts.append(candidate)
                break
        else:
            return None
    root = Fraction(parts[0], parts[1]) * (-1 if negative else 1)
    if abs(p) * max(parts[0], parts[1], 1).bit_length() > MAX_BITS:
        return None
    return root**p


def _function(name: str, x: Fraction | complex) -> Fraction | complex:
    if name == "sqrt":
        if isinstance(x, Fraction) and x >= 0:
            root = _exact_root(x, Fraction(1, 2))
            if root is not None:
                return root
        return cmath.sqrt(complex(x))
    if name == "abs":
        return abs(x) if isinstance(x, Fraction) else complex(abs(x))
    if name in ("floor", "ceil"):
        if isinstance(x, complex):
            if abs(x.imag) > 1e-12:
                raise Undecided("floor of a complex number")
            x = x.real
        return Fraction((math.floor if name == "floor" else math.ceil)(x))
    table = {"sin": cmath.sin, "cos": cmath.cos, "tan": cmath.tan, "ln": cmath.log, "exp": cmath.exp,
             "arcsin": cmath.asin, "arccos": cmath.acos, "arctan": cmath.atan, "sinh": cmath.sinh,
             "cosh": cmath.cosh, "tanh": cmath.tanh,
             "sec": lambda v: 1 / cmath.cos(v), "csc": lambda v: 1 / cmath.sin(v), "cot": lambda v: 1 / cmath.tan(v)}
    if name == "exp" and abs(complex(x)) > 700:
        raise TooLarge("exp overflows")
    return table[name](complex(x))


def symbols(node: tuple, out: set[str] | None = None) -> set[str]:
    out = set() if out is None else out
    if node[0] == "sym":
        out.add(node[1])
    else:
        for child in node[1:]:
            if isinstance(child, tuple):
                if child and isinstance(child[0], str):
                    symbols(child, out)
                else:
                    for item in child:
                        if isinstance(item, tuple):
                            symbols(item, out)
    return out


def has_decimal(node: tuple) -> bool:
    if node[0] == "num":
        return node[2]
    return any(isinstance(c, tuple) and c and isinstance(c[0], str) and has_decimal(c) for c in node[1:])


def sample_point(names: list[str], shift: int) -> dict[str, complex]:
    """The ``shift``-th fixed point at which expressions in ``names`` are compared."""
    return {n: complex(POINTS[(i + shift) % len(POINTS)] + 0.1 * i) for i, n in enumerate(names)}


def _close(a: Fraction | complex, b: Fraction | complex, tol: float) -> bool:
    a, b = complex(a), complex(b)
    return abs(a - b) <= tol * max(abs(a), abs(b)) + 1e-12


def magnitude(node: tuple) -> float | None:
    """log10 of |value| for products, powers and factorials of constants too large to evaluate.

    None where it cannot tell (sums that may cancel, symbols, zero).
    """
    kind = node[0]
    if kind == "pct":
        m = magnitude(node[1])
        return None if m is None else m - 2
    try:
        if kind in ("num", "const", "fn", "binom", "log"):
            value = abs(complex(evaluate(node, {})))
            return math.log10(value) if value else None
        if kind == "neg":
            return magnitude(node[1])
        if kind in ("mul", "div"):
            ma, mb = magnitude(node[1]), magnitude(node[2])
            return None if ma is None or mb is None else ma + mb if kind == "mul" else ma - mb
        if kind == "pow":
            mb = magnitude(node[1])
            exponent = complex(evaluate(node[2], {}))
            if mb is None or abs(exponent.imag) > 1e-12:
                return None
            return mb * exponent.real
        if kind == "fact":
            n = complex(evaluate(node[1], {})).real
            return math.lgamma(n + 1) / math.log(10) if n >= 0 else None
        if kind == "add":
            ma, mb = magnitude(node[1]), magnitude(node[2])
            if ma is not None and mb is not None and abs(ma - mb) > 30:
                return max(ma, mb)  # the smaller term cannot cancel the larger
    except Undecided:
        inner = node[2] if kind == "pow" else None
        if inner is not None and magnitude(node[1]) not in (None, 0.0):
            m = magnitude(inner)  # the exponent itself is huge: 10^(10^10)
            return math.inf if m is not None and m > 300 else None
    except (ZeroDivisionError, ValueError, OverflowError):
        return math.inf if kind in ("pow", "fact") else None
    return None


def _magnitudes_differ(a: tuple, b: tuple) -> bool:
    ma, mb = magnitude(a), magnitude(b)
    if ma is None or mb is None or (math.isinf(ma) and math.isinf(mb)):
        return False
    if math.isinf(ma) or math.isinf(mb):
        return True
    return abs(ma - mb) > 1e-6 * max(1.0, abs(ma), abs(mb))


def numeric_judge(a: tuple, b: tuple, opts: Options) -> bool | None:
    """Fast scalar equivalence: True, False, or None when it cannot decide."""
    if a == b:
        return True  # the same tree, however large its value
    names = sorted(symbols(a) | symbols(b))
    if not names:
        try:
            va, vb = evaluate(a, {}), evaluate(b, {})
        except (Undecided, ZeroDivisionError, ValueError, OverflowError):
            return False if _magnitudes_differ(a, b) else None
        if isinstance(va, Fraction) and isinstance(vb, Fraction) and va == vb:
            return True
        if isinstance(va, Fraction) and isinstance(vb, Fraction) and not (has_decimal(a) or has_decimal(b)):
            return False
        return _close(va, vb, opts.rel_tol)
    agreed = 0
    for shift in range(len(POINTS)):
        env = sample_point(names, shift)
        va, vb = _at_point(a, env), _at_point(b, env)
        if va is _UNDECIDED or vb is _UNDECIDED:
            return None  # (one side may be undecided while the other has a value)
        if va is None or vb is None:
            continue  # a pole or a domain error at this point: try the next
        if va is _HUGE or vb is _HUGE:
            if va is _HUGE and vb is _HUGE:
                continue
            return False  # astronomically large on one side only
        tol = max(opts.rel_tol, SYMBOLIC_TOL) if has_decimal(a) or has_decimal(b) else SYMBOLIC_TOL
        if not _close(va, vb, tol):
            return False
        agreed += 1
        if agreed == 3:
            return True
    return None


_HUGE, _UNDECIDED = object(), object()


def _at_point(node: tuple, env: dict[str, complex]):
    """The value at a point; _HUGE past floating point, _UNDECIDED, or None at a pole."""
    try:
        value = evaluate(node, env)
    except TooLarge:
        return _HUGE
    except Undecided:
        return _UNDECIDED
    except (ZeroDivisionError, ValueError):
        return None
    except OverflowError:
        return _HUGE
    if isinstance(value, complex) and (math.isinf(value.real) or math.isinf(value.imag)):
        return _HUGE
    if isinstance(value, complex) and (math.isnan(value.real) or math.isnan(value.imag)):
        return None
    return value


# ---- structure -------------------------------------------------------------------------------

_MIRROR = {"<": ">", ">": "<", "<=": ">=", ">=": "<=", "=": "=", "!=": "!="}


def equivalent(a: tuple, b: tuple, opts: Options, judge: Judge) -> bool | None:
    """Whether answer ``a`` equals reference ``b``; None when the judge could not decide."""
    a, b = _expand_pm(a), _expand_pm(b)
    a, b = _inequality_as_interval(a), _inequality_as_interval(b)
    ka, kb = a[0], b[0]
    if ka == "tuple" and kb == "interval" and len(a[1]) == 2:
        a, ka = ("interval", False, a[1][0], a[1][1], False), "interval"  # (1, 3) is also an open interval
    if kb == "tuple" and ka == "interval" and len(b[1]) == 2:
        b, kb = ("interval", False, b[1][0], b[1][1], False), "interval"
    if not opts.strict:
        if ka == "rel" and a[1] in ("=", "in") and kb != "rel":
            value = _value_side(a)
            return False if value is None else equivalent(value, b, opts, judge)
        if kb == "rel" and b[1] in ("=", "in") and ka != "rel":
            value = _value_side(b)
            return False if value is None else equivalent(a, value, opts, judge)
        if ka == "set" and len(a[1]) == 1 and kb not in ("set", "list", "tuple"):
            return equivalent(a[1][0], b, opts, judge)
        if kb == "set" and len(b[1]) == 1 and ka not in ("set", "list", "tuple"):
            return equivalent(a, b[1][0], opts, judge)
        if ka == "list" and kb in ("set", "tuple") or ka in ("set", "tuple") and kb == "list":
            return _sequence(a[1], b[1], opts, judge, ordered="tuple" in (ka, kb))
    if ka != kb:
        if ka in _STRUCTURES or kb in _STRUCTURES:
            return False
        return _scalar(a, b, opts, judge)
    if ka == "set":  # {1, 1, 2} is {1, 2}
        return _sequence(tuple(dict.fromkeys(a[1])), tuple(dict.fromkeys(b[1])), opts, judge, ordered=False)
    if ka in ("list", "union"):
        return _sequence(a[1], b[1], opts, judge, ordered=False)
    if ka == "tuple":
        return _sequence(a[1], b[1], opts, judge, ordered=True)
    if ka == "matrix":
        if len(a[1]) != len(b[1]) or len(a[1][0]) != len(b[1][0]):
            return False
        return _all(equivalent(x, y, opts, judge) for ra, rb in zip(a[1], b[1]) for x, y in zip(ra, rb))
    if ka == "interval":
        if a[1] != b[1] or a[4] != b[4]:
            return False
        return _all(equivalent(x, y, opts, judge) for x, y in ((a[2], b[2]), (a[3], b[3])))
    if ka == "rel":
        return _relation(a, b, opts, judge)
    return _scalar(a, b, opts, judge)


_STRUCTURES = frozenset(("list", "set", "tuple", "matrix", "interval", "union", "rel"))


def _scalar(a: tuple, b: tuple, opts: Options, judge: Judge) -> bool | None:
    if _is_infinite(a) or _is_infinite(b):
        return _infinity_sign(a) == _infinity_sign(b)
    if opts.strict and (a[0] == "pct") != (b[0] == "pct"):
        return False  # strict: 50% is not 0.5
    result = judge(a, b, opts)
    if result is False and not opts.strict and (a[0] == "pct" or b[0] == "pct"):
        # 50% and 50 are the same answer to "what percent ...": compare the bare numbers too.
        return judge(a[1] if a[0] == "pct" else a, b[1] if b[0] == "pct" else b, opts)
    return result


def _is_infinite(node: tuple) -> bool:
    return node == ("const", "oo") or (node[0] == "neg" and node[1] == ("const", "oo"))


def _infinity_sign(node: tuple) -> int:
    return 0 if not _is_infinite(node) else (-1 if node[0] == "neg" else 1)


def _all(results) -> bool | None:
    undecided = False
    for r in results:
        if r is False:
            return False
        undecided |= r is None
    return None if undecided else True


def _sequence(xs: tuple, ys: tuple, opts: Options, judge: Judge, ordered: bool) -> bool | None:
    if len(xs) != len(ys):
        return False
    if ordered:
        return _all(equivalent(x, y, opts, judge) for x, y in zip(xs, ys))
    remaining = list(ys)
    undecided = False
    for x in xs:
        for i, y in enumerate(remaining):
            r = equivalent(x, y, opts, judge)
            if r:
                del remaining[i]
                break
            undecided |= r is None
        else:
            return None if undecided else False
    return True


def _value_side(rel: tuple) -> tuple | None:
    """The value an equation names: x = 3 -> 3; 3 = x -> 3; f(x) = x^2 -> x^2; x \\in [1, 2] -> [1, 2];
    (a, b) = (2, 3) -> (2, 3); a + b = 11 -> 11 (a quantity computed). None when both sides have
    variables: y = 2x - 3 is a line, not a value."""
    _, op, left, right = rel
    if op == "in" or _names(left):
        return right
    if op == "=" and _names(right):
        return left
    if op == "=" and not _has_symbols(right):
        return right  # a + b = 11, -b/a = 7: the value computed
    if op == "=" and not _has_symbols(left):
        return left
    return None  # y = 2x - 3 is a line, not a value


def _names(node: tuple) -> bool:
    """A lone variable (x, a_1) or a function of variables (f(x), f(x, y)) on one side of an equation."""
    if node[0] == "sym":
        return True
    if node[0] == "tuple":  # (a, b) = (2, 3)
        return all(x[0] == "sym" for x in node[1])
    return node[0] == "mul" and node[1][0] == "sym" and (node[2][0] == "sym" or node[2][0] == "tuple"
                                                          and all(x[0] == "sym" for x in node[2][1]))


def _has_symbols(node: tuple) -> bool:
    stack = [node]
    while stack:
        n = stack.pop()
        if n and n[0] == "sym" and len(n) == 2:
            return True
        stack.extend(x for x in n if isinstance(x, tuple))
    return False


def _inequality_as_interval(node: tuple) -> tuple:
    if node[0] == "rel" and node[1] in ("<", "<=", ">", ">="):
        return _as_interval(node) or node
    return node


def _as_interval(rel: tuple) -> tuple | None:
    """x > 3 -> (3, oo); 1 <= x < 2 -> [1, 2)."""
    _, op, left, right = rel
    if left[0] == "rel":  # a chain a < x < b
        _, op1, lo, var = left
        if var[0] != "sym" or op1 not in ("<", "<=") or op not in ("<", "<="):
            return None
        return ("interval", op1 == "<=", lo, right, op == "<=")
    if left[0] != "sym":
        left, right, op = right, left, _MIRROR[op]
    if left[0] != "sym" or op not in ("<", "<=", ">", ">="):
        return None
    inf = ("const", "oo")
    if op in (">", ">="):
        return ("interval", op == ">=", right, inf, False)
    return ("interval", False, ("neg", inf), right, op == "<=")


def _relation(a: tuple, b: tuple, opts: Options, judge: Judge) -> bool | None:
    if a[1] != b[1] and a[1] != _MIRROR.get(b[1]):
        return False
    if a[1] == "=":
        # Same equation up to sides and a nonzero scale: compare l1 - r1 with l2 - r2.
        d1 = ("add", a[2], ("neg", a[3]))
        d2 = ("add", b[2], ("neg", b[3]))
        direct = _all((equivalent(a[2], b[2], opts, judge), equivalent(a[3], b[3], opts, judge)))
        if direct:
            return True
        swapped = _all((equivalent(a[2], b[3], opts, judge), equivalent(a[3], b[2], opts, judge)))
        if swapped:
            return True
        return _proportional(d1, d2, opts) or (None if None in (direct, swapped) else False)
    if a[1] == b[1]:
        return _all((equivalent(a[2], b[2], opts, judge), equivalent(a[3], b[3], opts, judge)))
    return _all((equivalent(a[2], b[3], opts, judge), equivalent(a[3], b[2], opts, judge)))


def _proportional(d1: tuple, d2: tuple, opts: Options) -> bool:
    names = sorted(symbols(d1) | symbols(d2))
    if not names:
        return False
    ratios = []
    for shift in range(3):
        env = sample_point(names, shift)
        try:
            v1, v2 = complex(evaluate(d1, env)), complex(evaluate(d2, env))
        except (Undecided, ZeroDivisionError, ValueError, OverflowError):
            return False
        if abs(v2) < 1e-12:
            return False
        ratios.append(v1 / v2)
    return abs(ratios[0]) > 1e-12 and all(_close(r, ratios[0], SYMBOLIC_TOL) for r in ratios)


def _expand_pm(node: tuple) -> tuple:
    """1 \\pm \\sqrt{2} is two answers."""
    if node[0] == "pm":
        return ("set", (("add", node[1], node[2]), ("add", node[1], ("neg", node[2]))))
    if node[0] == "rel" and node[3][0] == "pm":
        return ("set", tuple(("rel", node[1], node[2], v) for v in _expand_pm(node[3])[1]))
    if node[0] in ("list", "set") and any(x[0] == "pm" for x in node[1]):  # \pm 1, \pm 2 is four answers
        items: list = []
        for x in node[1]:
            items.extend(_expand_pm(x)[1] if x[0] == "pm" else (x,))
        return ("set", tuple(items))
    return node
