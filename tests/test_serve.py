"""`envgym serve`: real servers (child processes on 127.0.0.1) driven by OpenEnv's own clients."""

from __future__ import annotations

import asyncio
import json
import socket
import urllib.error
import urllib.request

import pytest
from openenv.core import GenericEnvClient
from openenv.core.env_client import EnvClient

import envgym
from conftest import envgym_cli
from envgym.serve import EnvgymAction, EnvgymClient
from envgym.serve.process import ServerProcess

GUESS, ARITH, CODE = "envgym/GuessNumber-v0", "envgym/Arithmetic-v0", "envgym/PythonFunction-v0"


@pytest.fixture(scope="module")
def server():
    with ServerProcess([GUESS, ARITH, CODE], ["--kw", f"{ARITH}:difficulty=3", "--max-sessions", "3"]) as running:
        yield running
        assert "Traceback" not in running.stderr_tail(), running.stderr_tail()


def get(url: str) -> object:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


def open_sessions(server: ServerProcess) -> dict[str, int]:
    return {e["id"]: e["active_sessions"] for e in get(f"{server.url}/envs")}


def test_envgym_client_is_openenvs_envclient_and_replays_the_in_process_episode(server):
    """Every step over the wire says what the same environment says in-process: messages, reward, done, verdict."""
    assert issubclass(EnvgymClient, EnvClient)
    local = envgym.make(GUESS)

    async def play():
        async with EnvgymClient(base_url=server.url_for(GUESS)) as remote:
            result = await remote.reset(seed=11)
            obs, info = local.reset(seed=11)
            assert result.observation.messages == obs and result.done is False and result.reward is None
            assert result.observation.info["task_id"] == info["task_id"]
            turns = 0
            while not result.done:
                action = local.gold_action()
                _, reward, terminated, _, step_info = local.step(action)
                result = await remote.step(EnvgymAction(message=action) if turns % 2 else action)
                turns += 1
                assert (result.reward, result.done) == (reward, terminated)
                assert result.observation.messages == step_info["replies"]
                assert result.observation.verdict["reason"] == step_info["verdict"].reason
                assert result.observation.verdict["correct"] == step_info["verdict"].correct
            state = await remote.state()
            assert (state.env_id, state.turn, state.done, state.step_count) == (GUESS, turns, True, turns)
            return turns

    assert asyncio.run(play()) >= 2  # a multi-turn episode
    assert open_sessions(server)[GUESS] == 0


def test_openenv_generic_client_drives_it_unchanged_with_plain_dicts(server):
    with GenericEnvClient(base_url=server.url_for(GUESS)).sync() as env:
        first = env.reset(seed=3)
        assert first.observation["messages"][-1]["role"] == "user" and "guess" in first.observation["messages"][-1]["content"]
        assert open_sessions(server)[GUESS] == 1
        result = env.step({"message": "no number here"})
        assert result.reward == 0 and not result.done
        assert result.observation["verdict"]["correct"] is False and result.observation["verdict"]["reason"]
        assert result.observation["info"]["turn"] == 1
    assert open_sessions(server)[GUESS] == 0


def test_options_come_from_the_server_and_each_reset_may_override_them(server):
    def prompt(**kwargs):
        return envgym.make(ARITH, **kwargs).reset(seed=5)[0]

    with EnvgymClient(base_url=server.url_for(ARITH)).sync() as env:
        assert env.reset(seed=5).observation.messages == prompt(difficulty=3)  # --kw ARITH:difficulty=3
        assert env.reset(seed=5, difficulty=1).observation.messages == prompt(difficulty=1)
        assert env.state().options == {"difficulty": 1}
        assert env.reset(seed=5).observation.messages == prompt(difficulty=3)  # back to the server's
        with pytest.raises(RuntimeError, match=r"unknown option 'dificulty' \(did you mean 'difficulty'\?\)"):
            env.reset(seed=5, dificulty=2)
        with pytest.raises(RuntimeError, match=r"envgym/Arithmetic-v0 refused difficulty=99"):
            env.reset(seed=5, difficulty=99)
        assert env.reset(seed=5).observation.messages == prompt(difficulty=3)  # the session survives refusals


def test_sessions_are_isolated_and_counted(server):
    async def two():
        async with EnvgymClient(base_url=server.url_for(GUESS)) as a, EnvgymClient(base_url=server.url_for(GUESS)) as b:
            ra, rb = await asyncio.gather(a.reset(seed=1), b.reset(seed=2))
            assert ra.observation.info["task_id"] != rb.observation.info["task_id"]
            assert open_sessions(server)[GUESS] == 2
            done = await a.step("\\boxed{1}")
            assert (await b.state()).turn == 0 and (await a.state()).turn == 1 and done.observation.info["turn"] == 1

    asyncio.run(two())
    assert open_sessions(server)[GUESS] == 0


def test_errors_are_one_line_and_the_session_goes_on(server):
    with EnvgymClient(base_url=server.url_for(GUESS)).sync() as env:
        with pytest.raises(RuntimeError, match=r"step before reset; send a reset first"):
            env.step("\\boxed{50}")
        env.reset(seed=0)
        for _ in range(8):
            result = env.step("\\boxed{1}")
        assert result.done
        with pytest.raises(RuntimeError, match="the episode is over; call env.reset"):
            env.step("\\boxed{2}")


def test_a_client_beyond_max_sessions_is_refused_and_the_others_keep_playing(server):
    async def crowd():
        clients = [EnvgymClient(base_url=server.url_for(GUESS)) for _ in range(4)]
        try:
            results = await asyncio.gather(*(c.reset(seed=i) for i, c in enumerate(clients)), return_exceptions=True)
            refused = [r for r in results if isinstance(r, Exception)]
            # OpenEnv's server answers CAPACITY_REACHED and closes at once: EnvClient sends its reset first,
            # so it may see the closed connection (websockets' ConnectionClosedOK) before the answer
            assert len(refused) == 1 and ("CAPACITY_REACHED" in str(refused[0])
                                          or type(refused[0]).__name__ == "ConnectionClosedOK"), refused
            assert open_sessions(server)[GUESS] == 3
            for c, r in zip(clients, results):
                if not isinstance(r, Exception):
                    assert not (await c.step("\\boxed{50}")).done
        finally:
            await asyncio.gather(*(c.close() for c in clients), return_exceptions=True)

    asyncio.run(crowd())
    assert open_sessions(server)[GUESS] == 0


def test_a_sandboxed_environment_is_served_and_its_sandbox_closed_with_the_session(server):
    local = envgym.make(CODE)
    local.reset(seed=4)
    gold, hacks = local.gold_action(), dict(local.hack_actions())
    local.close()
    with EnvgymClient(base_url=server.url_for(CODE)).sync() as env:
        env.reset(seed=4)
        assert env.step(gold).observation.verdict["correct"] is True
        name, hack = next(iter(hacks.items()))
        env.reset(seed=4)
        assert env.step(hack).reward == 0, name
    assert open_sessions(server)[CODE] == 0  # closed: its sandbox too (conftest checks no sandbox process is left)


def test_paths_schema_and_the_stateless_http_endpoints(server):
    assert [e["id"] for e in get(f"{server.url}/envs")] == [GUESS, ARITH, CODE]
    schema = get(f"{server.url_for(GUESS)}/schema")
    assert schema["action"]["required"] == ["message"] and "verdict" in schema["observation"]["properties"]
    assert get(f"{server.url_for(ARITH)}/metadata")["name"] == ARITH
    request = urllib.request.Request(f"{server.url_for(ARITH)}/reset", data=b'{"seed": 5}',
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert json.load(response)["observation"]["messages"] == envgym.make(ARITH, difficulty=3).reset(seed=5)[0]
    request = urllib.request.Request(f"{server.url_for(ARITH)}/step", data=b'{"action": {"message": "4"}}',
                                     headers={"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 409 and "the stateless HTTP /step has none" in json.load(refused.value)["detail"]
    with pytest.raises(urllib.error.HTTPError):  # several ids: nothing at the root but /envs
        urllib.request.urlopen(f"{server.url}/schema", timeout=10)


def test_one_id_is_served_at_the_root_too():
    with ServerProcess([GUESS]) as one:
        with GenericEnvClient(base_url=one.url).sync() as env:
            assert env.reset(seed=0).observation["info"]["env_id"] == GUESS
        assert get(f"{one.url}/sessions") == {"active_sessions": 0, "max_sessions": 1024}


@pytest.mark.parametrize("args, message", [
    (["envgym/GuesNumber-v0"], "did you mean 'envgym/GuessNumber-v0'"),
    ([GUESS, "--port", "70000"], "Invalid value for '--port'"),
    ([GUESS, "--kw", "lo=3"], "unknown option 'lo' (did you mean 'low'?)"),
    ([GUESS, "--kw", "envgym/Guess-v0:low=3"], "'envgym/Guess-v0' is not served here"),
    ([GUESS, GUESS], "each id once"),
    ([GUESS, "--host", "192.0.2.1"], "--host 192.0.2.1: not an address of this machine"),
])
def test_bad_input_is_refused_in_one_line_before_serving(args, message):
    refused = envgym_cli("serve", *args)
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert message in refused.stderr and len(refused.stderr.strip().splitlines()) == 1, refused.stderr
    assert "serving" not in refused.stdout


def test_a_port_in_use_is_refused_in_one_line():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        refused = envgym_cli("serve", GUESS, "--port", str(port))
    assert refused.returncode == 2 and f"--port {port}: cannot listen on 127.0.0.1:{port} (already in use)" in refused.stderr
