"""plugins/verifiers against the real verifiers 0.4.0, both ways, offline (loopback only).

Forward: three verifiers environments written as their authors would (``tests/verifiers_envs.py``)
are pip-installed into a private folder, listed and checked by ``envgym``, played turn by turn,
evaluated and trained on with envgym. Their rubric stays bounded when it raises, spins or sleeps.

Reverse: envgym environments as the ``envgym-verifiers`` taskset, run by verifiers' own ``vf-eval``
against an OpenAI-compatible server started here on 127.0.0.1 that answers with envgym's gold
policy (or a wrong answer), and scored by verifiers itself.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

import envgym
import verifiers_envs
from conftest import BIN, envgym_cli, pip_install_target
from envgym.check import check_environment
from envgym.play import gold_policy, play_episode
from envgym_verifiers import register
from envgym_verifiers.catalog import installed

IDS = ["verifiers/vf_sums-v0", "verifiers/vf_guess-v0", "verifiers/vf_bare-v0", "verifiers/vf_letter-v0"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The three environments pip-installed into a folder on sys.path (a user's site-packages)."""
    root = tmp_path_factory.mktemp("verifiers-envs")
    packages = [verifiers_envs.write(root / "src", dist, source) for dist, source in verifiers_envs.SOURCES.items()]
    folder = root / "site"
    pip_install_target(folder, *packages)
    sys.path.append(str(folder))
    found = installed()
    assert set(IDS) <= set(found), found
    added = [register(found[env_id]).id for env_id in IDS if env_id not in envgym.list_envs()]  # envgym was loaded
    yield folder
    sys.path.remove(str(folder))
    for env_id in added:
        forget(env_id)


def forget(env_id: str) -> None:
    """Unregister an environment this module registered (envgym's catalog and Gymnasium's mirror)."""
    import gymnasium

    envgym.host().envs.remove(env_id)
    gymnasium.envs.registry.pop(env_id, None)


def cli(*args: str, site: Path):
    """The real ``envgym`` command, with the installed environments (and this checkout) importable."""
    return envgym_cli(*args, pythonpath=os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")]),
                      env={"COLUMNS": "200"})


# ---- forward: verifiers environments in envgym ----------------------------------------------------

def test_installed_environments_are_listed_and_pass_envgym_check(site):
    listed = cli("list", site=site)
    assert listed.returncode == 0, listed.stderr
    for env_id in IDS:
        assert env_id in listed.stdout
    checked = cli("check", IDS[0], site=site)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "gold solved 5 seeds" in checked.stdout and "3 hacks (empty, both_numbers, the_question)" in checked.stdout


@pytest.mark.parametrize("env_id", IDS[1:3])
def test_envgym_check_multi_turn_and_without_probes(site, env_id):
    report = check_environment(env_id)
    assert report.ok, "\n".join(f"{i.name}: {i.detail}" for i in report.items if not i.ok)
    skipped = {item.name: item.detail for item in report.items if item.skipped}
    if env_id.endswith("vf_bare-v0"):
        assert set(skipped) == {"gold probes", "hack probes"}
        assert "declares no envgym_gold(messages)" in skipped["gold probes"]
    else:
        assert not skipped
        assert "up to 8 turns" in next(i.detail for i in report.items if i.name == "hack probes")


def test_single_turn_step_is_scored_by_the_tasks_own_reward(site):
    env = envgym.make(IDS[0])
    obs, info = env.reset(seed=3)
    assert obs[0] == {"role": "system", "content": "You add numbers."} and obs[1]["content"].startswith("What is")
    a, b = (int(x) for x in obs[1]["content"][8:].split("?")[0].split(" + "))
    _, reward, terminated, _, step = env.step(str(a + b))
    assert (reward, terminated, step["verdict"].correct) == (1.0, True, True)
    assert step["verdict"].details["rewards"] == {"exact": 1.0}
    env.reset(seed=3)
    _, reward, terminated, _, step = env.step(str(a + b + 1))
    assert (reward, terminated, step["verdict"].correct) == (0.0, True, False)
    assert "not solved: verifiers rewards exact=0" in step["verdict"].reason


def test_multi_turn_episode_is_played_turn_by_turn(site):
    from vf_guess import secret

    def secret_at(seed: int) -> int:
        env.reset(seed=seed)
        return secret(env.tasks[env.task.reference].data.seed)

    env = envgym.make(IDS[1])
    seed = next(s for s in range(100) if 2 <= secret_at(s) <= 8)  # counting up from 1 finds it within 8 guesses
    obs, _ = env.reset(seed=seed)
    rewards, hints = [], []
    for guess in range(1, 17):
        obs, reward, terminated, _, info = env.step(str(guess))
        rewards.append(reward)
        if terminated:
            break
        hints.append(obs[-1]["content"])
    assert hints and set(hints) == {"higher"}  # counting up from 1: every hint says higher, until it is found
    assert rewards[-1] == 1.0 and rewards[:-1] == [0.0] * (len(rewards) - 1) and info["verdict"].correct
    assert [m["role"] for m in obs] == ["user"] + ["assistant", "user"] * (len(rewards) - 1) + ["assistant"]
    result = play_episode(env, gold_policy, seed=7)
    assert result.final.correct and len(result.rewards) <= 5  # binary search over 16


def test_a_diverging_environment_is_caught_not_mixed(site):
    """An environment that answers the same moves differently on replay ends the episode with a reason."""
    env = envgym.make(IDS[1])
    env.reset(seed=1)
    env.step("1")
    env._prompts[-1] = env._prompts[-1][:-1] + (("user", "a hint the environment never gave"),)
    _, reward, terminated, _, info = env.step("2")
    assert (reward, terminated) == (0.0, True) and "replay diverged" in info["verdict"].reason


def test_rubric_that_raises_is_reward_zero_with_its_reason(site):
    env = envgym.make(IDS[0], taskset_args={"mode": "raise"})
    env.reset(seed=0)
    _, reward, terminated, _, info = env.step("1")
    assert (reward, terminated) == (0.0, True)
    assert "the rubric broke" in info["verdict"].reason and "TaskError" in info["verdict"].reason


@pytest.mark.parametrize("mode", ["spin", "sleep"])
def test_rubric_that_hangs_is_cut_at_its_bound(site, mode):
    env = envgym.make(IDS[0], taskset_args={"mode": mode}, timeout_s=6.0)
    env.reset(seed=0)  # opens the task in a worker (the bound then covers a warm worker)
    start = time.monotonic()
    _, reward, terminated, _, info = env.step("1")
    elapsed = time.monotonic() - start
    assert (reward, terminated) == (0.0, True) and info["verdict"].details.get("timeout") is True
    assert 5.5 < elapsed < 12.0, elapsed


def test_a_sync_reward_fails_in_verifiers_and_the_verdict_says_so(site, tmp_path):
    """verifiers 0.4.0 awaits every @vf.reward: a plain ``def`` one fails in its own scoring."""
    (tmp_path / "vf_plain").mkdir()
    (tmp_path / "vf_plain" / "__init__.py").write_text(verifiers_envs.BARE.replace(
        "    async def agreed", "    def agreed").replace("YesTaskset", "PlainTaskset"))
    sys.path.append(str(tmp_path))
    try:
        register("vf-plain")
        env = envgym.make("verifiers/vf_plain-v0")
        env.reset(seed=0)
        _, reward, _, _, info = env.step("yes")
    finally:
        sys.path.remove(str(tmp_path))
        forget("verifiers/vf_plain-v0")
    assert reward == 0.0 and "awaitable is required" in info["verdict"].reason


def test_unloadable_tasksets_and_multi_seat_envs_are_refused_clearly(site):
    with pytest.raises(ValueError, match="verifiers/no_such_env-v0: verifiers could not load taskset 'no-such-env'"):
        envgym.make(IDS[0], taskset="no-such-env").close()
    with pytest.raises(ValueError, match="taskset_args must be a mapping"):
        envgym.make(IDS[0], taskset_args=[1])


def test_evaluate_with_envgym(site):
    from envgym.evaluate import evaluate
    from envgym.models import build_tokenizer
    from scripted import ScriptedPolicy

    def gold_sums(prompt: str, _call: int) -> str:
        a, b = (int(x) for x in prompt.split("What is ")[1].split("?")[0].split(" + "))
        return str(a + b)

    result = evaluate(ScriptedPolicy(build_tokenizer(), gold_sums), IDS[0], tasks=6, max_tokens=16)
    assert result.tasks == 6 and result.pass_at[1] == 1.0 and result.mean_reward == 1.0
    wrong = evaluate(ScriptedPolicy(build_tokenizer(), lambda prompt, call: "no idea"), IDS[0], tasks=6, max_tokens=16)
    assert wrong.pass_at[1] == 0.0


def test_a_training_step_on_a_verifiers_environment(site, tmp_path):
    """One RLVR step of the tiny model on rollouts scored by a verifiers rubric moves every trainable weight."""
    torch = pytest.importorskip("torch")
    from envgym.learn.learners import RLVRConfig
    from envgym.learn.trainer import TrainConfig, Trainer

    config = TrainConfig(env=IDS[3], learner="rlvr", output_dir=str(tmp_path / "rlvr"), steps=1, lr=1e-3,
                         max_tokens=24, eval_tasks=4, progress=False,
                         learner_config=RLVRConfig(prompts_per_step=4, group_size=4, overlong="none"))
    trainer = Trainer(config)
    before = {k: v.detach().clone() for k, v in trainer.model.named_parameters() if v.requires_grad}
    metrics = trainer.train_step()
    trainer.close()
    assert metrics["samples"] > 0, metrics
    unchanged = [k for k, v in trainer.model.named_parameters() if v.requires_grad and torch.equal(v, before[k])]
    assert unchanged == []


# ---- reverse: envgym environments in verifiers -------------------------------------------------------

class GoldServer:
    """An OpenAI-compatible ``/v1/chat/completions`` on 127.0.0.1 answering as envgym's gold policy
    (or ``wrong``): it finds the task by its opening messages and replays the conversation's
    assistant turns in a fresh environment to reach the state the gold policy answers."""

    def __init__(self, env_id: str, seeds: list[int], wrong: str | None = None) -> None:
        self.env_id, self.wrong = env_id, wrong
        self.env = envgym.make(env_id)
        self.openings = {json.dumps(self.env.reset(seed=s)[0]): s for s in seeds}
        self.requests: list[dict] = []
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["content-length"])))
                reply = server.answer(body["messages"])
                data = json.dumps({"id": "x", "object": "chat.completion", "created": 0, "model": body["model"],
                                   "choices": [{"index": 0, "finish_reason": "stop",
                                                "message": {"role": "assistant", "content": reply}}],
                                   "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.http.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.http.server_port}/v1"

    def answer(self, messages: list[dict]) -> str:
        with self.lock:
            self.requests.append(messages)
            if self.wrong is not None:
                return self.wrong
            opening = [m for m in messages if m["role"] in ("system", "user")][:2]
            opening = opening if opening[0]["role"] == "system" else opening[:1]
            self.env.reset(seed=self.openings[json.dumps([{"role": m["role"], "content": m["content"]} for m in opening])])
            for said in (m for m in messages if m["role"] == "assistant"):
                self.env.step(said["content"])
            return self.env.gold_action()

    def close(self) -> None:
        self.http.shutdown()
        self.env.close()


def vf_eval(tmp_path: Path, server: GoldServer, *args: str) -> list[dict]:
    """Run verifiers' own ``vf-eval`` on the envgym-verifiers taskset; the traces it wrote."""
    out = tmp_path / "outputs"
    tmp_path.mkdir(parents=True, exist_ok=True)
    argv = [str(BIN / "vf-eval"), "envgym-verifiers", "--env.taskset.env-id", server.env_id, *args,
            "-m", "scripted-gold", "--client.base-url", server.url, "--client.api-key-var", "ENVGYM_TEST_NO_KEY",
            "--no-rich", "--no-push", "-o", str(out), "--run.name", "run"]
    # HOME: a private one, so no Prime CLI config or login of this machine's is read
    ran = subprocess.run(argv, capture_output=True, text=True, cwd=tmp_path, timeout=300,
                         env={**os.environ, "HOME": str(tmp_path)})
    assert ran.returncode == 0, ran.stdout[-3000:] + ran.stderr[-3000:]
    return [json.loads(line) for line in (out / "run" / "traces.jsonl").read_text().splitlines()]


def traces(records: list[dict]) -> list[dict]:
    """The traces of vf-eval's records (one episode a line)."""
    return [t for r in records for t in (r["traces"] if "traces" in r else [r])]


@pytest.mark.parametrize("env_id, turns", [("envgym/Arithmetic-v0", 1), ("envgym/GuessNumber-v0", 8)])
def test_vf_eval_scores_envgym_environments_gold_one_wrong_zero(tmp_path, env_id, turns):
    """verifiers' own vf-eval plays and scores the tasks; its rewards are envgym's returns for the same replies."""
    from envgym_verifiers.export import EnvgymTaskset, EnvgymTasksetConfig

    tasks = list(EnvgymTaskset(EnvgymTasksetConfig(id="envgym-verifiers", env_id=env_id, num_tasks=3)))
    seeds = [t.data.seed for t in tasks]
    env = envgym.make(env_id)
    expected = {"gold": [play_episode(env, gold_policy, s).total_reward for s in seeds],
                "wrong": [play_episode(env, lambda _: "I do not know.", s).total_reward for s in seeds]}
    for name, wrong in (("gold", None), ("wrong", "I do not know.")):
        server = GoldServer(env_id, seeds, wrong=wrong)
        try:
            records = traces(vf_eval(tmp_path / name, server, "--env.taskset.num-tasks", "3"))
        finally:
            server.close()
        assert len(records) == 3 and all(t["ok"] for t in records), [t.get("errors") for t in records]
        by_seed = {t["task"]["data"]["seed"]: t for t in records}
        assert [by_seed[s]["rewards"]["envgym"]["score"] for s in seeds] == pytest.approx(expected[name])
        assert all(t["metrics"]["envgym_correct"] == float(name == "gold") for t in records)
        if name == "wrong":
            assert {t["metrics"]["envgym_turns"] for t in records} == {turns}  # a wrong answer plays every turn
        if turns > 1 and name == "gold":  # the environment's replies reached the model as user turns
            assert any(len([m for m in server.requests[i] if m["role"] == "user"]) > 1 for i in range(len(server.requests)))
    assert min(expected["gold"]) >= 1.0 and max(expected["wrong"]) == 0.0


def test_the_taskset_splits_on_envgyms_held_out_partition():
    """``split="eval"`` is envgym's held-out partition (what ``envgym eval`` scores); ``train`` never meets it."""
    from envgym.heldout import held_out
    from envgym_verifiers.export import EnvgymTaskset, EnvgymTasksetConfig

    def tasks(**fields):
        return list(EnvgymTaskset(EnvgymTasksetConfig(id="envgym-verifiers", env_id="envgym/Arithmetic-v0",
                                                      env_kwargs={"difficulty": 1}, **fields)))

    part = held_out("envgym/Arithmetic-v0", {"difficulty": 1}, 30)
    evaluated = tasks(split="eval", num_tasks=30)
    assert [t.data.seed for t in evaluated] == list(part.seeds) and [t.data.id for t in evaluated] == list(part.task_ids)
    trained = tasks(num_tasks=40, held_out_tasks=30)
    assert len({t.data.id for t in trained}) == 40 and not {t.data.id for t in trained} & set(part.task_ids)
    assert trained[0].data.system_prompt and isinstance(trained[0].data.prompt, str)  # the opening, split as verifiers has it
    assert [t.key for t in tasks(num_tasks=40, held_out_tasks=30)] == [t.key for t in trained]  # the same seed, the same tasks


def test_verifiers_env_server_serves_envgym_tasks(tmp_path):
    """The path prime-rl takes: verifiers' own env server (ZeroMQ, here on loopback) runs the
    envgym-verifiers taskset and its ``EnvClient`` gets scored episodes back."""
    import asyncio
    import socket

    import verifiers.v1 as vf
    from verifiers.v1.serve import EnvClient

    from envgym_verifiers.export import EnvgymTaskset, EnvgymTasksetConfig

    env_id = "envgym/GuessNumber-v0"
    tasks = list(EnvgymTaskset(EnvgymTasksetConfig(id="envgym-verifiers", env_id=env_id, num_tasks=2)))
    env = envgym.make(env_id)
    expected = [play_episode(env, gold_policy, t.data.seed).total_reward for t in tasks]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        address = f"tcp://127.0.0.1:{probe.getsockname()[1]}"
    config = {"taskset": {"id": "envgym-verifiers", "env_id": env_id, "num_tasks": 2}}
    code = ("import json, sys; from verifiers.v1.serve import serve_env; "
            "serve_env(max_workers=1, address=sys.argv[1], config_data=json.loads(sys.argv[2]))")
    server = subprocess.Popen([sys.executable, "-c", code, address, json.dumps(config)], cwd=tmp_path,
                              env={**os.environ, "HOME": str(tmp_path)})
    gold = GoldServer(env_id, [t.data.seed for t in tasks])

    async def episodes():
        client = EnvClient(address)
        try:
            await client.wait_for_server_startup(timeout=120, interval=0.5)
            model = vf.EvalClientConfig(base_url=gold.url, api_key_var="ENVGYM_TEST_NO_KEY")
            return [await client.run(model, "scripted-gold", vf.SamplingConfig(), t.data.model_dump(mode="json"))
                    for t in tasks]
        finally:
            await client.close()

    try:
        played = asyncio.run(episodes())
    finally:
        server.terminate()
        server.wait(30)
        gold.close()
    assert all(e.ok for e in played)
    assert [e.traces[0].rewards["envgym"].score for e in played] == pytest.approx(expected)
    assert all(e.traces[0].metrics["envgym_correct"] == 1.0 and e.traces[0].metrics["envgym_turns"] > 1 for e in played)
