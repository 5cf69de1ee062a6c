"""The data every part of envgym passes around: messages, verdicts, turns and trajectories.

All of them are frozen dataclasses. A trajectory is a record of what happened, so nothing
downstream (a learner, a report, a store) can change it by accident.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

Role = Literal["system", "user", "assistant", "tool"]
ROLES: frozenset[str] = frozenset(("system", "user", "assistant", "tool"))


@dataclass(frozen=True, slots=True, init=False)
class Message:
    """One chat message in OpenAI format.

    Observations hand messages to policies as plain dicts (``to_dict``) so that a tokenizer's
    chat template and any OpenAI-compatible client take them as they are.
    """

    role: Role
    content: str
    name: str | None = None
    tool_call_id: str | None = None

    def __init__(self, role: Role, content: str, name: str | None = None, tool_call_id: str | None = None) -> None:
        # Written out (see _FROZEN_INIT below the class): environments build a message on every turn.
        _message_role(self, role)
        _message_content(self, content)
        _message_name(self, name)
        _message_tool_call_id(self, tool_call_id)

    def to_dict(self) -> dict[str, str]:
        out = {"role": self.role, "content": self.content}
        if self.name is not None:
            out["name"] = self.name
        if self.tool_call_id is not None:
            out["tool_call_id"] = self.tool_call_id
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Message:
        role = data.get("role")
        if role not in ROLES:
            raise ValueError(f"message role must be one of {sorted(ROLES)}, got {role!r}")
        content = data.get("content")
        if not isinstance(content, str):
            raise ValueError(f"message content must be a string, got {type(content).__name__}")
        return cls(role, content, data.get("name"), data.get("tool_call_id"))


@dataclass(frozen=True, slots=True, init=False)
class Verdict:
    """A verifier's judgement of one completion.

    reward: the scalar reward, usually in [0, 1].
    correct: whether the completion solves the task (pass@k counts these).
    reason: a short human-readable explanation, always set on failure.
    step_rewards: per-step rewards for process supervision, in step order, or None.
    details: anything else the verifier wants to report (the extracted answer, timings).
    """

    reward: float
    correct: bool
    reason: str = ""
    step_rewards: tuple[float, ...] | None = None
    details: Mapping[str, Any] = field(default_factory=dict)

    def __init__(self, reward: float, correct: bool, reason: str = "", step_rewards: tuple[float, ...] | None = None,
                 details: Mapping[str, Any] | None = None) -> None:
        _verdict_reward(self, reward)
        _verdict_correct(self, correct)
        _verdict_reason(self, reason)
        _verdict_step_rewards(self, step_rewards)
        _verdict_details(self, {} if details is None else details)

    @classmethod
    def fail(cls, reason: str, **details: Any) -> Verdict:
        """Reward 0 with a reason: what verifiers return for malformed or wrong output."""
        return cls(0.0, False, reason, None, details)

    @classmethod
    def ok(cls, reason: str = "correct", **details: Any) -> Verdict:
        return cls(1.0, True, reason, None, details)


# _FROZEN_INIT: a frozen dataclass's generated __init__ sets each field through object.__setattr__,
# which made building a Verdict or a Message a large share of a small environment's step. Their
# __init__ sets the slots through the slot descriptors instead (what object.__setattr__ ends up
# calling), about twice as fast; the classes stay frozen: assignment after __init__ still raises.
_message_role, _message_content, _message_name, _message_tool_call_id = (
    Message.__dict__[name].__set__ for name in ("role", "content", "name", "tool_call_id"))
_verdict_reward, _verdict_correct, _verdict_reason, _verdict_step_rewards, _verdict_details = (
    Verdict.__dict__[name].__set__ for name in ("reward", "correct", "reason", "step_rewards", "details"))


@dataclass(frozen=True, slots=True)
class Cost:
    """What producing a trajectory cost. Scaffolds add to it so bare and scaffolded runs compare."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    model_calls: int = 0
    tool_calls: int = 0
    seconds: float = 0.0

    def __add__(self, other: Cost) -> Cost:
        return Cost(
            self.prompt_tokens + other.prompt_tokens,
            self.completion_tokens + other.completion_tokens,
            self.model_calls + other.model_calls,
            self.tool_calls + other.tool_calls,
            self.seconds + other.seconds,
        )


ProvenanceKind = Literal["on_policy", "off_policy", "teacher"]


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """Which code judged a trajectory: an environment's or a verifier's name, version and digest.

    name: the environment id, or the verifier's registered name.
    version: the ``version`` the class declares, else its package's installed version, else None.
    digest: sha256 (hex) over the source of the class's modules and its settings (the environment's
        constructor kwargs, the verifier's attributes): two runs with the same digest were scored by
        the same code with the same settings (``envgym.versions``).
    settings: the settings the digest covers, as JSON (an environment's kwargs), so the
        environment can be built again to replay an episode (``envgym rescore``).
    """

    name: str
    version: str | None
    digest: str
    settings: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "version": self.version, "digest": self.digest, "settings": dict(self.settings)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Fingerprint | None:
        if data is None:
            return None
        return cls(data["name"], data.get("version"), data["digest"], data.get("settings") or {})


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a trajectory came from (docs/design.md, rule 2).

    kind: on_policy (the learner's own sample), off_policy (an external trace) or teacher.
    policy_id / policy_version: set for on-policy samples; the version increases with each
        weight update so stale samples can be recognised.
    source: set for off-policy traces (a file, a data set, a replay buffer).
    teacher_id: set for teacher traces.
    scaffold: the scaffold the policy ran under ("none", "best_of_n", "self_refine", ...).
    env / verifier: which environment and verifier code scored it (``Fingerprint``); None in
        stores written before envgym recorded them, and for a verifier where the environment has none.
    """

    kind: ProvenanceKind
    policy_id: str | None = None
    policy_version: int | None = None
    source: str | None = None
    teacher_id: str | None = None
    scaffold: str = "none"
    env: Fingerprint | None = None
    verifier: Fingerprint | None = None

    def __post_init__(self) -> None:
        required = {"on_policy": "policy_id", "off_policy": "source", "teacher": "teacher_id"}
        name = required.get(self.kind)
        if name is None:
            raise ValueError(f"provenance kind must be one of {sorted(required)}, got {self.kind!r}")
        if getattr(self, name) is None:
            raise ValueError(f"{self.kind} provenance needs {name}")


@dataclass(frozen=True, slots=True)
class Turn:
    """One policy turn: the exact tokens sampled and what the environment answered.

    prompt_ids: every token the policy was conditioned on (the whole conversation so far).
    completion_ids: the tokens it sampled; the loss mask covers exactly these.
    logprobs: the sampling log-probability of each completion token, as the engine reported it;
        None where the tokens were not sampled from this prompt (a self-refine revision sampled
        after a critique, then placed here) or the engine did not report them.
    env_messages: what answered this turn: the environment's reply, or tool results when the
        turn was a tool call inside a scaffold's tool loop (then ``verdict`` is None).
    cost: what producing this turn cost, candidates a scaffold discarded included.
    """

    prompt_ids: tuple[int, ...]
    completion_ids: tuple[int, ...]
    logprobs: tuple[float, ...] | None
    text: str
    reward: float
    verdict: Verdict | None = None
    env_messages: tuple[Message, ...] = ()
    finish_reason: str = "stop"
    cost: Cost = Cost()


@dataclass(frozen=True, slots=True)
class Trajectory:
    """A whole episode with its provenance and cost."""

    env_id: str
    task_id: str
    seed: int | None
    messages: tuple[Message, ...]
    turns: tuple[Turn, ...]
    reward: float
    correct: bool
    provenance: Provenance
    cost: Cost = Cost()
    group_id: str | None = None
    metadata: Mapping[str, Any] = field(default_factory=dict)
    sample: int = 0
    """Which of its group's samples this is (0 to group size - 1): with ``group_id``, the trajectory's key."""
