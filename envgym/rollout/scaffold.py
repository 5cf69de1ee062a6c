"""Scaffolds: policy wrappers that any environment can run under, each paying for what it adds.

A scaffold plays one environment turn for a batch of conversations. It may call the model
several times (best-of-n samples, a draft and its revisions, tool calls and their results) and
ask the environment to judge an answer without stepping it (a ``Judge``), but the environment
sees one answer per turn, exactly as with the bare policy. Everything spent, the discarded
candidates included, is the turn's ``Cost``, so scaffolded and bare runs compare fairly:

    policy = envgym.make_policy("hf", model, tokenizer)
    trajectories = collect("envgym/Arithmetic-v0", BestOfN(policy, n=4), seeds)

How each keeps token in, token out (docs/design.md, rule 1):

- ``Bare`` and ``BestOfN``: the answer was sampled from the conversation's own tokens, so its
  turn keeps its sampling log-probs.
- ``ToolLoop``: tool calls and results join the conversation in order, one ``Turn`` per model
  call; every turn's tokens were sampled where they stand.
- ``SelfRefine``: the revision was sampled after a draft and a critique that the conversation
  does not keep (the point is to consolidate the refined answer into the bare prompt). Its
  tokens are placed after the bare prompt with ``logprobs=None``: a learner may use them as
  token targets, never as on-policy samples with importance ratios.

Provenance records the scaffold's ``name``.
"""

from __future__ import annotations

import dataclasses
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from envgym.policy.base import Completion, Policy, SamplingParams, mix_seed
from envgym.rollout.chat import TokenConversation, completion_text
from envgym.types import Cost, Message, Verdict

if TYPE_CHECKING:
    from envgym.tools.budget import ToolBudget, ToolMeter

REVISE = "Your answer is not correct. Find the mistake and give a corrected final answer."
CRITIQUE = "Check your answer step by step. Point out any mistake."
REVISE_AFTER_CRITIQUE = "Now give your final answer, corrected if the check found a mistake."


@dataclass(frozen=True)
class Segment:
    """One model call whose tokens stay in the conversation (a ``Turn`` of the trajectory).

    prompt_ids: the conversation it continued; completion: what was sampled (or placed);
    tool_messages: tool results that answered it, inside a tool loop; cost: what it cost,
    discarded candidates included.
    """

    prompt_ids: tuple[int, ...]
    completion: Completion
    text: str
    cost: Cost
    tool_messages: tuple[Message, ...] = ()


@dataclass(frozen=True)
class Action:
    """A scaffold's turn: the answer the environment is stepped with and how it was reached.

    segments: the model calls kept in the conversation, the answer last.
    attempts: discarded candidates and drafts, for the record: ``{"text", "reward", "reason"}``.
    """

    text: str
    segments: tuple[Segment, ...]
    attempts: tuple[Mapping[str, Any], ...] = ()


class Judge:
    """What a scaffold may ask the environments of a batch, by position in the batch.

    ``score`` judges an answer without stepping (``env.score``); ``feedback`` gives the messages
    the environment answers a verdict with (``env.feedback``). Both go through the rollout's
    pool, so they run where the environments live (this process or Ray actors).
    """

    def __init__(self, pool: Any, slots: Sequence[int]) -> None:
        self._pool, self._slots = pool, list(slots)

    def score(self, items: Sequence[tuple[int, str]]) -> list[Verdict]:
        return self._pool.score([(self._slots[i], text) for i, text in items]) if items else []

    def feedback(self, items: Sequence[tuple[int, Verdict]]) -> list[list[dict]]:
        return self._pool.feedback([(self._slots[i], v) for i, v in items]) if items else []

    def hint(self, indices: Sequence[int]) -> list[list[dict]]:
        return self._pool.hint([self._slots[i] for i in indices]) if indices else []


class Scaffold:
    """The bare policy, and the base of every scaffold: one sample per turn.

    Subclasses override ``act`` (and ``prepare`` to change the opening messages). ``policy``,
    ``tokenizer``, ``version`` are the wrapped policy's, so a scaffold goes where a policy goes.
    """

    name = "none"

    def __init__(self, policy: Policy) -> None:
        if isinstance(policy, Scaffold):
            raise TypeError(f"{type(self).__name__} wraps a policy, not another scaffold ({policy.name})")
        self.policy = policy

    @property
    def tokenizer(self) -> Any:
        return self.policy.tokenizer

    @property
    def version(self) -> int:
        return self.policy.version

    def prepare(self, messages: Sequence[dict]) -> list[dict]:
        """The opening messages the model sees, from the environment's."""
        return [dict(m) for m in messages]

    def demonstration(self, answer: str) -> list[dict]:
        """The messages by which this scaffold reaches a given gold answer: a demonstration to train
        on (``sft`` with ``TrainConfig.scaffold``). Most scaffolds answer in one message."""
        return [{"role": "assistant", "content": answer}]

    def bare_answer(self, trajectory: Any) -> str:
        """One answer, for the bare prompt, that carries what this scaffold's trajectory worked out:
        consolidation's target (``distill`` with ``teacher_scaffold``). Most scaffolds' last answer is one."""
        return trajectory.turns[-1].text if trajectory.turns else ""

    def act(self, convs: Sequence[TokenConversation], params: SamplingParams, judge: Judge,
            max_context_tokens: int) -> list[Action]:
        """Play one turn in each conversation: append the kept tokens, return the answers."""
        prompts, groups = self._sample(convs, params)
        return [_answer(conv, prompt, group[0], _cost(prompt, group)) for conv, prompt, group in zip(convs, prompts, groups)]

    def _sample(self, convs: Sequence[TokenConversation], params: SamplingParams) -> tuple[list[tuple[int, ...]], list[list[Completion]]]:
        prompts = [tuple(c.ids) for c in convs]
        return prompts, self.policy.generate([list(p) for p in prompts], params) if prompts else []

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.policy.name})"


class Bare(Scaffold):
    """The bare policy (scaffold ``none``)."""


class BestOfN(Scaffold):
    """``n`` samples per turn; the environment's verifier picks the highest reward (first on ties).

    With the reference-holding verifier this is the oracle reranker whose accuracy is pass@n:
    the upper bound that consolidation into the bare policy aims at. Asked for greedy decoding,
    it samples its candidates at ``temperature`` instead (n copies of one greedy answer would be
    the bare policy at n times the cost).
    """

    name = "best_of_n"

    def __init__(self, policy: Policy, n: int = 4, temperature: float = 1.0) -> None:
        super().__init__(policy)
        if n < 1:
            raise ValueError(f"best_of_n needs n >= 1, got {n}")
        self.n, self.temperature = n, temperature

    def act(self, convs, params, judge, max_context_tokens):
        sampling = dataclasses.replace(params, n=self.n, temperature=params.temperature or self.temperature)
        prompts, groups = self._sample(convs, sampling)
        texts = [[completion_text(self.tokenizer, c.token_ids) for c in group] for group in groups]
        verdicts = iter(judge.score([(i, t) for i, ts in enumerate(texts) for t in ts]))
        actions = []
        for conv, prompt, group, group_texts in zip(convs, prompts, groups, texts):
            scored = [next(verdicts) for _ in group]
            best = max(range(len(group)), key=lambda k: (scored[k].reward, -k))
            attempts = tuple(_attempt(group_texts[k], scored[k]) for k in range(len(group)) if k != best)
            actions.append(dataclasses.replace(_answer(conv, prompt, group[best], _cost(prompt, group)), attempts=attempts))
        return actions


class SelfRefine(Scaffold):
    """Draft, then revise up to ``max_revisions`` times.

    critique="env": the environment judges each draft (``Judge.score``); a wrong one gets the
        environment's feedback (or a plain "not correct" when it has none) and is revised; the
        first correct draft, or the last revision, is the answer.
    critique="self": no verifier: the model checks its own draft, then revises, every round.
    """

    name = "self_refine"

    def __init__(self, policy: Policy, max_revisions: int = 2, critique: Literal["env", "self"] = "env") -> None:
        super().__init__(policy)
        if critique not in ("env", "self"):
            raise ValueError(f"self_refine critique must be 'env' or 'self', got {critique!r}")
        if max_revisions < 1:
            raise ValueError(f"self_refine needs max_revisions >= 1, got {max_revisions}")
        self.max_revisions, self.critique = max_revisions, critique

    def act(self, convs, params, judge, max_context_tokens):
        prompts, drafts = self._sample(convs, params)
        current = [group[0] for group in drafts]
        costs = [_cost(p, g) for p, g in zip(prompts, drafts)]
        attempts: list[list[Mapping[str, Any]]] = [[] for _ in convs]
        sides = [conv.fork() for conv in convs]
        revised = [False] * len(convs)
        open_ = list(range(len(convs)))
        room = (2 if self.critique == "env" else 3) * params.max_tokens
        for round_ in range(self.max_revisions):
            texts = {i: completion_text(self.tokenizer, current[i].token_ids) for i in open_}
            verdicts: dict[int, Verdict] = {}
            if self.critique == "env":
                verdicts = dict(zip(open_, judge.score([(i, texts[i]) for i in open_])))
                open_ = [i for i in open_ if not verdicts[i].correct]
            open_ = [i for i in open_ if len(sides[i]) + room <= max_context_tokens]
            if not open_:
                break
            for i in open_:
                attempts[i].append(_attempt(texts[i], verdicts.get(i)))
                sides[i].add_completion(current[i])
            if self.critique == "env":
                notes = judge.feedback([(i, verdicts[i]) for i in open_])
                for i, note in zip(open_, notes):
                    sides[i].add_messages(note or [{"role": "user", "content": REVISE}])
            else:
                self._critique([sides[i] for i in open_], open_, costs,
                               _reseed(params.rows(open_), 2 * round_ + 1))
            prompts_ = [tuple(sides[i].ids) for i in open_]
            outs = self.policy.generate([list(p) for p in prompts_], _reseed(params.rows(open_), 2 * round_ + 2))
            for i, prompt, group in zip(open_, prompts_, outs):
                current[i], revised[i] = group[0], True
                costs[i] += _cost(prompt, group)
        actions = []
        for i, conv in enumerate(convs):
            final = current[i]
            if revised[i]:  # sampled after a critique the conversation does not keep
                final = dataclasses.replace(final, logprobs=None)
            actions.append(dataclasses.replace(_answer(conv, prompts[i], final, costs[i]), attempts=tuple(attempts[i])))
        return actions

    def _critique(self, sides: list[TokenConversation], indices: list[int], costs: list[Cost], params: SamplingParams) -> None:
        """The model checks its own draft (already in ``sides``); the check and a request to revise follow it."""
        for side in sides:
            side.add_messages([{"role": "user", "content": CRITIQUE}])
        prompts = [tuple(side.ids) for side in sides]
        for side, i, prompt, group in zip(sides, indices, prompts, self.policy.generate([list(p) for p in prompts], params)):
            costs[i] += _cost(prompt, group)
            side.add_completion(group[0])
            side.add_messages([{"role": "user", "content": REVISE_AFTER_CRITIQUE}])


class Rationalize(Scaffold):
    """STaR's rationalisation: the model answers with the environment's hint (the answer) in view;
    the answer is placed after the bare prompt with ``logprobs=None``, as a token target to keep
    only if verified. Not an evaluation scaffold: the hint gives the answer away."""

    name = "rationalize"

    def act(self, convs, params, judge, max_context_tokens):
        hints = judge.hint(range(len(convs)))
        sides = [TokenConversation(self.tokenizer, [*conv.messages, *hint]) for conv, hint in zip(convs, hints)]
        prompts = [tuple(conv.ids) for conv in convs]
        outs = self.policy.generate([list(side.ids) for side in sides], params)
        return [_answer(conv, prompt, dataclasses.replace(group[0], logprobs=None), _cost(side.ids, group))
                for conv, prompt, side, group in zip(convs, prompts, sides, outs)]


class ToolLoop(Scaffold):
    """The model may call tools before it answers: each call's results join the conversation as
    tool messages and the model goes on, up to ``max_calls`` model calls with tool calls per turn.

    tools: ``envgym.tools.Tool`` objects (default: the calculator). Their schemas and the call
    format are added to the system message (``envgym.tools.tools_prompt``; ``prompt="brief"``
    lists them in a line each, for small models). The first completion without a tool call is
    the answer the environment judges.
    budget: the tool budget (``envgym.tools.ToolBudget`` or a mapping of its fields; default
    limits when None), kept per episode and per model completion as ``ToolEnv`` keeps it (one
    ``envgym.tools.ToolMeter`` per episode): calls past it are not run and a tool message says so.

    Demonstrations and consolidation (see ``Scaffold``): a worked gold answer's ``lhs = rhs``
    lines become calculator calls on ``lhs`` with the calculator's own results; a trajectory's
    calls and results become ``expression = result`` lines before its final answer, the form of a
    worked solution, so the bare policy learns to write what the tool computed.
    """

    name = "tool_loop"

    def __init__(self, policy: Policy, tools: Sequence[Any] | None = None, max_calls: int = 4,
                 prompt: Literal["full", "brief"] = "full", budget: ToolBudget | Mapping[str, Any] | None = None) -> None:
        super().__init__(policy)
        from envgym.tools import ToolBudget, calculator

        self.tools = {t.name: t for t in (tools if tools is not None else [calculator])}
        self.budget = ToolBudget.of(budget)
        # One account per episode: the collector keeps one conversation object per episode.
        self._meters: weakref.WeakKeyDictionary[TokenConversation, ToolMeter] = weakref.WeakKeyDictionary()
        if max_calls < 0:
            raise ValueError(f"tool_loop needs max_calls >= 0, got {max_calls}")
        if prompt not in ("full", "brief"):
            raise ValueError(f"tool_loop prompt must be 'full' or 'brief', got {prompt!r}")
        self.max_calls, self.prompt = max_calls, prompt

    def demonstration(self, answer: str) -> list[dict]:
        from envgym.tools.calls import call_text, run_tool_calls

        messages: list[dict] = []
        rest: list[str] = []
        for line in answer.splitlines():
            lhs, equals, _ = line.partition(" = ")
            if equals and "calculator" in self.tools and len(messages) < 2 * self.max_calls and _calculable(lhs):
                text = call_text("calculator", {"expression": lhs.strip()})
                messages += [{"role": "assistant", "content": text},
                             *(m.to_dict() for m in run_tool_calls(text, self.tools))]
            else:
                rest.append(line)
        return [*messages, {"role": "assistant", "content": "\n".join(rest)}]

    def bare_answer(self, trajectory: Any) -> str:
        from envgym.tools.calls import ToolCall, parse_tool_calls

        lines = []
        for turn in trajectory.turns[:-1]:
            calls = [c for c in parse_tool_calls(turn.text) if isinstance(c, ToolCall)]
            for call, result in zip(calls, (m for m in turn.env_messages if m.role == "tool")):
                shown = call.arguments.get("expression") if call.name == "calculator" and len(call.arguments) == 1 else None
                if shown is None:
                    shown = f"{call.name}({', '.join(f'{k}={v!r}' for k, v in call.arguments.items())})"
                lines.append(f"{shown} = {result.content.strip()}")
        return "\n".join([*lines, trajectory.turns[-1].text if trajectory.turns else ""])

    def prepare(self, messages):
        from envgym.tools import tools_prompt

        out = [dict(m) for m in messages]
        block = tools_prompt(list(self.tools.values()), self.prompt)
        if out and out[0]["role"] == "system":
            out[0]["content"] = f"{out[0]['content']}\n\n{block}"
        else:
            out.insert(0, {"role": "system", "content": block})
        return out

    def act(self, convs, params, judge, max_context_tokens):
        from envgym.tools import ToolMeter, parse_tool_calls

        meters = [self._meters.setdefault(conv, ToolMeter(self.budget)) for conv in convs]
        segments: list[list[Segment]] = [[] for _ in convs]
        answers: list[str | None] = [None] * len(convs)
        open_ = list(range(len(convs)))
        for call in range(self.max_calls + 1):
            prompts = [tuple(convs[i].ids) for i in open_]
            outs = self.policy.generate([list(p) for p in prompts], _reseed(params.rows(open_), call))
            still = []
            for i, prompt, group in zip(open_, prompts, outs):
                text = convs[i].add_completion(group[0])
                calls = parse_tool_calls(text) if call < self.max_calls else []
                results, use = meters[i].run(calls, self.tools) if calls else ([], None)
                fits = len(convs[i]) + params.max_tokens <= max_context_tokens
                if results and fits:
                    convs[i].add_messages([m.to_dict() for m in results])
                    cost = dataclasses.replace(_cost(prompt, group), tool_calls=use.calls_run + use.calls_refused)
                    segments[i].append(Segment(prompt, group[0], text, cost, tuple(results)))
                    still.append(i)
                else:
                    segments[i].append(Segment(prompt, group[0], text, _cost(prompt, group)))
                    answers[i] = text
            open_ = still
            if not open_:
                break
        return [Action(answer or "", tuple(segs)) for answer, segs in zip(answers, segments)]


# ---- helpers -------------------------------------------------------------------------------


def _answer(conv: TokenConversation, prompt: tuple[int, ...], completion: Completion, cost: Cost) -> Action:
    """Append the answer's tokens to the conversation; the action the environment is stepped with."""
    text = conv.add_completion(completion)
    return Action(text, (Segment(prompt, completion, text, cost),))


def _cost(prompt: Sequence[int], completions: Sequence[Completion]) -> Cost:
    """One request: its prompt counted once (as APIs bill it), every completion sampled for it."""
    return Cost(prompt_tokens=len(prompt), completion_tokens=sum(len(c.token_ids) for c in completions),
                model_calls=len(completions))


def _attempt(text: str, verdict: Verdict | None) -> dict[str, Any]:
    return {"text": text, "reward": None if verdict is None else verdict.reward,
            "reason": None if verdict is None else verdict.reason}


def _calculable(expression: str) -> bool:
    """Whether a worked step's left side is plain arithmetic the calculator takes as written."""
    import re

    return bool(re.fullmatch(r"[\d\s+\-*/().^]+", expression)) and any(ch.isdigit() for ch in expression)


def _reseed(params: SamplingParams, call: int) -> SamplingParams:
    """Distinct reproducible seeds for a scaffold's successive calls within one turn."""
    if call == 0:
        return params
    if params.row_seeds is not None:
        params = dataclasses.replace(params, row_seeds=tuple(mix_seed(s, call) for s in params.row_seeds))
    return params if params.seed is None else dataclasses.replace(params, seed=params.seed + 7919 * call)

