"""envgym's own plugin: the built-in verifiers, registered through the public hooks."""

from __future__ import annotations

from envgym.hookspecs import hookimpl
from envgym.registry import ComponentSpec


@hookimpl
def envgym_verifiers() -> list[ComponentSpec]:
    return [
        ComponentSpec("number", "envgym.verify.match:NumberMatch", "final number equals the reference exactly"),
        ComponentSpec("math", "envgym.verify.math:MathVerifier", "mathematical equivalence of the final answer (LaTeX, sympy)"),
        ComponentSpec("math-steps", "envgym.verify.steps:StepVerifier", "per-step checks of a worked solution, for process rewards"),
        ComponentSpec("exact", "envgym.verify.match:ExactMatch", "answer equals the reference after folding case and space"),
    ]


@hookimpl
def envgym_tools() -> list[ComponentSpec]:
    return [
        ComponentSpec("calculator", "envgym.tools.builtin:calculator", "exact arithmetic and light algebra with sympy"),
        ComponentSpec("python", "envgym.tools.python:python", "runs Python code in the default sandbox and returns what it printed"),
    ]


@hookimpl
def envgym_sandboxes() -> list[ComponentSpec]:
    return [
        ComponentSpec("bwrap", "envgym.sandbox.bwrap:BwrapSandbox", "bubblewrap namespaces, read-only system, tmpfs work dir (default)"),
        ComponentSpec("docker", "envgym.sandbox.docker:DockerSandbox", "a pool of warm locked-down containers, one exec per run"),
        ComponentSpec("process", "envgym.sandbox.process:ProcessSandbox", "rlimits only: NOT isolation, for machines without the others"),
    ]


@hookimpl
def envgym_policies() -> list[ComponentSpec]:
    return [
        ComponentSpec("hf", "envgym.policy.hf:HFPolicy", "a transformers model, batched with a KV cache"),
        ComponentSpec("vllm", "envgym.policy.vllm:VLLMPolicy", "vLLM's offline engine, token ids in and out, in-place weight updates"),
        ComponentSpec("openai", "envgym.policy.openai:OpenAIPolicy", "any OpenAI-compatible completions endpoint (e.g. vllm serve)"),
    ]


@hookimpl
def envgym_scaffolds() -> list[ComponentSpec]:
    return [
        ComponentSpec("none", "envgym.rollout.scaffold:Bare", "the bare policy: one sample per turn"),
        ComponentSpec("best_of_n", "envgym.rollout.scaffold:BestOfN", "n samples per turn, the environment's verifier picks one"),
        ComponentSpec("self_refine", "envgym.rollout.scaffold:SelfRefine", "draft, then revise after environment feedback or self-critique"),
        ComponentSpec("tool_loop", "envgym.rollout.scaffold:ToolLoop", "the model calls tools until it answers"),
    ]


@hookimpl
def envgym_learners() -> list[ComponentSpec]:
    return [
        ComponentSpec("sft", "envgym.learn.learners:SFT", "token targets on external traces (gold, teacher, stored verified)"),
        ComponentSpec("rlvr", "envgym.learn.learners:RLVR", "GRPO-family RL on fresh groups (GRPO, RLOO, Dr. GRPO advantages)"),
        ComponentSpec("process", "envgym.learn.learners:Process", "step-level rewards on each step's tokens plus the outcome"),
        ComponentSpec("refine", "envgym.learn.learners:Refine", "self-refinement kept when verified, with STaR rationalisation (ReST-EM)"),
        ComponentSpec("distill", "envgym.learn.learners:Distill", "teacher traces as targets, or per-token reverse-KL on own samples"),
        ComponentSpec("guided", "envgym.learn.learners:Guided", "rlvr where a verified trace joins groups that failed entirely"),
        ComponentSpec("dpo", "envgym.learn.preference:DPO", "preference pairs (DPO, IPO, SimPO): verified vs unverified answers, or a file"),
    ]


@hookimpl
def envgym_samplers() -> list[ComponentSpec]:
    return [
        ComponentSpec("uniform", "envgym.learn.samplers:Uniform", "every training task equally likely (the default)"),
        ComponentSpec("adaptive", "envgym.learn.samplers:Adaptive",
                      "a curriculum: tasks whose recent pass rate is inside a band (0.2-0.8)"),
    ]
