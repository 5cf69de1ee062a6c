"""The ``envgym serve`` application: OpenEnv's own server for each environment id, side by side.

Every id gets an ``HTTPEnvServer`` from openenv-core (its ``/ws`` sessions, ``/reset``, ``/step``,
``/state``, ``/schema``, ``/metadata``, ``/health``), mounted at ``/<id>``; with one id it is also
mounted at the root, where OpenEnv clients look by default. envgym adds ``/sessions`` to each (open
sessions and the limit) and ``/envs`` at the root (what is served where).
"""

from __future__ import annotations

import contextlib
import errno
import functools
import resource
import socket
from collections.abc import AsyncIterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from fastapi import FastAPI, Request, WebSocketDisconnect
from fastapi.responses import JSONResponse
from openenv.core.env_server.http_server import HTTPEnvServer

from envgym.errors import EnvgymError, InputError
from envgym.plugins import PluginHost, host as default_host
from envgym.serve.session import EnvgymSession, Served
from envgym.serve.wire import EnvgymAction, EnvgymObservation

DEFAULT_MAX_SESSIONS = 1024
DEFAULT_THREADS = 16


def build_app(env_ids: Sequence[str], options: Mapping[str, Mapping[str, Any]] | None = None, *,
              max_sessions: int = DEFAULT_MAX_SESSIONS, threads: int = DEFAULT_THREADS,
              host: PluginHost | None = None) -> FastAPI:
    """The served application. options: each id's default options (a reset request may override
    them); max_sessions: open sessions allowed per id; threads: the pool every reset and step runs in."""
    if not env_ids:
        raise InputError("give at least one environment id to serve")
    plugin_host = host or default_host()
    pool = ThreadPoolExecutor(threads, thread_name_prefix="envgym-serve")
    served = [Served(env_id, dict((options or {}).get(env_id, {})), pool, plugin_host) for env_id in env_ids]

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        for one in served:  # environments whose client never closed (sandboxes among them)
            one.close_all()
        pool.shutdown(wait=False, cancel_futures=True)

    root = FastAPI(title="envgym serve", summary="envgym environments over OpenEnv's protocol", lifespan=lifespan)
    root.add_middleware(_QuietClose)
    apps = {one.env_id: _env_app(one, max_sessions) for one in served}

    @root.get("/envs", tags=["envgym"], summary="The environments served, where, and their open sessions")
    def envs() -> list[dict[str, Any]]:
        return [{"id": env_id, "path": f"/{env_id}", **app.state.sessions()} for env_id, app in apps.items()]

    for env_id, app in apps.items():
        root.mount(f"/{env_id}", app)
    if len(apps) == 1:
        root.mount("", next(iter(apps.values())))
    return root


class _QuietClose:
    """openenv-core 0.3.0's WebSocket handler closes the socket after the session ends and lets
    ``WebSocketDisconnect`` out when the client closed first (as its own ``EnvClient.disconnect``
    does), which uvicorn logs as an application error on every disconnect. The session is already
    destroyed by then, so the exception is dropped here; any other error still propagates."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        try:
            await self.app(scope, receive, send)
        except WebSocketDisconnect:
            if scope["type"] != "websocket":
                raise


def _env_app(served: Served, max_sessions: int) -> FastAPI:
    server = HTTPEnvServer(functools.partial(EnvgymSession, served), EnvgymAction, EnvgymObservation,
                           max_concurrent_envs=max_sessions)
    app = FastAPI(title=f"envgym serve: {served.env_id}")
    server.register_routes(app)
    app.state.sessions = lambda: {"active_sessions": server.active_sessions, "max_sessions": server.max_concurrent_envs}

    @app.get("/sessions", tags=["envgym"], summary="Open sessions (WebSocket connections) and the limit")
    def sessions() -> dict[str, int]:
        return app.state.sessions()

    @app.exception_handler(EnvgymError)
    async def refused(request: Request, exc: EnvgymError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=409 if isinstance(exc, RuntimeError) else 400)

    return app


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port`` (port 0: any free one); an ``InputError`` naming the
    flag when the address cannot be used."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise InputError(f"--host {host!r}: not an address this machine can listen on ({exc.strerror})") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRNOTAVAIL:
            raise InputError(f"--host {host}: not an address of this machine (127.0.0.1 listens on this machine "
                             "only, 0.0.0.0 on all its addresses)") from None
        what = "already in use" if exc.errno == errno.EADDRINUSE else exc.strerror
        raise InputError(f"--port {port}: cannot listen on {host}:{port} ({what}); choose another port, "
                         "or --port 0 for any free one") from None
    sock.listen(2048)
    return sock


def raise_open_file_limit(wanted: int) -> int:
    """Raise this process's soft limit on open files towards ``wanted`` (each session holds a
    socket), up to the hard limit; the limit now in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if target > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        return target
    return soft


def run(app: FastAPI, sock: socket.socket, *, log_level: str = "warning") -> None:
    """Serve ``app`` on the bound socket until interrupted (SIGINT or SIGTERM end it cleanly)."""
    import uvicorn

    config = uvicorn.Config(app, log_level=log_level, access_log=log_level in ("debug", "info"),
                            timeout_graceful_shutdown=5)
    uvicorn.Server(config).run(sockets=[sock])


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://{'[' + host + ']' if ':' in host else host}:{port}"


__all__ = ["DEFAULT_MAX_SESSIONS", "DEFAULT_THREADS", "bind", "build_app", "raise_open_file_limit", "run", "url_of"]
