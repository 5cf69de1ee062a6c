"""The tools of an MCP (Model Context Protocol) server, as envgym tools.

``MCPServer`` starts a server as a subprocess speaking MCP over stdio and keeps one session open
until ``close()``. Its ``tools()`` are ordinary ``Tool`` objects (the server's name, description
and input schema), so a ``ToolEnv`` runs them like any other: the model's arguments are checked
against the server's schema first, and a failed call becomes a tool message.

The mcp client is asyncio-based, while a tool's ``fn`` is a blocking call that ``run_call`` runs in
a thread. So the session lives on a private event loop in a background thread, and each call
submits a coroutine to it (``asyncio.run_coroutine_threadsafe``) and waits: a tool is safe to call
from any thread, and concurrent calls share the one session.

What it isolates: nothing. The server runs as the same user, with the few environment variables
the mcp SDK passes on (HOME, PATH, ...) plus ``env``; envgym's sandboxes do not apply. The SDK
starts it in its own process group, and ``close()`` (or interpreter exit, or leaving a ``with``
block) closes its stdin, waits two seconds, then terminates the whole group.

Needs the ``mcp`` package (2.x): ``pip install 'envgym[mcp]'``.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import json
import os
import sys
import threading
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TextIO

from envgym.errors import EnvgymError
from envgym.tools.base import Tool

INSTALL = "pip install 'envgym[mcp]'"
DEFAULT_TIMEOUT_S = 30.0
STARTUP_TIMEOUT_S = 30.0
# The SDK's own shutdown is bounded at about 6 s: 2 s for the server to exit, then SIGTERM, then SIGKILL.
_CLOSE_TIMEOUT_S = 10.0


def _require_mcp() -> Any:
    try:
        import mcp
    except ImportError as exc:
        raise EnvgymError(f"MCP tools need the mcp package, which is not installed: {INSTALL}") from exc
    return mcp


class MCPServer:
    """An MCP server run as a subprocess over stdio, with one session open until ``close()``.

    command, args: how to start it, e.g. ``MCPServer("npx", ["-y", "@modelcontextprotocol/server-memory"])``.
    env: variables set for the server on top of the few the mcp SDK passes on (HOME, PATH, ...).
    cwd: the server's working directory.
    timeout_s: how long one tool call may take, in seconds (the ``timeout_s`` of its tools, and the
        MCP request's read timeout).
    startup_timeout_s: how long starting the server and the MCP handshake may take, in seconds.
    errlog: where the server's stderr goes, a file with a descriptor; sys.stderr by default.
    """

    def __init__(self, command: str, args: Sequence[str] = (), *, env: Mapping[str, str] | None = None,
                 cwd: str | os.PathLike[str] | None = None, timeout_s: float = DEFAULT_TIMEOUT_S,
                 startup_timeout_s: float = STARTUP_TIMEOUT_S, errlog: TextIO | None = None) -> None:
        mcp = _require_mcp()
        self.command, self.args, self.timeout_s = command, list(args), timeout_s
        self._session: Any = None
        self._closed = False
        self._lock = threading.Lock()
        self._stop = asyncio.Event()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True, name=f"envgym-mcp-{command}")
        self._thread.start()
        params = mcp.StdioServerParameters(command=command, args=self.args, env=dict(env) if env else None, cwd=cwd)
        ready: concurrent.futures.Future[None] = concurrent.futures.Future()
        self._serving = asyncio.run_coroutine_threadsafe(
            self._serve(params, errlog or _stderr(), startup_timeout_s, ready), self._loop)
        try:
            ready.result(startup_timeout_s + _CLOSE_TIMEOUT_S)  # _serve bounds the handshake itself
        except BaseException as exc:
            self._closed = True
            self._stop_loop()
            if not isinstance(exc, Exception):  # KeyboardInterrupt and the like pass through as they are
                raise
            cause = _root_cause(exc)
            raise EnvgymError(
                f"the MCP server {self} failed to start: {type(cause).__name__}: {str(cause) or 'no detail'}. "
                "Check that the command runs on its own and speaks MCP over stdio; its stderr says more") from exc
        atexit.register(self.close)

    def __repr__(self) -> str:
        return f"MCPServer({' '.join([self.command, *self.args])!r})"

    def __enter__(self) -> MCPServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # ---- the session, on the private loop ------------------------------------------------

    async def _serve(self, params: Any, errlog: TextIO, startup_timeout_s: float,
                     ready: concurrent.futures.Future[None]) -> None:
        """Open the transport and the session, signal ``ready``, and hold both until ``close()``.

        One task enters and leaves the SDK's context managers, as its cancel scopes require.
        """
        import anyio  # the mcp SDK's own dependency
        from mcp import ClientSession, stdio_client

        try:
            async with stdio_client(params, errlog=errlog) as (read, write), ClientSession(read, write) as session:
                with anyio.move_on_after(startup_timeout_s) as handshake:
                    await session.initialize()
                if handshake.cancelled_caught:
                    raise TimeoutError(f"no answer to the MCP handshake within {startup_timeout_s:g} s")
                self._session = session
                ready.set_result(None)
                await self._stop.wait()
        except BaseException as exc:
            if ready.done():
                raise
            ready.set_exception(exc)

    async def _list_tools(self) -> list[Any]:
        tools, cursor = [], None
        while True:
            params = _paginated(cursor) if cursor else None
            page = await self._live_session().list_tools(params=params)
            tools.extend(page.tools)
            cursor = page.next_cursor
            if not cursor:
                return tools

    def _run(self, coro: Any, timeout_s: float) -> Any:
        future = asyncio.run_coroutine_threadsafe(coro, self._loop)
        try:
            return future.result(timeout_s)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise TimeoutError(f"{self} gave no answer within {timeout_s:g} s") from None

    def _live_session(self) -> Any:
        if self._closed or self._session is None:
            raise EnvgymError(f"{self} is closed; start a new MCPServer to call its tools")
        return self._session

    # ---- the public, blocking interface --------------------------------------------------

    def tools(self, *, prefix: str = "") -> list[Tool]:
        """The server's tools as envgym ``Tool`` objects, named ``prefix + name``.

        prefix: tells apart tools whose names clash with other tools (``prefix="fs_"``); the server
        is still called by the tool's own name.
        """
        listing = self._run(self._list_tools(), self.timeout_s)
        return [Tool(prefix + t.name, t.description or t.title or "", dict(t.input_schema), self._caller(t.name),
                     self.timeout_s, stateful=True) for t in listing]  # the server's state: no snapshot copies it

    def call(self, name: str, arguments: Mapping[str, Any] | None = None) -> str:
        """Call the server's tool ``name``; its result as the model reads it. Blocks; safe from any thread.

        A tool that failed (``isError``) and an MCP protocol error both come back as "Error: ..."
        text; a closed server or a dead transport raises, which ``run_call`` reports to the model.
        """
        from mcp import MCPError

        session = self._live_session()
        coro = session.call_tool(name, dict(arguments or {}), read_timeout_seconds=self.timeout_s)
        try:
            result = self._run(coro, self.timeout_s + 1.0)  # the request's own read timeout fires first
        except MCPError as exc:
            return f"Error: {exc.message} (MCP error {exc.code} calling {name!r})"
        return result_text(result)

    def _caller(self, name: str) -> Callable[..., str]:
        def call_tool(**arguments: Any) -> str:
            return self.call(name, arguments)

        call_tool.__name__ = call_tool.__qualname__ = name
        return call_tool

    def close(self) -> None:
        """End the session and stop the server's process tree. Idempotent; later calls raise."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
        atexit.unregister(self.close)
        self._loop.call_soon_threadsafe(self._stop.set)
        try:
            self._serving.result(_CLOSE_TIMEOUT_S)
        except concurrent.futures.TimeoutError:
            warnings.warn(f"{self} did not shut down within {_CLOSE_TIMEOUT_S:g} s; its process may outlive it",
                          RuntimeWarning, stacklevel=2)
        except Exception:  # noqa: BLE001 - a server that crashed mid-session fails its exit too; it is gone either way
            pass
        finally:
            self._stop_loop()

    def _stop_loop(self) -> None:
        """Cancel what still runs on the loop (calls in flight), then stop it and its thread."""
        async def cancel_rest() -> None:
            rest = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in rest:
                task.cancel()
            await asyncio.gather(*rest, return_exceptions=True)

        try:
            asyncio.run_coroutine_threadsafe(cancel_rest(), self._loop).result(_CLOSE_TIMEOUT_S)
        except Exception:  # noqa: BLE001 - best effort; stopping the loop below is what matters
            pass
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(_CLOSE_TIMEOUT_S)
        if not self._thread.is_alive():
            self._loop.close()


def mcp_tools(command: str, args: Sequence[str] = (), *, prefix: str = "", env: Mapping[str, str] | None = None,
              cwd: str | os.PathLike[str] | None = None, timeout_s: float = DEFAULT_TIMEOUT_S,
              startup_timeout_s: float = STARTUP_TIMEOUT_S,
              errlog: TextIO | None = None) -> tuple[MCPServer, list[Tool]]:
    """Start an MCP server and return it with its tools; ``close()`` the server when done.

    The arguments are ``MCPServer``'s, and ``prefix`` is ``MCPServer.tools``'.
    """
    server = MCPServer(command, args, env=env, cwd=cwd, timeout_s=timeout_s, startup_timeout_s=startup_timeout_s,
                       errlog=errlog)
    try:
        return server, server.tools(prefix=prefix)
    except BaseException:
        server.close()
        raise


def result_text(result: Any) -> str:
    """An MCP ``CallToolResult`` as the model reads it: text parts joined by newlines, other parts
    described in brackets, structured content as JSON when there is nothing else; "Error: ..."
    when the tool reported failure."""
    parts = [content_text(block) for block in result.content]
    if not parts and result.structured_content is not None:
        parts = [json.dumps(result.structured_content, ensure_ascii=False, default=str)]
    text = "\n".join(parts)
    return f"Error: {text or 'the tool reported an error'}" if result.is_error else text


def content_text(block: Any) -> str:
    """One MCP content block as text: text as it is, images, audio and resources described."""
    kind = getattr(block, "type", type(block).__name__)
    if kind == "text":
        return block.text
    if kind in ("image", "audio"):
        size = len(block.data) * 3 // 4 - block.data[-2:].count("=")  # data is base64
        return f"[{kind}: {block.mime_type}, {size} bytes]"
    if kind == "resource_link":
        return f"[resource link: {block.name} <{block.uri}>]"
    if kind == "resource":
        text = getattr(block.resource, "text", None)
        return text if text is not None else f"[resource: {block.resource.uri}, {block.resource.mime_type or 'binary'}]"
    return f"[{kind} content]"


def _stderr() -> TextIO:
    """sys.stderr if it has a file descriptor for the server to write to, else the process's own."""
    try:
        sys.stderr.fileno()
    except (AttributeError, OSError, ValueError):  # replaced by an in-memory stream (pytest, notebooks)
        return sys.__stderr__
    return sys.stderr


def _paginated(cursor: str) -> Any:
    from mcp.types import PaginatedRequestParams

    return PaginatedRequestParams(cursor=cursor)


def _root_cause(exc: BaseException) -> BaseException:
    """The first leaf of nested exception groups (anyio task groups wrap what fails inside them)."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    return exc
