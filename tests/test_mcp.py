"""MCP tools against a real MCP server: a script using the mcp SDK's ``MCPServer``, run as a subprocess."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import envgym
from envgym.env import Task
from envgym.errors import EnvgymError
from envgym.tools import ToolEnv, run_call, run_tool_calls
from envgym.tools.calls import ToolCall
from envgym.tools.mcp import MCPServer, mcp_tools  # imports without the mcp package; starting a server needs it
from envgym.types import Message

SERVER = textwrap.dedent('''
    import os, time
    from mcp.server.mcpserver import Image, MCPServer
    from mcp.server.mcpserver.exceptions import ToolError

    app = MCPServer("envgym-test", log_level="WARNING")

    @app.tool()
    def add(a: int, b: int) -> int:
        """Add two integers."""
        return a + b

    @app.tool()
    def reverse(text: str) -> str:
        """Reverse a string."""
        return text[::-1]

    @app.tool()
    def divide(a: float, b: float) -> float:
        """Divide a by b."""
        if b == 0:
            raise ToolError("cannot divide by zero")
        return a / b

    @app.tool()
    def crash() -> str:
        """Raise an unexpected exception."""
        raise RuntimeError("secret internals")

    @app.tool()
    def pid() -> int:
        """The server's process id."""
        return os.getpid()

    @app.tool()
    def picture() -> Image:
        """A tiny PNG."""
        return Image(data=b"\\x89PNG0123456789", format="png")

    @app.tool()
    def sleep(seconds: float) -> str:
        """Sleep, then say so."""
        time.sleep(seconds)
        return "awake"

    app.run()
''')

NAMES = {"add", "reverse", "divide", "crash", "pid", "picture", "sleep"}


def call(name: str, **arguments: object) -> str:
    """A Hermes-format tool call, as a model writes it."""
    return f"<tool_call>{json.dumps({'name': name, 'arguments': arguments})}</tool_call>"


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture(scope="module")
def script(tmp_path_factory: pytest.TempPathFactory):
    """The server script; tests that start a server need the mcp package (the dev extra has it)."""
    pytest.importorskip("mcp", reason="needs the mcp package: pip install 'envgym[mcp]'")
    path = tmp_path_factory.mktemp("mcp") / "server.py"
    path.write_text(SERVER)
    return path


@pytest.fixture(scope="module")
def errlog(tmp_path_factory: pytest.TempPathFactory):
    with open(tmp_path_factory.mktemp("mcp-log") / "server.log", "w") as log:  # the server's tracebacks
        yield log


@pytest.fixture(scope="module")
def server(script, errlog):
    with MCPServer(sys.executable, [str(script)], timeout_s=10, errlog=errlog) as server:
        yield server


@pytest.fixture(scope="module")
def tools(server):
    return {t.name: t for t in server.tools()}


def test_tools_come_with_their_schemas(tools):
    assert set(tools) == NAMES
    add = tools["add"]
    assert add.description == "Add two integers."
    assert add.parameters["type"] == "object"
    assert add.parameters["required"] == ["a", "b"]
    assert {k: v["type"] for k, v in add.parameters["properties"].items()} == {"a": "integer", "b": "integer"}
    assert add.timeout_s == 10
    assert add.schema()["function"]["name"] == "add"


def test_direct_calls(tools):
    assert tools["add"](a=2, b=3) == "5"
    assert tools["reverse"](text="envgym") == "mygvne"
    assert tools["divide"](a=1, b=4) == "0.25"
    assert tools["picture"]() == "[image: image/png, 14 bytes]"


def test_failures_are_error_text(server, tools):
    assert tools["divide"](a=1, b=0) == "Error: Error executing tool divide: cannot divide by zero"
    assert tools["crash"]().startswith("Error: ")  # the server withholds an unexpected exception's text
    assert "secret" not in tools["crash"]()
    assert server.call("nope", {}).startswith("Error: Unknown tool")
    assert server.call("add", {"a": "two", "b": 3}).startswith("Error: ")  # the server's own validation


def test_hermes_calls_through_run_tool_calls(tools):
    text = (call("add", a=2, b=3) + call("reverse", text="abc") + call("divide", a=1, b=0)
            + call("add", a="2", b=3) + call("add", a=1) + call("missing") + "<tool_call>{broken")
    contents = [m.content for m in run_tool_calls(text, tools)]
    assert contents[:3] == ["5", "cba", "Error: Error executing tool divide: cannot divide by zero"]
    assert contents[3] == "Error: argument 'a' must be integer, got string '2' (calling 'add')"
    assert contents[4] == "Error: missing required argument 'b' (integer) (calling 'add')"
    assert contents[5].startswith("Error: unknown tool 'missing'; the available tools are: ")
    assert contents[6].startswith("Error: ")
    assert run_call(ToolCall("add", {"a": 40, "b": 2}), tools).content == "42"


def test_a_slow_call_times_out_as_a_message_and_the_session_goes_on(tools):
    hasty = dataclasses.replace(tools["sleep"], timeout_s=0.2)
    [message] = run_tool_calls(call("sleep", seconds=1.0), [hasty])
    assert message.content == "Error: tool 'sleep' timed out after 0.2 s"
    assert tools["add"](a=1, b=1) == "2"


def test_calls_from_many_threads_share_one_session(tools):
    pairs = [(i, 1000 * i) for i in range(32)]
    with ThreadPoolExecutor(8) as pool:
        sums = list(pool.map(lambda p: tools["add"](a=p[0], b=p[1]), pairs))
        words = list(pool.map(lambda i: tools["reverse"](text=f"w{i}"), range(32)))
    assert sums == [str(a + b) for a, b in pairs]
    assert words == [f"w{i}"[::-1] for i in range(32)]


def test_prefix_renames_without_changing_the_call(server):
    prefixed = server.tools(prefix="calc_")
    assert {t.name for t in prefixed} == {f"calc_{n}" for n in NAMES}
    assert [m.content for m in run_tool_calls(call("calc_add", a=20, b=22), prefixed)] == ["42"]


class SumEnv(ToolEnv):
    """Add two numbers, with an MCP server's ``add`` at hand."""

    def __init__(self, tools):
        super().__init__(envgym.make_verifier("number"), tools, max_turns=4, error_reward=-0.1)

    def generate_task(self, rng: np.random.Generator) -> Task:
        system = self.system_with_tools("Answer with the number only. Use the tools.")
        return Task("12345+67890", (system, Message("user", "What is 12345+67890?")), 80235)

    def gold_action(self) -> str:
        return "80235"

    def hack_actions(self) -> Mapping[str, str]:
        return {"empty": ""}


def test_an_episode_calls_the_mcp_tool_then_answers(tools):
    env = SumEnv([tools["add"]])
    obs, _ = env.reset(seed=0)
    assert '"name": "add"' in obs[0]["content"]  # the server's schema is in the system prompt

    obs, reward, terminated, _, info = env.step(call("add", a=12345, b="67890") + call("subtract", a=1, b=2))
    assert not terminated and reward == pytest.approx(-0.2)
    assert [m["role"] for m in obs[-2:]] == ["tool", "tool"]
    assert obs[-2]["content"].startswith("Error: argument 'b' must be integer")
    assert obs[-1]["content"].startswith("Error: unknown tool 'subtract'")

    obs, reward, terminated, _, info = env.step(call("add", a=12345, b=67890))
    assert not terminated and reward == 0
    assert obs[-1]["role"] == "tool" and obs[-1]["content"] == "80235"

    obs, reward, terminated, _, info = env.step("80235")
    assert terminated and reward == 1 and info["verdict"].correct


def test_close_stops_the_server_process(script, errlog):
    server, tools = mcp_tools(sys.executable, [str(script)], prefix="t_", errlog=errlog)
    pid = int(server.call("pid"))
    assert pid != os.getpid() and alive(pid)
    server.close()
    assert not alive(pid)  # exited and reaped by the time close() returns
    server.close()  # idempotent
    [message] = run_tool_calls(call("t_add", a=1, b=2), tools)
    assert message.content.startswith("Error: tool 't_add' raised EnvgymError: ") and "is closed" in message.content


def test_a_command_that_is_not_there_names_itself(script, errlog):
    with pytest.raises(EnvgymError, match=r"/no/such/mcp-server.*failed to start: FileNotFoundError"):
        MCPServer("/no/such/mcp-server", errlog=errlog)


def test_a_process_that_does_not_speak_mcp_is_reported(script, errlog):
    with pytest.raises(EnvgymError, match=r"-c pass.*failed to start"):
        MCPServer(sys.executable, ["-c", "pass"], errlog=errlog)


def test_a_missing_mcp_package_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "mcp", None)  # makes `import mcp` raise ImportError
    with pytest.raises(EnvgymError, match=r"pip install 'envgym\[mcp\]'"):
        MCPServer(sys.executable)


def test_the_core_imports_without_mcp():
    code = ("import sys; sys.modules['mcp'] = None; import envgym, envgym.tools, envgym.tools.mcp; "
            "from envgym.tools import MCPServer, mcp_tools; print(MCPServer.__module__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == "envgym.tools.mcp"
