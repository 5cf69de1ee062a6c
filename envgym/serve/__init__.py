"""``envgym serve``: envgym environments over HTTP and WebSocket, speaking OpenEnv's protocol.

    envgym serve envgym/GuessNumber-v0 --port 8000

Any OpenEnv client drives them (``EnvgymClient`` here, OpenEnv's ``GenericEnvClient``, TRL's OpenEnv
path): one WebSocket connection is one session with its own environment. What crosses the wire is
text (``envgym.serve.wire``); docs/serve.md describes the messages. Needs ``pip install 'envgym[serve]'``
(openenv-core, FastAPI, uvicorn).
"""

from __future__ import annotations

from envgym.serve.app import build_app
from envgym.serve.client import EnvgymClient
from envgym.serve.wire import EnvgymAction, EnvgymObservation, EnvgymState

__all__ = ["EnvgymAction", "EnvgymClient", "EnvgymObservation", "EnvgymState", "build_app"]
