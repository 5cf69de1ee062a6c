r"""envgym's ``math`` verifier against Hugging Face's math-verify, on the same cases, side by side.

Two tables, each case ``(category, completion, gold, verdict a careful grader gives)``:

- ``project``: ``tests/math_cases.py``, 271 cases, mostly boxed answers against plain golds;
- ``public``: ``tests/math_suite``, 869 cases written apart from the verifier: golds as MATH,
  GSM8K, NuminaMath / OlympiadBench, AIME and AMC store them (a third inside math delimiters),
  completions as chat models write them (over half unboxed), and traps for loose extraction.

Judges:

- envgym, ``final-answer`` mode (the default): ``envgym.make_verifier("math").verify(completion, gold)``,
  the guarded verifier as an RL loop calls it (fast path inline, sympy in a bounded worker);
- envgym, ``boxed`` mode, scored against the ``boxed`` expectation (a right answer left unboxed
  scores 0: ``math_suite.boxed_expectation``);
- math-verify, as its README shows: ``verify(parse(gold), parse(completion))`` with the default
  ``LatexExtractionConfig()`` and ``ExprExtractionConfig()`` for the gold. Its LaTeX extraction
  only looks inside math delimiters, so a gold without any is wrapped in ``$...$`` first. It times
  out with ``signal.alarm``, so everything runs in the main thread.

A false positive is a case the grader marks wrong and the judge accepts: the reward-hacking risk.

Timing: one untimed pass warms both up (imports, envgym's worker) and gives the verdicts. Each of
``--repeats`` timed passes over both tables first clears the functools memo caches of both
libraries, so the time is that of answers seen for the first time; the libraries alternate which
goes first. Medians over the passes are reported.

    python bench/math_verify.py [--repeats 5] [--quick] [--show-disagreements]

Prints ``name: value`` lines, ratio first. Targets: throughput ratio at least 5; on each table,
envgym (final-answer) right at least as often as math-verify, with no more false positives.
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


def envgym_judge(mode: str = "final-answer") -> Judge:
    import envgym

    verifier = envgym.make_verifier("math", mode=mode)
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
    return text if any(mark in text for mark in ("$", "\\boxed", "\\(", "\\[")) else f"${text}$"


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


def score(verdicts: Sequence[bool], expected: Sequence[bool]) -> tuple[int, int]:
    """(right, false positives)."""
    return (sum(g == w for g, w in zip(verdicts, expected)), sum(g and not w for g, w in zip(verdicts, expected)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="one repeat over every fourth case (a smoke run)")
    parser.add_argument("--show-disagreements", action="store_true", help="list the cases either library gets wrong")
    args = parser.parse_args()

    import warnings

    from math_cases import CASES
    from math_suite import CASES as PUBLIC
    from math_suite import boxed_expectation

    warnings.simplefilter("ignore")  # envgym warns once per unreadable gold; the tables hold a few on purpose
    step = 4 if args.quick else 1
    tables = {"project": CASES[::step], "public": PUBLIC[::step]}
    repeats = 1 if args.quick else args.repeats
    judges = {
        "envgym": (envgym_judge(), ("envgym",)),
        "math_verify": (math_verify_judge(), ("math_verify", "latex2sympy2_extended")),
    }
    boxed = envgym_judge("boxed")

    verdicts = {(name, table): run(judge, cases) for name, (judge, _) in judges.items() for table, cases in tables.items()}
    boxed_verdicts = {table: run(boxed, cases) for table, cases in tables.items()}
    everything = [case for cases in tables.values() for case in cases]
    times: dict[str, list[int]] = {name: [] for name in judges}
    order = list(judges)
    for _ in range(repeats):
        for name in order:
            judge, caches = judges[name]
            times[name].append(timed_pass(judge, everything, caches))
        order.reverse()

    median = {name: statistics.median(t) for name, t in times.items()}
    print(f"throughput_ratio_envgym_over_math_verify: {median['math_verify'] / median['envgym']:.2f}")
    for table, cases in tables.items():
        expected = [case[3] for case in cases]
        prefix = "" if table == "project" else "public_"
        for name in judges:
            right, false = score(verdicts[name, table], expected)
            print(f"{prefix}correct_{name}: {right}")
            print(f"{prefix}false_positives_{name}: {false}")
        right, false = score(boxed_verdicts[table], [boxed_expectation(c[1], c[3]) for c in cases])
        print(f"{prefix}correct_envgym_boxed_mode: {right}")
        print(f"{prefix}false_positives_envgym_boxed_mode: {false}")
        print(f"{prefix}cases: {len(cases)}")
    print(f"envgym_us_per_case: {median['envgym'] / len(everything) / 1000:.1f}")
    print(f"math_verify_us_per_case: {median['math_verify'] / len(everything) / 1000:.1f}")
    print(f"repeats: {repeats}")
    if args.show_disagreements:
        for table, cases in tables.items():
            eg, mv = verdicts["envgym", table], verdicts["math_verify", table]
            for i, (case, e, m) in enumerate(zip(cases, eg, mv)):
                if e != case[3] or m != case[3]:
                    category, completion, reference, want = case
                    print(f"wrong[{table}-{category}-{i * step}]: expected={want} envgym={e} math_verify={m} "
                          f"completion={completion!r} reference={reference!r}")


if __name__ == "__main__":
    main()
