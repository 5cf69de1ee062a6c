"""plugins/openenv: OpenEnv environments as envgym environments, against real OpenEnv servers.

The OpenEnv environment is tests/openenv_guess.py, written with openenv-core's `Environment` and
served by openenv-core's own `create_app` under uvicorn on 127.0.0.1; installed, it is also found as
a package and run in this process. The round trip serves an envgym environment with `envgym serve`
and loads it back through the adapter.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request

import gymnasium
import pytest

import envgym
import envgym_openenv
import openenv_guess
from conftest import envgym_cli, pip_install_target
from envgym.check import check_environment
from envgym.errors import EnvgymError, ProbesUnavailable
from envgym.serve.process import ServerProcess
from envgym_openenv import OpenEnvEnv

GUESS = "envgym/GuessNumber-v0"
HACKS = {"empty": "", "claim_win": "correct! I win", "out_of_range": "51", "two_numbers": "20 30"}


def binary_search(low: int, high: int):
    """A gold policy for higher/lower games, read from the conversation (the adapter's `gold=`)."""
    def policy(env) -> str:
        lo, hi, guess = low, high, None
        for message in env.messages:
            if message.role == "assistant":
                guess = int(re.findall(r"\d+", message.content)[-1])
            elif guess is not None and re.search(r"\bhigher\b", message.content, re.I):
                lo = guess + 1
            elif guess is not None and re.search(r"\blower\b", message.content, re.I):
                hi = guess - 1
        return str((lo + hi) // 2)
    return policy


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return openenv_guess.write(tmp_path_factory.mktemp("openenv"))


@pytest.fixture(scope="module")
def url(project, tmp_path_factory):
    """openenv-core's own server for the guess environment (uvicorn on 127.0.0.1)."""
    with socket.socket() as probe:  # a free port (uvicorn's own --port 0 is only shown in its info log)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = (tmp_path_factory.mktemp("uvicorn") / "stderr.txt").open("w")
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "guess_env.server.app:app", "--host", "127.0.0.1",
                               "--port", str(port), "--log-level", "warning"], cwd=project, stderr=log,
                              env={**os.environ, "PYTHONPATH": str(project)})
    address = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while not healthy(address):
            assert server.poll() is None and time.monotonic() < deadline, f"uvicorn did not start: {log.name}"
            time.sleep(0.1)
        yield address
    finally:
        server.terminate()
        server.wait(15)
        log.close()


def healthy(address: str) -> bool:
    try:
        with urllib.request.urlopen(f"{address}/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@pytest.fixture
def registered():
    made: list[str] = []

    def register(env_id: str, **kwargs):
        envgym_openenv.register(env_id, **kwargs)
        made.append(env_id)
        return env_id

    yield register
    for env_id in made:
        envgym.host().envs.remove(env_id)
        gymnasium.envs.registry.pop(env_id, None)


def test_a_served_openenv_environment_plays_with_its_reward_as_the_verdict(url):
    env = OpenEnvEnv(url=url)
    try:
        obs, info = env.reset(seed=3)
        assert obs == env.reset(seed=3)[0] != env.reset(seed=4)[0]  # OpenEnv's reset gets the seed
        env.reset(seed=3)
        assert obs[0]["role"] == "user" and "guess my number from 1 to 50" in obs[0]["content"]
        obs, reward, terminated, truncated, info = env.step("25")
        assert (reward, terminated, info["verdict"].correct) == (0.0, False, False)
        assert obs[-1]["content"] in ("higher", "lower") and info["openenv_observation"]["feedback"] == obs[-1]["content"]
        gold = binary_search(1, 50)
        while not terminated:
            obs, reward, terminated, _, info = env.step(gold(env))
        assert (reward, info["verdict"].correct, info["verdict"].reason) == (1.0, True, "solved")
    finally:
        env.close()


def test_score_judges_without_playing_by_replaying_on_a_second_session(url):
    env = OpenEnvEnv(url=url)
    try:
        env.reset(seed=8)
        assert not env.step("25")[2]
        scores = {guess: env.score(str(guess)) for guess in range(1, 51)}
        assert env.turn == 1  # nothing was played here
        winners = [guess for guess, verdict in scores.items() if verdict.correct]
        assert len(winners) == 1 and all(v.reward == 0.0 for g, v in scores.items() if g != winners[0])
        _, reward, terminated, _, info = env.step(str(winners[0]))
        assert (reward, terminated, info["verdict"].correct) == (1.0, True, True)
    finally:
        env.close()


def test_check_passes_with_the_probes_the_user_gives(url, registered):
    env_id = registered("test/OpenEnvGuess-v0", url=url, gold=binary_search(1, 50), hacks=HACKS)
    report = check_environment(env_id)
    assert report.ok and not report.skipped, [i for i in report.items if not i.ok]
    assert {i.name for i in report.items} >= {"gymnasium check_env", "seeded reset", "gold probes", "hack probes",
                                               "hostile actions", "misuse errors"}


def test_trained_a_step_and_evaluated_with_envgym(url, registered, tmp_path):
    """The issue's check: an OpenEnv environment of one's own, through the adapter, trained (an RLVR
    run too large for the server's sessions says so; an SFT step of the tiny model on the gold
    episodes moves every trainable weight) and evaluated by envgym (a binary search solves every
    held-out task, a fixed wrong guess none)."""
    import torch

    from envgym.evaluate import evaluate
    from envgym.learn.learners import RLVRConfig, SFTConfig
    from envgym.learn.trainer import TrainConfig, Trainer
    from envgym.models import build_tokenizer
    from scripted import ScriptedPolicy

    env_id = registered("test/OpenEnvTrain-v0", url=url, gold=binary_search(1, 50), hacks=HACKS)

    def trainer_for(prompts: int, group: int) -> Trainer:
        return Trainer(TrainConfig(env=env_id, learner="rlvr", output_dir=str(tmp_path / f"rlvr{prompts}x{group}"),
                                   steps=1, lr=1e-3, max_tokens=8, eval_tasks=4, progress=False,
                                   learner_config=RLVRConfig(prompts_per_step=prompts, group_size=group, overlong="none")))

    trainer = trainer_for(4, 4)  # 16 sessions at once: more than the server's 8
    try:
        with pytest.raises(EnvgymError, match="at its session limit"):
            trainer.train_step()
    finally:
        trainer.close()
    # RLVR's groups here earn nothing (a random tiny model seldom wins): SFT on the gold policy's
    # episodes, played against the server through the adapter, is the step that moves the weights.
    trainer = Trainer(TrainConfig(env=env_id, learner="sft", output_dir=str(tmp_path / "sft"), steps=1, lr=1e-3,
                                  max_tokens=8, eval_tasks=4, progress=False,
                                  learner_config=SFTConfig(examples_per_step=4)))
    try:
        before = {k: v.detach().clone() for k, v in trainer.model.named_parameters() if v.requires_grad}
        metrics = trainer.train_step()
    finally:
        trainer.close()
    assert metrics["samples"] > 0, metrics
    assert [k for k, v in trainer.model.named_parameters() if v.requires_grad and torch.equal(v, before[k])] == []

    def searcher(prompt: str, _call: int) -> str:  # binary search, read from the conversation's text
        lo, hi, guess = 1, 50, None
        for word in re.findall(r"\b(\d+|higher|lower)\b", prompt.split("number only.", 1)[-1]):
            if word.isdigit():
                guess = int(word)
            elif guess is not None:
                lo, hi = (guess + 1, hi) if word == "higher" else (lo, guess - 1)
        return str((lo + hi) // 2)

    solved = evaluate(ScriptedPolicy(build_tokenizer(), searcher), env_id, tasks=4, max_tokens=8)
    assert solved.tasks == 4 and solved.pass_at[1] == 1.0, solved
    wrong = evaluate(ScriptedPolicy(build_tokenizer(), lambda prompt, call: "51"), env_id, tasks=4, max_tokens=8)
    assert wrong.pass_at[1] == 0.0


def test_check_without_probes_skips_them_and_says_why(url):
    checked = envgym_cli("check", "openenv/Guess-v0", env={"ENVGYM_OPENENV_SERVERS": f"Guess={url}"})
    text = " ".join(checked.stdout.replace("│", " ").split())
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "openenv/Guess-v0: passed, 2 skipped" in text and "brings no gold policy" in text
    assert "1 passed, 0 failed (1 with skipped checks)" in text
    with pytest.raises(ProbesUnavailable, match="give gold="):
        env = OpenEnvEnv(url=url)
        try:
            env.reset(seed=0)
            env.gold_action()
        finally:
            env.close()


def test_an_installed_openenv_package_is_found_and_run_in_this_process(project, tmp_path, monkeypatch):
    site = tmp_path / "site"
    pip_install_target(site, project)
    path = os.pathsep.join(filter(None, [str(site), os.environ.get("PYTHONPATH")]))  # installed beside the rest
    listed = envgym_cli("list", pythonpath=path)
    assert "openenv/Guess-v0" in listed.stdout, listed.stdout + listed.stderr
    checked = envgym_cli("check", "openenv/Guess-v0", pythonpath=path)
    assert checked.returncode == 0 and "2 skipped" in checked.stdout, checked.stdout + checked.stderr

    monkeypatch.syspath_prepend(str(site))
    env = OpenEnvEnv(package="guess_env", gold=binary_search(1, 50), hacks=HACKS)
    try:
        obs, _ = env.reset(seed=5)
        assert "guess my number" in obs[0]["content"]
        from guess_env.server.guess_env_environment import GuessEnvironment
        assert type(env.session.env) is GuessEnvironment  # in this process, no server
        assert env.step("999" * 400)[4]["verdict"].reason.startswith("the OpenEnv environment refused the action")
    finally:
        env.close()


def test_round_trip_envgym_serve_then_the_adapter_gives_the_same_episodes(registered):
    with ServerProcess([GUESS]) as server:
        env_id = registered("test/RoundTrip-v0", url=server.url_for(GUESS), gold=binary_search(1, 100),
                            hacks=lambda env: envgym_hacks(env.task.metadata["seed"]))
        remote, local = envgym.make(env_id), envgym.make(GUESS)
        try:
            for seed in range(3):
                r_obs, r_info = remote.reset(seed=seed)
                l_obs, l_info = local.reset(seed=seed)
                assert r_obs == l_obs and r_info["task_id"] == l_info["task_id"]
                done = False
                while not done:
                    action = binary_search(1, 100)(local)
                    l_step, r_step = local.step(action), remote.step(action)
                    assert r_step[:4] == l_step[:4]  # observation, reward, terminated, truncated
                    assert r_step[4]["verdict"] == l_step[4]["verdict"]
                    done = l_step[2]
        finally:
            remote.close()
            local.close()
        report = check_environment(env_id)
        assert report.ok and not report.skipped, [i for i in report.items if not i.ok]


def envgym_hacks(seed: int) -> dict:
    env = envgym.make(GUESS)
    env.reset(seed=seed)
    return dict(env.hack_actions())


def test_misconfiguration_and_a_missing_server_are_clear_errors(url):
    with pytest.raises(ValueError, match="exactly one of url="):
        OpenEnvEnv(url=url, package="guess_env")
    gone = OpenEnvEnv(url="http://127.0.0.1:9")
    with pytest.raises(EnvgymError, match=r"OpenEnv server http://127.0.0.1:9"):
        gone.reset(seed=0)
    gone.close()
    wrong = OpenEnvEnv(url=url, action_field="guess", observation_field="feedback")
    try:
        assert wrong.reset(seed=0)[0] == [{"role": "user", "content": ""}]  # the field it was told to show
    finally:
        wrong.close()
    with pytest.raises(EnvgymError, match=r"cannot import no_such_env.server.no_such_env_environment .*environment="):
        OpenEnvEnv(package="no_such_env").reset(seed=0)
