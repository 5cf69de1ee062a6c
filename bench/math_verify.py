r"""envgym's ``math`` verifier against Hugging Face's math-verify, on the same equivalence table.

Both libraries judge every case of ``tests/math_cases.py`` (completion, reference, and the verdict
a careful grader gives) in one process, side by side:

- envgym: ``envgym.make_verifier("math").verify(completion, reference)``, the guarded verifier
  as an RL loop calls it (its fast path inline, sympy in a bounded worker process);
- math-verify, as its README shows: ``verify(parse(gold), parse(completion))``, both parsed with
  the default ``LatexExtractionConfig()`` and ``ExprExtractionConfig()``. Its LaTeX extraction
  only looks inside math delimiters, so a bare reference is wrapped in ``$...$`` first. It times
  out with ``signal.alarm``, so everything runs in the main thread.

Method: one untimed pass warms both up (imports, envgym's worker) and gives the verdicts that are
counted against the table. Then each of ``--repeats`` timed passes first clears the functools
memo caches of both libraries (envgym keeps parsed answers; math-verify keeps its last parses
and regexes), so the time is that of answers seen for the first time rather than cache hits;
the two libraries alternate which goes first. Medians over the passes are reported.

    python bench/math_verify.py [--repeats 5] [--quick] [--show-disagreements]

Prints ``name: value`` lines, ratio first. Targets: ``throughput_ratio_envgym_over_math_verify``
at least 5, and ``correct_envgym`` at least ``correct_math_verify``.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
# This script is named after the package it measures: keep its own folder off the import path so
# that `import math_verify` finds the package, not this file. The case table lives with the tests.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
sys.path.insert(0, str(HERE.parent / "tests"))

Judge = Callable[[str, object], bool]


def envgym_judge() -> Judge:
    import envgym

    verifier = envgym.make_verifier("math")
    return lambda completion, reference: verifier.verify(completion, reference).correct


def math_verify_judge() -> Judge:
    from math_verify import ExprExtractionConfig, LatexExtractionConfig, parse, verify

    logging.getLogger("math_verify").setLevel(logging.CRITICAL)  # it warns on every timeout
    gold_config = [LatexExtractionConfig(), ExprExtractionConfig()]

    def judge(completion: str, reference: object) -> bool:
        gold = parse(as_latex(reference), extraction_config=gold_config)
        return verify(gold, parse(completion))

    return judge


def as_latex(reference: object) -> str:
    """A reference as math-verify's LaTeX extraction finds it: inside ``$...$``."""
    text = str(reference)
    return text if "$" in text or "\\boxed" in text else f"${text}$"


def clear_memo_caches(prefixes: tuple[str, ...]) -> None:
    """Empty every functools cache defined in the loaded modules under ``prefixes``."""
    for name, module in list(sys.modules.items()):
        if module is None or not name.startswith(prefixes):
            continue
        for value in list(vars(module).values()):
            if callable(getattr(value, "cache_clear", None)) and getattr(value, "__module__", None) == name:
                value.cache_clear()


def run(judge: Judge, cases: Sequence[tuple]) -> list[bool]:
    return [bool(judge(completion, reference)) for _, completion, reference, _ in cases]


def timed_pass(judge: Judge, cases: Sequence[tuple], caches: tuple[str, ...]) -> int:
    """Nanoseconds to judge every case once, starting from empty memo caches."""
    clear_memo_caches(caches)
    start = time.perf_counter_ns()
    run(judge, cases)
    return time.perf_counter_ns() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="one repeat over every fourth case (a smoke run)")
    parser.add_argument("--show-disagreements", action="store_true", help="list the cases either library gets wrong")
    args = parser.parse_args()

    from math_cases import CASES

    cases = CASES[::4] if args.quick else CASES
    repeats = 1 if args.quick else args.repeats
    judges = {
        "envgym": (envgym_judge(), ("envgym",)),
        "math_verify": (math_verify_judge(), ("math_verify", "latex2sympy2_extended")),
    }

    verdicts = {name: run(judge, cases) for name, (judge, _) in judges.items()}
    times: dict[str, list[int]] = {name: [] for name in judges}
    order = list(judges)
    for _ in range(repeats):
        for name in order:
            judge, caches = judges[name]
            times[name].append(timed_pass(judge, cases, caches))
        order.reverse()

    expected = [case[3] for case in cases]
    right = {name: sum(got == want for got, want in zip(v, expected)) for name, v in verdicts.items()}
    median = {name: statistics.median(t) for name, t in times.items()}
    print(f"throughput_ratio_envgym_over_math_verify: {median['math_verify'] / median['envgym']:.2f}")
    print(f"correct_envgym: {right['envgym']}")
    print(f"correct_math_verify: {right['math_verify']}")
    print(f"cases: {len(cases)}")
    print(f"envgym_us_per_case: {median['envgym'] / len(cases) / 1000:.1f}")
    print(f"math_verify_us_per_case: {median['math_verify'] / len(cases) / 1000:.1f}")
    print(f"repeats: {repeats}")
    if args.show_disagreements:
        index = {id(case): i for i, case in enumerate(CASES)}
        for case, want, eg, mv in zip(cases, expected, verdicts["envgym"], verdicts["math_verify"]):
            if eg != want or mv != want:
                category, completion, reference, _ = case
                print(f"wrong[{category}-{index[id(case)]}]: expected={want} envgym={eg} math_verify={mv} "
                      f"completion={completion!r} reference={reference!r}")


if __name__ == "__main__":
    main()
