"""RayEnvPool: environments in real Ray actors give exactly the trajectories of in-process ones."""

from __future__ import annotations

import dataclasses
import logging
import os
import time

import pytest

torch = pytest.importorskip("torch")
ray = pytest.importorskip("ray")

import envgym  # noqa: E402
from envgym.models import build_model, build_tokenizer  # noqa: E402
from envgym.policy.base import SamplingParams  # noqa: E402
from envgym.rollout.collector import RolloutConfig, collect  # noqa: E402
from envgym.rollout.pool import LocalEnvPool  # noqa: E402
from envgym.rollout.ray_pool import RayEnvPool  # noqa: E402
from envs_for_ray import HIGHER_LOWER  # noqa: E402

PLUGIN = "envs_for_ray"
CONFIG = RolloutConfig(group_size=2, sampling=SamplingParams(max_tokens=12, seed=5), max_context_tokens=400)


@pytest.fixture(scope="module", autouse=True)
def local_ray():
    ray.init(num_cpus=2, include_dashboard=False, logging_level=logging.ERROR)
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def policy():
    if HIGHER_LOWER not in envgym.list_envs():  # the driver's own copy, for the in-process run
        envgym.register(HIGHER_LOWER, "envs_for_ray:HigherLower")
    tokenizer = build_tokenizer()
    return envgym.make_policy("hf", build_model(tokenizer, seed=3), tokenizer, name="tiny")


@pytest.fixture(scope="module")
def higher_lower_pool():
    pool = RayEnvPool(HIGHER_LOWER, num_workers=2, plugins=(PLUGIN,))
    yield pool
    pool.close()


def without_timing(trajectories):
    def untimed(x):
        return dataclasses.replace(x, cost=dataclasses.replace(x.cost, seconds=0.0))
    return [dataclasses.replace(untimed(t), turns=tuple(untimed(u) for u in t.turns)) for t in trajectories]


def test_multi_turn_trajectories_match_in_process(policy, higher_lower_pool):
    remote = collect(higher_lower_pool, policy, seeds=[0, 1, 2], config=CONFIG)
    local = collect(HIGHER_LOWER, policy, seeds=[0, 1, 2], config=CONFIG)
    assert max(len(t.turns) for t in remote) == 3  # really multi-turn: feedback came from the actors
    hints = [m.content for t in remote for turn in t.turns for m in turn.env_messages]
    assert hints and all("Guess again." in h for h in hints)  # the actors' own feedback
    # tokens, log-probs, rewards, verdicts, messages, provenance: everything but the wall clock
    assert without_timing(remote) == without_timing(local)


def test_scaffolds_judge_through_the_actors_as_in_process(policy, higher_lower_pool):
    from envgym.rollout.scaffold import BestOfN, SelfRefine

    for scaffold in (BestOfN(policy, n=3), SelfRefine(policy, max_revisions=1)):
        remote = collect(higher_lower_pool, scaffold, seeds=[0, 1], config=CONFIG)
        local = collect(HIGHER_LOWER, scaffold, seeds=[0, 1], config=CONFIG)
        assert all(t.metadata.get("attempts") for t in remote)  # candidates were judged by the actors
        assert without_timing(remote) == without_timing(local)


def test_training_with_ray_environments_matches_in_process_training(tmp_path):
    import json

    from envgym.learn.learners import RLVRConfig
    from envgym.learn.trainer import TrainConfig, Trainer

    runs = {}
    for name, address in (("local", None), ("ray", "local")):
        trainer = Trainer(TrainConfig(env="envgym/Arithmetic-v0", learner="rlvr", ray_address=address, steps=2,
                                      learner_config=RLVRConfig(prompts_per_step=3, group_size=3, dynamic_sampling=False),
                                      max_tokens=12, eval_tasks=3, progress=False, output_dir=str(tmp_path / name)))
        assert type(trainer.pool).__name__ == ("RayEnvPool" if address else "LocalEnvPool")
        trainer.train()
        trainer.close()
        runs[name] = ((tmp_path / name / "trained.jsonl").read_text(), dict(trainer.model.state_dict()))
    assert runs["ray"][0] == runs["local"][0] and json.loads(runs["ray"][0].splitlines()[0])["keys"]
    assert all(torch.equal(runs["ray"][1][k], v) for k, v in runs["local"][1].items())


def test_slots_are_spread_over_worker_processes(higher_lower_pool):
    higher_lower_pool.reset([(slot, slot) for slot in range(4)])
    where = higher_lower_pool.where()
    assert set(where) >= {0, 1, 2, 3}
    assert all(loc.worker == slot % 2 for slot, loc in where.items())  # round-robin by slot number
    assert where[0].pid == where[2].pid != where[1].pid == where[3].pid
    assert os.getpid() not in {loc.pid for loc in where.values()}


def test_arithmetic_matches_in_process_and_gold_verdicts_cross_over(policy):
    pool = RayEnvPool("envgym/Arithmetic-v0", {"difficulty": 2}, num_workers=2)  # found by its entry point
    try:
        remote = collect(pool, policy, seeds=[3, 4], config=CONFIG)
        local_run = collect("envgym/Arithmetic-v0", policy, seeds=[3, 4], config=CONFIG, env_kwargs={"difficulty": 2})
        assert without_timing(remote) == without_timing(local_run)
        # Gold answers in a scrambled slot order: correct verdicts serialise and come back in order.
        requests = [(3, 10), (0, 11), (2, 12), (1, 13)]
        local = LocalEnvPool("envgym/Arithmetic-v0", {"difficulty": 2})
        assert pool.reset(requests) == local.reset(requests)
        gold = [(slot, _gold_action("envgym/Arithmetic-v0", seed, difficulty=2)) for slot, seed in requests]
        results = pool.step(gold)
        assert results == local.step(gold)
        assert all(info["verdict"].correct and reward == 1.0 for _, reward, _, _, info in results)
    finally:
        pool.close()


def test_unknown_env_id_is_the_envgym_error_not_a_ray_wall_of_text():
    pool = RayEnvPool("tests/NoSuchEnv-v0", num_workers=1)
    try:
        with pytest.raises(envgym.EnvNotFoundError, match=r"no environment registered as 'tests/NoSuchEnv-v0'") as caught:
            pool.reset([(0, 0)])
        assert not isinstance(caught.value, ray.exceptions.RayError) and "ray::" not in str(caught.value)
    finally:
        pool.close()


def test_a_plugin_missing_in_the_workers_is_named():
    pool = RayEnvPool(HIGHER_LOWER, num_workers=1, plugins=("no_such_plugin_module",))
    try:
        with pytest.raises(envgym.EnvgymError, match=r"plugin 'no_such_plugin_module' failed to load in a Ray environment worker"):
            pool.reset([(0, 0)])
    finally:
        pool.close()


def test_close_leaves_no_actor_alive():
    pool = RayEnvPool(HIGHER_LOWER, num_workers=2, plugins=(PLUGIN,))
    pool.reset([(0, 0), (1, 1)])
    pids = {loc.pid for loc in pool.where().values()}
    assert len(pids) == 2
    pool.close()
    pool.close()  # twice is fine
    deadline = time.monotonic() + 30
    while (alive := {pid for pid in pids if _running(pid)}) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not alive, f"worker processes {alive} outlived close()"
    with pytest.raises(envgym.EnvgymError, match="is closed"):
        pool.step([(0, "42")])


def _gold_action(env_id: str, seed: int, **kwargs) -> str:
    env = envgym.make(env_id, **kwargs)
    env.reset(seed=seed)
    return env.gold_action()


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
