"""``ChatHarness``: a verifiers harness that runs in the rollout's own process, one model call a segment.

verifiers' built-in chat harnesses (``null``, ``bash``) launch a PEP 723 script that ``uv`` installs
from the network into the runtime before the first rollout. This one makes the same call from the
host process instead (verifiers' ``Harness.launch`` allows that: "a harness may run its loop
in-process ... as long as every model call goes through ``endpoint`` + ``secret``"), so a rollout
needs no ``uv``, no network and no sandbox: one ``POST /chat/completions`` to the rollout's
interception server, which records the turn in the trace and forwards it to the model.

It has no tools: the reply is the segment's text. It resumes by relaunching on the conversation so
far (verifiers' default ``resume``), so it plays multi-turn exchanges (``Agent.interaction``).
It is the default harness of the ``envgym-verifiers`` taskset and the one the envgym adapter of a
verifiers environment pins for every seat.
"""

from __future__ import annotations

import functools
import ssl
from typing import Any

import httpx
import verifiers.v1 as vf
from verifiers.v1.dialects.chat import message_to_wire
from verifiers.v1.errors import HarnessError
from verifiers.v1.runtimes import ProgramResult

#: The harness id as verifiers resolves it (its module is this package).
HARNESS_ID = "envgym-verifiers"


class ChatHarnessConfig(vf.HarnessConfig):
    """No knobs: a single chat completion per segment."""


def opening_messages(system_prompt: str | None, prompt: str | vf.Messages | None) -> list[dict[str, Any]]:
    """The chat messages of a segment, in OpenAI wire form.

    >>> opening_messages("Be brief.", "1+1?")
    [{'role': 'system', 'content': 'Be brief.'}, {'role': 'user', 'content': '1+1?'}]
    """
    messages = [{"role": "system", "content": system_prompt}] if system_prompt else []
    if isinstance(prompt, str):
        messages.append({"role": "user", "content": prompt})
    elif prompt is not None:
        messages.extend(message_to_wire(m) for m in prompt)
    return messages


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """Made once: loading the CA bundle costs about 40 ms, a client per segment would pay it each turn."""
    return ssl.create_default_context()


class ChatHarness(vf.Harness[ChatHarnessConfig]):
    """One chat completion per segment, sent from this process (see the module docstring)."""

    APPENDS_SYSTEM_PROMPT = True
    SUPPORTS_RESUME = True
    EXECUTES_CODE = False
    NEEDS_CONTAINER = False

    async def launch(self, ctx: vf.ModelContext, trace: vf.Trace, runtime: vf.Runtime, endpoint: str, secret: str,
                     mcp_urls: dict[str, str], data: vf.TaskData, tool_interception_url: str | None = None) -> ProgramResult:
        if mcp_urls:
            raise HarnessError(f"harness {HARNESS_ID!r} has no tools; the task offers {sorted(mcp_urls)}")
        messages = opening_messages(*self.resolve_prompt(data))
        async with httpx.AsyncClient(timeout=None, verify=_ssl_context()) as client:
            response = await client.post(f"{endpoint.rstrip('/')}/chat/completions",
                                         json={"model": ctx.model, "messages": messages},
                                         headers={"Authorization": f"Bearer {secret}"})
        if response.status_code != 200:
            return ProgramResult(1, "", f"model call failed: HTTP {response.status_code}: {response.text[:2000]}")
        reply = response.json()["choices"][0]["message"].get("content") or ""
        return ProgramResult(0, reply, "")
