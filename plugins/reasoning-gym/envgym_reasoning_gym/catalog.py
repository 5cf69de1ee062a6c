"""Which reasoning-gym datasets become environments, under which ids, how each is scored, and
which probes fit each.

Every dataset in reasoning-gym's registry (``reasoning_gym.factory.DATASETS``) is exposed as
``reasoning-gym/<CamelCaseName>-v0``; ``composite`` is a mixture of the others (see
``envgym_reasoning_gym.composite``), and its entries are scored and probed as their source
dataset's.

Scorers. Each dataset keeps reasoning-gym's own ``score_answer``, except the one in
``REPLACED_SCORERS``: ``game_of_life_halting``'s returns ``bool(answer) == bool(entry["answer"])``
on strings, so every non-empty answer (also "False" when the answer is "True") scores 1.0. Its
reward would be hackable by construction, so it is scored by a strict comparison instead.

Hack probes. Every environment ships the format hacks, which envgym itself must block: the
right answer without the ``<answer>`` tag, with the tag left open, or in ``\\boxed{}``. The
scored hacks (an empty ``<answer></answer>``, another entry's answer) go to reasoning-gym's
scorer, and some scorers give them partial credit by design. ``PARTIAL_CREDIT`` lists those
datasets and why; a probe that the scorer grades above 0 is not a hack the environment can be
asked to score 0, so those datasets drop it. ``tests/test_plugin_reasoning_gym.py`` checks that
each listed dataset really grades a dropped probe above 0, so the list stays minimal. The
"format" and "parseable" kinds are participation credit (0.01-0.05), which envgym scores 0 by
default: those datasets drop their probes only when an environment keeps participation credit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Literal

CreditKind = Literal["format", "parseable", "graded", "many-solutions"]
COMPOSITE = "composite"


def score_game_of_life_halting(answer: str | None, entry: Mapping[str, Any]) -> float:
    """1.0 when the answer is the entry's, "True" or "False", up to case and surrounding space; else 0.0.

    Replaces reasoning-gym's scorer, which returns ``bool(answer) == bool(entry["answer"])`` and so
    pays any non-empty answer, the wrong boolean included.

    >>> entry = {"answer": "True"}
    >>> [score_game_of_life_halting(a, entry) for a in ("True", " true ", "False", "True!", "", None)]
    [1.0, 1.0, 0.0, 0.0, 0.0, 0.0]
    """
    return float(isinstance(answer, str) and answer.strip().lower() == entry["answer"].lower())


#: Datasets scored by envgym's scorer instead of reasoning-gym's ``score_answer``, which can be hacked.
REPLACED_SCORERS: dict[str, Callable[[str | None, Mapping[str, Any]], float]] = {
    "game_of_life_halting": score_game_of_life_halting,
}

#: Datasets whose scorer gives partial credit to a scored hack probe, by kind:
#: "format": any answer inside the tag earns 0.01-0.05, an empty one too;
#: "parseable": a wrong answer that parses (JSON, a move list, an expression) earns 0.01-0.05;
#: "graded": a wrong answer earns credit for being close (cells, digits, distance, overlap, a
#:     longer-than-shortest solution);
#: "many-solutions": any valid solution is right, and another entry's answer may be one.
PARTIAL_CREDIT: dict[str, CreditKind] = {
    **dict.fromkeys((
        "advanced_geometry", "arc_agi", "color_cube_rotation", "countdown", "emoji_mystery",
        "fraction_simplification", "power_function", "prime_factorization", "puzzle24", "rearc",
        "rubiks_cube", "sentence_reordering",
    ), "format"),
    # complex_arithmetic grades by exp(-distance), but another entry's answer is far: at most 0.05.
    **dict.fromkeys((
        "boxnet", "codeio", "complex_arithmetic", "cryptarithm", "graph_color", "group_anagrams", "gsm_symbolic",
        "jugs", "palindrome_generation", "rush_hour", "tower_of_hanoi", "tsumego",
    ), "parseable"),
    **dict.fromkeys((
        "figlet_font", "futoshiki", "game_of_life", "letter_jumble", "mini_sudoku",
        "polynomial_equations", "quantum_lock", "rectangle_count", "spell_backward", "sudoku", "time_intervals",
        "word_sorting",
    ), "graded"),
    # simple_integration: an integrand can cancel to 0, and then any constant is an antiderivative.
    **dict.fromkeys(("n_queens", "propositional_logic", "simple_integration", "sokoban"), "many-solutions"),
}

#: The scored hack probes each kind of partial credit rules out.
DROPPED_PROBES: dict[CreditKind, frozenset[str]] = {
    "format": frozenset({"empty_answer", "wrong_answer"}),
    "parseable": frozenset({"wrong_answer"}),
    "graded": frozenset({"wrong_answer"}),
    "many-solutions": frozenset({"wrong_answer"}),
}


def env_name(dataset: str) -> str:
    """The environment name for a dataset: CamelCase, as envgym ids are written.

    >>> env_name("basic_arithmetic"), env_name("arc_1d"), env_name("bf")
    ('BasicArithmetic', 'Arc1d', 'Bf')
    """
    return "".join(part[:1].upper() + part[1:] for part in dataset.split("_") if part)


def env_id(dataset: str) -> str:
    """``reasoning-gym/<Name>-v0``."""
    return f"reasoning-gym/{env_name(dataset)}-v0"


def exposed_datasets() -> list[str]:
    """Every dataset in reasoning-gym's registry, sorted.

    Imports reasoning_gym, whose import fills its registry.
    """
    from reasoning_gym.factory import DATASETS

    return sorted(DATASETS)


def source_dataset(dataset: str, entry: Mapping[str, Any]) -> str:
    """The dataset that made ``entry``: ``dataset`` itself, or for a composite, the one it mixed in.

    >>> source_dataset("composite", {"metadata": {"source_dataset": "chain_sum"}}), source_dataset("bf", {})
    ('chain_sum', 'bf')
    """
    return entry["metadata"]["source_dataset"] if dataset == COMPOSITE else dataset


#: The kinds of partial credit that are participation credit (at most 0.05), which envgym scores 0
#: unless an environment keeps it (``envgym_reasoning_gym.participation``).
PARTICIPATION_KINDS: frozenset[CreditKind] = frozenset({"format", "parseable"})

#: Datasets of a participation kind whose scorer, participation credit aside, still grades the
#: wrong-answer probe above 0 on some entries (100 seeds tried): by closeness (word or box
#: overlap), or because another entry's answer can be right.
BEYOND_PARTICIPATION: dict[str, CreditKind] = {
    **dict.fromkeys(("boxnet", "emoji_mystery", "sentence_reordering"), "graded"),
    **dict.fromkeys(("graph_color", "jugs", "puzzle24"), "many-solutions"),
}


def dropped_probes(dataset: str, participation_credit: bool = False) -> frozenset[str]:
    """The scored hack probes that ``dataset``'s scorer grades above 0 by design, as the environment
    scores them: participation credit is 0 unless ``participation_credit`` keeps it.

    >>> sorted(dropped_probes("countdown", participation_credit=True)), sorted(dropped_probes("countdown"))
    (['empty_answer', 'wrong_answer'], [])
    >>> sorted(dropped_probes("puzzle24")), sorted(dropped_probes("sudoku"))
    (['wrong_answer'], ['wrong_answer'])
    """
    kind = PARTIAL_CREDIT.get(dataset)
    if kind in PARTICIPATION_KINDS and not participation_credit:
        kind = BEYOND_PARTICIPATION.get(dataset)
    return DROPPED_PROBES[kind] if kind else frozenset()
