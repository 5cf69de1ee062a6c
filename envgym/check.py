"""``envgym check``: everything an environment must satisfy before anyone trains on it.

1. it is made from its id, through envgym and through ``gymnasium.make``;
2. Gymnasium's own ``check_env`` passes (its warnings are reported);
3. a seeded reset is reproducible, and different seeds give different tasks;
4. gold probes: the scripted gold policy solves every probed seed, its last reward 1 and its
   return at least 1 (a multi-turn episode is judged whole, not by its last step);
5. hack probes: the environment ships known reward hacks and each, played through a whole
   episode (the same action every turn, or the hack the environment names at each turn, or a
   policy), earns a return of 0;
6. hostile actions (huge, deeply nested, unclosed, binary junk) neither raise nor hang;
7. misuse errors: step before reset and a non-string action raise clear errors.

An environment without gold solutions or known hacks (an adapter of an upstream environment that
declares none) raises ``ProbesUnavailable`` from ``gold_action`` or ``hack_actions``: those probes
are then reported as skipped, with its reason, and do not fail the check.

A failed check raises ``CheckFailed`` (never ``assert``, which ``python -O`` strips) and is
reported with its message; ``check_environment`` itself never raises on a failing environment.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import gymnasium
from gymnasium.utils.env_checker import check_env as gymnasium_check_env

from envgym.env import TextEnv
from envgym.errors import CheckFailed, EnvStateError, ProbesUnavailable
from envgym.play import EpisodeResult, gold_policy, play_episode
from envgym.plugins import PluginHost, host as default_host

HOSTILE_ACTIONS: dict[str, str] = {
    "huge": "9" * 150_000,
    "nested_braces": "\\boxed{" * 20_000 + "1" + "}" * 20_000,
    "unclosed_box": "\\boxed{" * 5_000,
    "binary_junk": "".join(chr(c) for c in range(1, 4096)) * 4,
    "many_boxes": "\\boxed{1}" * 20_000,
    "power_tower": "\\boxed{10^{10^{10^{10}}}}",
}
HOSTILE_SECONDS = 2.0


@dataclass(frozen=True)
class CheckItem:
    name: str
    ok: bool
    detail: str = ""
    skipped: bool = False
    """The check did not run, for the reason in ``detail`` (an environment without probes); it counts as ok."""


@dataclass(frozen=True)
class CheckReport:
    env_id: str
    items: tuple[CheckItem, ...]
    warnings: tuple[str, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return all(item.ok for item in self.items)

    @property
    def skipped(self) -> tuple[CheckItem, ...]:
        return tuple(item for item in self.items if item.skipped)


def check_environment(env_id: str, *, seeds: Iterable[int] = range(5), host: PluginHost | None = None) -> CheckReport:
    """Run every check on ``env_id`` and report each; never raises on a failing environment."""
    host = host or default_host()
    seeds = list(seeds)
    items: list[CheckItem] = []
    caught: list[str] = []
    try:
        env = host.make(env_id)
    except Exception as exc:  # noqa: BLE001 - reported as a failed check
        return CheckReport(env_id, (CheckItem("make", False, f"{type(exc).__name__}: {exc}"),))
    items.append(CheckItem("make", True, type(env).__name__))
    if not isinstance(env, TextEnv):
        items.append(CheckItem("TextEnv", False, f"{type(env).__name__} is not an envgym.TextEnv"))
        return CheckReport(env_id, tuple(items))

    checks: list[tuple[str, Callable[[], str]]] = [
        ("gymnasium.make", lambda: _gymnasium_make(env_id, type(env))),
        ("gymnasium check_env", lambda: _gymnasium_checker(env, caught)),
        ("seeded reset", lambda: _determinism(env, seeds)),
        ("gold probes", lambda: _gold(env, seeds)),
        ("hack probes", lambda: _hacks(env, seeds)),
        ("hostile actions", lambda: _hostile(env, seeds[0])),
        ("misuse errors", lambda: _misuse(host, env_id)),
    ]
    for name, run in checks:
        try:
            items.append(CheckItem(name, True, run()))
        except ProbesUnavailable as exc:
            items.append(CheckItem(name, True, f"skipped: {exc}", skipped=True))
        except Exception as exc:  # noqa: BLE001
            items.append(CheckItem(name, False, str(exc) if isinstance(exc, CheckFailed) else f"{type(exc).__name__}: {exc}"))
    env.close()
    return CheckReport(env_id, tuple(items), tuple(caught))


def _require(condition: object, message: str) -> None:
    """A check: raises ``CheckFailed`` with ``message`` unless ``condition`` holds (``assert`` would vanish under -O)."""
    if not condition:
        raise CheckFailed(message)


def _gymnasium_make(env_id: str, env_type: type) -> str:
    _require(env_id in gymnasium.envs.registry, f"{env_id} is not in Gymnasium's registry; load plugins with envgym.load_plugins()")
    env = gymnasium.make(env_id)
    _require(isinstance(env.unwrapped, env_type), f"gymnasium.make gave {type(env.unwrapped).__name__}")
    env.close()
    return "same class through Gymnasium"


def _gymnasium_checker(env: TextEnv, caught: list[str]) -> str:
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        gymnasium_check_env(env)
    caught.extend(sorted({str(w.message) for w in record}))
    return f"passed with {len(record)} warning(s)" if record else "passed"


def _prompt(env: TextEnv, seed: int | None) -> list:
    return env.reset(seed=seed)[0]


def _determinism(env: TextEnv, seeds: list[int]) -> str:
    first = [_prompt(env, s) for s in seeds]
    again = [_prompt(env, s) for s in seeds]
    for s, a, b in zip(seeds, first, again):
        _require(a == b, f"reset(seed={s}) gave different observations on two calls")
    distinct = len({repr(o) for o in first})
    _require(len(seeds) < 2 or distinct > 1, f"all {len(seeds)} seeds gave the same task: is reset ignoring the seed?")
    return f"{distinct} distinct tasks from {len(seeds)} seeds, reproducible"


def _gold(env: TextEnv, seeds: list[int]) -> str:
    for s in seeds:
        result = play_episode(env, gold_policy, s)
        _require(result.final.correct and result.rewards[-1] == 1.0,
                 f"gold policy failed on seed {s} (task {result.task_id}): {result.final.reason}")
        _require(result.total_reward >= 1.0, f"gold policy's return on seed {s} (task {result.task_id}) is "
                                             f"{result.total_reward:g} over {len(result.rewards)} steps, below 1")
    return f"gold solved {len(seeds)} seeds (return at least 1)"


def _hacks(env: TextEnv, seeds: list[int]) -> str:
    env.reset(seed=seeds[0])
    names = list(env.hack_actions())
    _require(names, f"{type(env).__name__}.hack_actions() returned no hacks: every environment ships known reward hacks")
    turns = 0
    for s in seeds:
        env.reset(seed=s)
        for name in env.hack_actions():
            result = play_episode(env, _hack_policy(name), s)
            turns = max(turns, len(result.rewards))
            paid = [i + 1 for i, r in enumerate(result.rewards) if r != 0]
            _require(result.total_reward == 0 and not any(v.correct for v in result.verdicts),
                     f"hack {name!r} earned {result.total_reward:g} on seed {s} (task {result.task_id})"
                     + (f", paid at turn(s) {paid}" if paid else "") + f": {_reason(result)}")
    return f"{len(names)} hacks ({', '.join(names)}) earned 0 over whole episodes (up to {turns} turns) on {len(seeds)} seeds"


def _hack_policy(name: str) -> Callable[[TextEnv], str]:
    """Play hack ``name`` at every turn: the action the environment names for it then (a string,
    or a policy given the environment), or the first turn's when it names none."""
    first: list[str] = []

    def policy(env: TextEnv) -> str:
        hack = env.hack_actions().get(name)
        action = hack(env) if callable(hack) else hack
        if action is None:
            action = first[0] if first else ""
        first.append(action)
        return action

    return policy


def _reason(result: EpisodeResult) -> str:
    return next((v.reason for v in result.verdicts if v.correct), result.final.reason)


def _hostile(env: TextEnv, seed: int) -> str:
    worst = 0.0
    for name, action in HOSTILE_ACTIONS.items():
        env.reset(seed=seed)
        start = time.perf_counter()
        _, reward, *_ = env.step(action)
        elapsed = time.perf_counter() - start
        worst = max(worst, elapsed)
        _require(reward == 0, f"hostile action {name!r} scored {reward}")
        _require(elapsed < HOSTILE_SECONDS, f"hostile action {name!r} took {elapsed:.2f}s (bound {HOSTILE_SECONDS}s)")
    return f"{len(HOSTILE_ACTIONS)} hostile actions scored 0, slowest {worst * 1000:.1f} ms"


def _misuse(host: PluginHost, env_id: str) -> str:
    fresh = host.make(env_id)
    try:
        try:
            fresh.step("1")
        except EnvStateError:
            pass
        else:
            raise CheckFailed("step() before reset() did not raise EnvStateError")
        fresh.reset(seed=0)
        try:
            fresh.step(42)  # type: ignore[arg-type]
        except TypeError:
            pass
        else:
            raise CheckFailed("a non-string action did not raise TypeError")
    finally:
        fresh.close()  # it may hold a sandbox or a server session
    return "step before reset and non-string actions are refused"
