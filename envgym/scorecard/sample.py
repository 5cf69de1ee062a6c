"""The scorecard's sample of whole episodes: the gold, random and hack policies on fixed seeds.

The same episodes serve several measurements: the gold policy's solve share, the reward spread,
steps per second, the determinism replay (the same seeds on a fresh instance must give the same
transcripts and rewards) and verifier agreement (``agreement``).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from envgym.check import _hack_policy
from envgym.env import TextEnv
from envgym.errors import ProbesUnavailable
from envgym.play import EpisodeResult, ScriptedPolicy, gold_policy, play_episode, random_policy
from envgym.stats import Interval, wilson
from envgym.verify.base import Guarded

Second = tuple[str, Guarded] | None
"""The second verifier the environment names, and the verifier itself (None: it names none)."""


@dataclass
class Sample:
    gold: list[EpisodeResult] = field(default_factory=list)
    random: list[EpisodeResult] = field(default_factory=list)
    hacks: list[EpisodeResult] = field(default_factory=list)
    second: dict[tuple[str, int], bool] = field(default_factory=dict)
    """(policy, index) -> the second verifier's ``correct`` on that episode's last answer."""
    gold_missing: str = ""
    """Why there are no gold episodes (the environment raised ``ProbesUnavailable``)."""
    steps: int = 0
    seconds: float = 0.0
    """Time spent in the gold and random episodes (resets, steps, the policies themselves)."""


def play_sample(env: TextEnv, gold_seeds: Iterable[int], random_seeds: Iterable[int],
                hack_seeds: Iterable[int]) -> Sample:
    sample = Sample()
    second = _second_verifier(env)
    try:
        sample.gold = _play(env, gold_policy, gold_seeds, sample, second, "gold")
    except ProbesUnavailable as exc:
        sample.gold, sample.gold_missing = [], str(exc)
    sample.random = _play(env, random_policy, random_seeds, sample, second, "random")
    for seed in hack_seeds:
        try:
            env.reset(seed=seed)
            names = list(env.hack_actions())
        except ProbesUnavailable:
            break
        for name in names:
            sample.hacks.append(play_episode(env, _hack_policy(name), seed))
            _judge_again(env, second, sample, ("hack", len(sample.hacks) - 1))
    return sample


def _play(env: TextEnv, policy: ScriptedPolicy, seeds: Iterable[int], sample: Sample, second: Second,
          kind: str) -> list[EpisodeResult]:
    out = []
    for seed in seeds:
        start = time.perf_counter()
        out.append(play_episode(env, policy, seed))
        sample.seconds += time.perf_counter() - start
        sample.steps += len(out[-1].rewards)
        _judge_again(env, second, sample, (kind, len(out) - 1))
    return out


def _second_verifier(env: TextEnv) -> Second:
    name = getattr(env.unwrapped, "second_verifier", None)
    if not name:
        return None
    import envgym

    return name, envgym.make_verifier(name)


def _judge_again(env: TextEnv, second: Second, sample: Sample, key: tuple[str, int]) -> None:
    """The second verifier's opinion of the episode that just ended, while ``env`` still holds its task."""
    if second is None:
        return
    answer = next((m.content for m in reversed(env.messages) if m.role == "assistant"), None)
    if answer is not None:
        sample.second[key] = second[1].verify(answer, env.unwrapped.task.reference).correct


def replay_differences(first: Sample, again: Sample) -> list[tuple[str, str]]:
    """Where the replay on a fresh instance differs from the first play of the same seeds, as
    (label, detail): ``nondeterministic reset`` (the opening differs), ``nondeterministic episode``
    (a later reply differs, e.g. a tool's output under load) or ``nondeterministic reward``."""
    out = []
    for kind, a_list, b_list in (("gold", first.gold, again.gold), ("random", first.random, again.random)):
        for a, b in zip(a_list, b_list):
            if a.task_id != b.task_id or _opening(a) != _opening(b):
                out.append(("nondeterministic reset", f"reset(seed={a.seed}) gave different tasks on two instances"))
            elif a.transcript != b.transcript:
                first, again_ = next((x, y) for x, y in zip(a.transcript.splitlines() + [""], b.transcript.splitlines() + [""])
                                     if x != y)
                out.append(("nondeterministic episode", f"the {kind} episode on seed {a.seed} went differently on two "
                                                        f"instances: {first[:80]!r}, then {again_[:80]!r}"))
            elif a.rewards != b.rewards:
                out.append(("nondeterministic reward", f"the {kind} episode on seed {a.seed} earned {list(a.rewards)}, "
                                                      f"then {list(b.rewards)}"))
    return out


def _opening(result: EpisodeResult) -> str:
    return result.transcript.split("\n\n[assistant]\n", 1)[0]


def agreement(env: TextEnv, sample: Sample) -> tuple[str, Interval] | None:
    """How often the environment's verdict agrees with an independent opinion, with Wilson's interval.

    With a second verifier the environment declares (``TextEnv.second_verifier``): on every sampled
    episode's last answer, does it call the answer correct exactly when the environment did? Without
    one: the labels the probes carry: gold episodes must end correct, hack episodes must never be.
    """
    if sample.second:
        episodes = {"gold": sample.gold, "random": sample.random, "hack": sample.hacks}
        agree = [sample.second[(kind, i)] == any(v.correct for v in episodes[kind][i].verdicts)
                 for kind, i in sample.second]
        return f"second verifier {env.unwrapped.second_verifier!r}", wilson(sum(agree), len(agree))
    agree = [r.final.correct for r in sample.gold] + [not any(v.correct for v in r.verdicts) for r in sample.hacks]
    if not agree:
        return None
    return "probe labels (gold correct, hacks not)", wilson(sum(agree), len(agree))
