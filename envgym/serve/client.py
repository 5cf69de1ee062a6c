"""``EnvgymClient``: OpenEnv's ``EnvClient`` for an ``envgym serve`` server, typed.

    async with EnvgymClient(base_url="http://127.0.0.1:8000") as env:
        result = await env.reset(seed=0)              # StepResult: observation, reward, done
        result = await env.step("\\\\boxed{50}")        # or EnvgymAction(message=...)
        result.observation.messages, result.observation.verdict

``EnvgymClient(...).sync()`` is the same without ``await`` (OpenEnv's ``SyncEnvClient``). Any other
OpenEnv client works too: ``GenericEnvClient`` sends ``{"message": text}`` and gets plain dicts.
"""

from __future__ import annotations

from typing import Any

from openenv.core.client_types import StepResult
from openenv.core.env_client import EnvClient

from envgym.serve.wire import EnvgymAction, EnvgymObservation, EnvgymState


class EnvgymClient(EnvClient[EnvgymAction, EnvgymObservation, EnvgymState]):
    """One session with an envgym environment served by ``envgym serve``."""

    def _step_payload(self, action: EnvgymAction | str) -> dict[str, Any]:
        return {"message": action if isinstance(action, str) else action.message}

    def _parse_result(self, payload: dict[str, Any]) -> StepResult[EnvgymObservation]:
        observation = EnvgymObservation(**payload.get("observation", {}), reward=payload.get("reward"),
                                        done=bool(payload.get("done", False)))
        return StepResult(observation=observation, reward=payload.get("reward"), done=observation.done)

    def _parse_state(self, payload: dict[str, Any]) -> EnvgymState:
        return EnvgymState(**payload)
