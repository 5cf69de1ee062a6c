"""A small OpenEnv environment package, written the way `openenv init` lays one out, for the
plugins/openenv tests: guess a number from 1 to 50 from higher/lower feedback, 8 guesses.

`write(root)` writes it as a pip-installable project (distribution ``openenv-guess_env``, package
``guess_env``); its server is openenv-core's own ``create_app``.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

FILES = {
    "pyproject.toml": """
        [build-system]
        requires = ["setuptools>=64"]
        build-backend = "setuptools.build_meta"
        [project]
        name = "openenv-guess_env"
        version = "0.1.0"
        dependencies = ["openenv-core"]
        [tool.setuptools]
        packages = ["guess_env", "guess_env.server"]
        [tool.setuptools.package-data]
        guess_env = ["openenv.yaml"]
    """,
    "guess_env/openenv.yaml": """
        spec_version: 1
        name: guess_env
        type: space
        runtime: fastapi
        app: server.app:app
        port: 8000
    """,
    "guess_env/__init__.py": """
        from .models import GuessAction, GuessObservation
    """,
    "guess_env/models.py": """
        from openenv.core.env_server.types import Action, Observation
        from pydantic import Field


        class GuessAction(Action):
            guess: str = Field(..., max_length=1000, description="A number from 1 to 50")


        class GuessObservation(Observation):
            prompt: str = Field(default="", description="The task, at reset")
            feedback: str = Field(default="", description="higher, lower, correct or why the guess was not read")
    """,
    "guess_env/server/__init__.py": "",
    "guess_env/server/guess_env_environment.py": """
        import random
        import re
        from uuid import uuid4

        from openenv.core.env_server.interfaces import Environment
        from openenv.core.env_server.types import State

        from ..models import GuessAction, GuessObservation

        TURNS = 8


        class GuessEnvironment(Environment):
            SUPPORTS_CONCURRENT_SESSIONS = True

            def __init__(self):
                super().__init__()
                self._state = State(episode_id=str(uuid4()), step_count=0)
                self.secret = 0

            def reset(self, seed=None, episode_id=None, **kwargs):
                rng = random.Random(seed)
                self.secret = rng.randint(1, 50)
                self._state = State(episode_id=episode_id or str(uuid4()), step_count=0)
                return GuessObservation(prompt=f"Game {rng.randint(1000, 9999)}: guess my number from 1 to 50 in "
                                               f"{TURNS} tries. Answer with the number only.", reward=0.0)

            def step(self, action: GuessAction, timeout_s=None, **kwargs):
                self._state.step_count += 1
                found = re.fullmatch(r"\\s*(\\d{1,3})\\s*", action.guess)
                guess = int(found.group(1)) if found else None
                if guess == self.secret:
                    return GuessObservation(feedback="correct", reward=1.0, done=True)
                feedback = ("no number read" if guess is None else "higher" if guess < self.secret else "lower")
                return GuessObservation(feedback=feedback, reward=0.0, done=self._state.step_count >= TURNS)

            @property
            def state(self):
                return self._state
    """,
    "guess_env/server/app.py": """
        from openenv.core.env_server.http_server import create_app

        from ..models import GuessAction, GuessObservation
        from .guess_env_environment import GuessEnvironment

        app = create_app(GuessEnvironment, GuessAction, GuessObservation, env_name="guess_env", max_concurrent_envs=8)
    """,
}


def write(root: Path) -> Path:
    """The project folder, written under ``root``."""
    project = root / "openenv-guess_env"
    for name, text in FILES.items():
        path = project / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip())
    return project
