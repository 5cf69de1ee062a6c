"""Sandboxes for untrusted code: ``envgym.make_sandbox("bwrap" | "process" | "docker", **limits)``."""

from envgym.sandbox.base import Limits, Program, RunResult, Sandbox, SandboxBase

__all__ = ["Limits", "Program", "RunResult", "Sandbox", "SandboxBase"]
