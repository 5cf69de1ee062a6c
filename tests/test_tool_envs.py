"""Tool-use environments: the python and search tools, ToolMath-v0 and Lookup-v0, through
``envgym check``, the real rollout collector and OpenAI-format messages."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

import envgym
from envgym.check import check_environment
from envgym.errors import EnvStateError
from envgym.play import gold_policy, play_episode
from envgym.tools import Tool, run_tool_calls
from envgym.sandbox.base import sandbox_processes
from envgym.tools.python import MAX_OUTPUT_CHARS, close_shared_sandbox, make_python_tool, python, shared_sandbox
from envgym.tools.search import Search, SearchUnavailable, build_index, make_search_tool, match_expression
from envgym_tool_envs.answer import AnswerMatch, extract_answer, normalize, token_f1
from envgym_tool_envs.hermes import tool_call_text
from envgym_tool_envs.world import documents, questions

from conftest import pip_install_target

TOOL_MATH, LOOKUP = "envgym/ToolMath-v0", "envgym/Lookup-v0"
ROOT = Path(__file__).resolve().parents[1]


def call(name: str, **arguments) -> str:
    return f"<tool_call>{json.dumps({'name': name, 'arguments': arguments})}</tool_call>"


@pytest.fixture(autouse=True, scope="module")
def no_warm_sandbox_left():
    """The python tool's process-wide sandbox keeps warm processes: end them with this module."""
    yield
    close_shared_sandbox()


def wait_until(condition, seconds: float = 3.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


# ---- the python tool ------------------------------------------------------------------------------


def test_python_tool_runs_code_in_the_sandbox():
    assert python("print(sum(k * k for k in range(1, 101)))") == "338350\n"
    assert python("import os; print(os.getuid())").strip() != "0"  # an unprivileged user inside
    assert python("x = 1").startswith("(the program printed nothing")
    assert python("import sys; print('out'); print('warn', file=sys.stderr)") == "out\n\n[stderr]\nwarn\n"


def test_python_tool_reports_errors_and_limits_as_text():
    crash = python("print('before')\n1 / 0")
    assert crash.startswith("Error: the program exited with code 1")
    assert "ZeroDivisionError: division by zero" in crash and "[stdout before the error]\nbefore" in crash
    assert python("import urllib.request; urllib.request.urlopen('http://example.com', timeout=2)").startswith("Error:")
    assert python("").startswith("Error: the code is empty")
    assert python(42).startswith("Error: the code must be a string")
    flood = python("print('x' * 10**6)")
    assert flood.startswith("Error: printed more than the output limit") and len(flood) < MAX_OUTPUT_CHARS + 100
    assert python("b = bytearray(2 * 1024**3)").startswith("Error: ran out of memory (limit 512 MiB)")


def test_python_tool_timeout_is_a_message_in_bounded_time():
    quick = make_python_tool(wall_s=1)
    start = time.monotonic()
    [message] = run_tool_calls(call("python", code="while True: pass"), [quick])
    assert time.monotonic() - start < 3
    assert message.content == "Error: timed out after 1 s" and message.name == "python"


def test_python_tool_shares_one_sandbox_and_closing_the_env_ends_it():
    env = envgym.make(TOOL_MATH, kinds=["power_mod"])
    assert play_episode(env, gold_policy, 0).final.correct
    box = shared_sandbox()
    assert python("print(1)") == "1\n" and shared_sandbox() is box
    assert sandbox_processes()  # warm processes wait for the next run
    env.close()
    assert wait_until(lambda: not sandbox_processes()), sandbox_processes()
    assert python("print(2)") == "2\n" and shared_sandbox() is not box  # opened again on demand


def test_python_and_search_are_registered_tools():
    for name in ("python", "calculator", "search"):
        spec = envgym.host().component("tool", name)
        from envgym.registry import resolve

        made = resolve(spec.factory)
        assert isinstance(made, Tool) and made.name == name


# ---- the search tool ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world_search() -> Search:
    return Search(documents())


@pytest.mark.parametrize(("query", "doc_id"), [
    ("Who built the bridge in Varnholm?", "varnholm-bridge"),
    ("Orlen Works founder", "orlen-works"),
    ("the lighthouse of Oskeld", "oskeld-light"),
    ("who founded the infirmary", "caddowmere-infirmary"),  # "founded" and "founder" share a stem
    ("comet discovered 1887", "vells-comet"),
    ("salt glass that does not crack when heated", "saltglass"),
])
def test_search_finds_the_right_document(world_search, query, doc_id):
    assert world_search.query(query)[0].id == doc_id


def test_search_reads_any_text_as_plain_words(world_search):
    assert match_expression('NEAR("a" b) OR * - : ^ "') == '"near" OR "b"'
    assert match_expression("?!") is None
    for hostile in ['"unclosed', "title:Lisk", "a AND OR NOT", "*", "NEAR(Lisk Oskeld, 2)", "Lisk" * 1000]:
        assert isinstance(world_search(hostile), str)  # never an FTS5 syntax error
    assert world_search("   ").startswith("Error: the query is empty")
    assert world_search("zzyzx qwertyuiop").startswith("No results")


def test_search_tool_output_k_and_schema(world_search):
    tool = make_search_tool(world_search, about="a test world", k=2)
    assert tool.parameters["required"] == ["query"] and "a test world" in tool.description
    [message] = run_tool_calls(call("search", query="Maud Elsin"), [tool])
    lines = message.content.splitlines()
    assert len(lines) == 2 and re.match(r"1\. \[[a-z-]+\] .+: .+", lines[0])
    [five] = run_tool_calls(call("search", query="Caddowmere", k=5), [tool])
    assert len(five.content.splitlines()) == 5
    [bad] = run_tool_calls(call("search", query=["Lisk"]), [tool])
    assert bad.content.startswith("Error: argument 'query' must be string")


def test_search_index_checks_documents_and_fts5(monkeypatch):
    with pytest.raises(ValueError, match="used twice"):
        build_index([{"id": "a", "title": "A", "text": "x"}, {"id": "a", "title": "B", "text": "y"}])
    with pytest.raises(ValueError, match="string 'id', 'title' and 'text'"):
        build_index([{"id": "a", "title": "A"}])
    monkeypatch.setattr("envgym.tools.search.fts5_available", lambda: False)
    with pytest.raises(SearchUnavailable, match="FTS5"):
        build_index([])
    tool = make_search_tool([{"id": "a", "title": "A", "text": "x"}])
    [message] = run_tool_calls(call("search", query="x"), [tool])
    assert message.content.startswith("Error:") and "FTS5" in message.content


# ---- the world and its questions ------------------------------------------------------------------


def test_world_collection_and_questions_are_consistent(world_search):
    docs = documents()
    ids = {d["id"] for d in docs}
    assert 60 <= len(docs) <= 120 and len(ids) == len(docs)
    qs = questions()
    assert len(qs) >= 40 and len({q.id for q in qs}) == len(qs)
    assert {q.hops for q in qs} == {1, 2} and sum(q.hops == 2 for q in qs) >= 20
    text = {d["id"]: f"{d['title']} {d['text']}" for d in docs}
    for q in qs:
        assert set(q.support) <= ids and len(q.queries) == q.hops, q.id
        assert normalize(q.answers[0]) in normalize(text[q.support[-1]]), q.id
        for doc_id, query in zip(q.support, q.queries):  # each gold search finds its hop's article
            assert doc_id in [h.id for h in world_search.query(query)], (q.id, query)


# ---- the environments -----------------------------------------------------------------------------


@pytest.mark.parametrize("env_id", [TOOL_MATH, LOOKUP])
def test_envgym_check_passes(env_id):
    report = check_environment(env_id)
    assert report.ok, [item for item in report.items if not item.ok]


def test_toolmath_gold_solves_every_kind_with_a_tool_then_the_answer():
    env = envgym.make(TOOL_MATH)
    kinds = set()
    for seed in range(40):
        result = play_episode(env, gold_policy, seed)
        kinds.add(env.task.metadata["problem"].kind)
        assert result.rewards == (0.0, 1.0) and result.final.correct, (seed, result.final.reason)
        assert [m.role for m in env.messages] == ["system", "user", "assistant", "tool", "assistant"]
    assert kinds == {"product", "series", "power_mod", "prime_count", "digit_sum", "collatz"}


def test_answers_end_the_episode_and_calling_forever_scores_zero():
    env = envgym.make(TOOL_MATH)
    env.reset(seed=0)
    _, reward, terminated, _, info = env.step(f"\\boxed{{{env.task.reference + 1}}}")
    assert (reward, terminated) == (0.0, True)  # a wrong answer is final: no second guess
    with pytest.raises(EnvStateError):
        env.step(f"\\boxed{{{env.task.reference}}}")

    env.reset(seed=0)
    rewards = []
    for _ in range(env.max_turns):
        _, reward, terminated, _, info = env.step(call("python", code="print(1)"))
        rewards.append(reward)
    assert terminated and rewards == [0.0] * env.max_turns and not info["verdict"].correct
    assert "ran out of turns" in info["verdict"].reason


def test_lookup_options_and_hints():
    env = envgym.make(LOOKUP, hops=2)
    for seed in range(10):
        env.reset(seed=seed)
        assert env.task.metadata["question"].hops == 2
        assert env.hint()[0].content == f"Hint: the correct answer is {env.task.reference[0]}."
    with pytest.raises(ValueError, match="hops"):
        envgym.make(LOOKUP, hops=3)
    with pytest.raises(ValueError, match="reward"):
        envgym.make(LOOKUP, reward="fuzzy")
    with pytest.raises(ValueError, match="kinds"):
        envgym.make(TOOL_MATH, kinds=["calculus"])


# ---- the rollout collector with malformed calls ---------------------------------------------------


def malformed_then_right(prompt: str, k: int) -> str:
    """Broken JSON and an unknown tool, then a wrongly typed argument, then a good call, then the answer."""
    results = re.findall(r"<\|im_start\|>tool\n(.*?)<\|im_end\|>", prompt, re.S)
    a, e, m = re.findall(r"remainder when (\d+)\^(\d+) is divided by (\d+)", prompt)[-1]
    if not results:
        return ('<tool_call>{"name": "python", "arguments": {"code": </tool_call>\n'
                '<tool_call>{"name": "wolfram", "arguments": {"query": "2+2"}}</tool_call>')
    if len(results) == 2:
        return '<tool_call>{"name": "python", "arguments": {"code": 123}}</tool_call>'
    if len(results) == 3:
        return tool_call_text("python", {"code": f"print(pow({a}, {e}, {m}))"})
    return f"The remainder is \\boxed{{{results[-1].strip()}}}."


def test_collector_answers_malformed_calls_with_messages_and_goes_on():
    pytest.importorskip("transformers")
    from envgym.models import build_tokenizer
    from envgym.policy.base import SamplingParams
    from envgym.rollout.collector import RolloutConfig, collect
    from envgym.learn.sequences import training_sequence
    from envgym.rollout.pool import LocalEnvPool
    from scripted import ScriptedPolicy

    policy = ScriptedPolicy(build_tokenizer(), malformed_then_right)
    config = RolloutConfig(sampling=SamplingParams(max_tokens=256), max_context_tokens=32_768)
    trajectories = collect(LocalEnvPool(TOOL_MATH, {"kinds": ["power_mod"]}), policy, [0, 1], config)
    for t in trajectories:
        assert t.correct and t.reward == 1.0
        assert [turn.reward for turn in t.turns] == pytest.approx([-0.2, -0.1, 0.0, 1.0])  # error_reward -0.1 per failed call
        broken, unknown = t.turns[0].env_messages
        assert broken.role == "tool" and "not valid JSON" in broken.content
        assert "unknown tool 'wolfram'" in unknown.content and "calculator, python" in unknown.content
        [typed] = t.turns[1].env_messages
        assert "argument 'code' must be string, got integer" in typed.content
        [result] = t.turns[2].env_messages
        assert result.name == "python" and result.content.strip().isdigit()
        assert t.turns[3].verdict.correct and t.turns[3].env_messages == ()
        assert [m.role for m in t.messages].count("tool") == 4
        training_sequence(t)  # every turn's tokens are a prefix of the final sequence


# ---- OpenAI-format messages -----------------------------------------------------------------------


def openai_call(call_id: str, name: str, arguments: str) -> dict:
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}


def test_openai_tool_call_messages_through_step():
    env = envgym.make(LOOKUP)
    with pytest.raises(EnvStateError, match="before reset"):
        env.step({"role": "assistant", "content": None, "tool_calls": [openai_call("c0", "search", "{}")]})
    env.reset(seed=0)
    question = env.task.metadata["question"]
    for hop, query in enumerate(question.queries):
        message = {"role": "assistant", "content": None,
                   "tool_calls": [openai_call(f"call_{hop}", "search", json.dumps({"query": query}))]}
        obs, reward, terminated, _, info = env.step(message)
        assert (reward, terminated) == (0.0, False) and info["verdict"].details["tool_calls"] == 1
        assert obs[-1]["role"] == "tool" and obs[-1]["tool_call_id"] == f"call_{hop}" and obs[-1]["name"] == "search"
        assert f"[{question.support[hop]}]" in obs[-1]["content"]
        # The history keeps the calls as OpenAI sent them, so it replays to an API as it is.
        assert obs[-2] == {"role": "assistant", "content": "", "tool_calls": message["tool_calls"]}
        assert env.observation_space.contains(obs)
    broken = {"role": "assistant", "content": "", "tool_calls": [openai_call("call_x", "search", "{oops")]}
    obs, reward, terminated, _, _ = env.step(broken)
    assert reward == pytest.approx(-0.1) and not terminated
    assert obs[-1]["tool_call_id"] == "call_x" and "not valid JSON" in obs[-1]["content"]
    assert obs[-2]["tool_calls"] == broken["tool_calls"] and env.observation_space.contains(obs)
    obs[-2]["tool_calls"][0]["function"]["name"] = "changed"  # observations never alias the env's state
    assert env._observation()[-2]["tool_calls"][0]["function"]["name"] == "search"
    obs, reward, terminated, _, info = env.step({"role": "assistant", "content": f"<answer>{question.answers[0]}</answer>"})
    assert (reward, terminated) == (1.0, True) and info["verdict"].correct
    with pytest.raises(EnvStateError, match="episode is over"):
        env.step({"role": "assistant", "content": "<answer>again</answer>"})
    assert "-> search({oops) [call_x]" in env.transcript()


def test_openai_calls_without_ids_get_ids_their_tool_messages_answer():
    env = envgym.make(LOOKUP)
    env.reset(seed=1)
    no_ids = [{"type": "function", "function": {"name": "search", "arguments": '{"query": "x"}'}},
              {"type": "function", "function": {"name": "nope", "arguments": {"query": "y"}}}]
    obs, _, _, _, info = env.step({"role": "assistant", "content": "looking", "tool_calls": no_ids})
    said, first, second = obs[-3:]
    assert said["content"] == "looking" and [c["id"] for c in said["tool_calls"]] == ["call_0_0", "call_0_1"]
    assert said["tool_calls"][1]["function"] == {"name": "nope", "arguments": '{"query": "y"}'}
    assert (first["tool_call_id"], second["tool_call_id"]) == ("call_0_0", "call_0_1")
    assert "unknown tool 'nope'" in second["content"] and info["verdict"].details["tool_errors"] == 1
    assert env.observation_space.contains(obs)
    obs, *_ = env.step({"role": "assistant", "content": None, "tool_calls": {"not": "a list"}})
    assert obs[-2]["tool_calls"] == [{"id": "call_1_0", "type": "function", "function": {"name": "", "arguments": "{}"}}]
    assert "must be a list" in obs[-1]["content"] and env.observation_space.contains(obs)
    env.close()


# ---- answer scoring -------------------------------------------------------------------------------


@pytest.mark.parametrize(("answer", "reference", "exact", "f1"), [
    ("Idris Calloway", "Idris Calloway", True, 1.0),
    ("  idris   CALLOWAY. ", "Idris Calloway", True, 1.0),
    ("The Saltmere Company", "Saltmere Company", True, 1.0),
    ("Calloway", "Idris Calloway", False, 2 / 3),
    ("Idris Calloway of Harrowdeep", "Idris Calloway", False, 2 * (2 / 4) * 1 / (2 / 4 + 1)),
    ("Halloran and Vey", "Halloran & Vey", False, 0.8),
    ("Oskeld", "Pellary", False, 0.0),
    ("Ottilie Véy", "Ottilie Vey", True, 1.0),
])
def test_exact_match_and_token_f1(answer, reference, exact, f1):
    completion = f"Let me think.\n<answer>{answer}</answer>"
    strict, partial = AnswerMatch().verify(completion, reference), AnswerMatch("f1").verify(completion, reference)
    assert strict.correct is exact and partial.correct is exact
    assert strict.reward == (1.0 if exact else 0.0)
    assert partial.reward == pytest.approx(f1) == pytest.approx(token_f1(answer, reference))


def test_aliases_tags_and_candidate_lists():
    assert AnswerMatch("f1").verify("<answer>Halloran and Vey</answer>", ("Halloran & Vey", "Halloran and Vey")).reward == 1.0
    assert extract_answer("no tags: Lisk") == (None, "no answer: put the final answer in <answer>...</answer>")
    assert extract_answer("<answer>Lisk</answer> <answer> Lisk </answer>")[0] == "Lisk"
    assert extract_answer("<answer>Lisk</answer><answer>Oskeld</answer>")[1] == "2 different answers in <answer> tags"
    assert extract_answer("<answer>" * 50_000)[0] is None  # linear time on unclosed tags

    env = envgym.make(LOOKUP)
    env_f1 = envgym.make(LOOKUP, reward="f1")
    for seed in range(10):
        env.reset(seed=seed)
        env_f1.reset(seed=seed)
        many = env.hack_actions()["many_candidates"]
        assert env.task.reference[0] in many
        assert env.step(many)[1] == 0.0
        _, reward, _, _, info = env_f1.step(many)
        assert 0 < reward < 0.35 and not info["verdict"].correct


# ---- the installed package ------------------------------------------------------------------------


def test_installed_package_reads_its_data(tmp_path):
    """A regular (non-editable) install ships the collection as package data."""
    site = tmp_path / "site"
    pip_install_target(site, ROOT / "environments" / "tools")
    assert (site / "envgym_tool_envs" / "data" / "world.jsonl").is_file()
    code = ("import envgym_tool_envs, envgym_tool_envs.world as w; from envgym_tool_envs.lookup import LookupEnv; "
            "from envgym.play import play_episode, gold_policy; "
            "print(envgym_tool_envs.__file__, len(w.documents()), len(w.questions()), "
            "play_episode(LookupEnv(), gold_policy, 3).final.correct)")
    ran = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
                         env={"PYTHONPATH": str(site), "PATH": "", "ENVGYM_NO_PLUGINS": "1"}, timeout=120)
    assert ran.returncode == 0, ran.stderr
    where, n_docs, n_questions, solved = ran.stdout.split()
    assert where.startswith(str(site)) and int(n_docs) == len(documents()) and int(n_questions) == len(questions())
    assert solved == "True"
