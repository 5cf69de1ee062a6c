"""The verifier contract, and the guard that makes every verifier keep it.

A verifier judges a completion against a reference and returns a ``Verdict``. Model output is
adversarial under RL, so the contract (docs/design.md, rule 3) is enforced here, once, rather
than trusted to each verifier:

- ``verify`` never raises on model output: a non-string, an over-long completion, or an
  exception inside the verifier becomes reward 0 with a reason;
- ``verify`` never hangs: a verifier declares how its time is bounded. ``"linear"`` verifiers
  (regexes and string work over a length-capped input) are bounded by construction and run
  inline, at no cost; ``"process"`` verifiers (open-ended work such as symbolic algebra) run in
  a worker process that is killed at ``timeout_s``, which holds in threads and processes alike.
  ``timeout_s`` bounds the whole ``verify`` call, the fast path and a worker's start included
  (not the wait for a free worker when more threads verify at once than there are workers).
  A ``"process"`` verifier may also define ``quick_verify``, a linear-time fast path run
  inline first; it returns None when only the slow path can decide.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, Protocol, runtime_checkable

from envgym.types import Verdict
from envgym.verify.bounded import CallTimeout, default_runner

Bound = Literal["linear", "process", "sandbox"]
"""How a verifier's time is bounded: ``linear`` (string work on a length-capped input, inline),
``process`` (open-ended: a killable worker process, ``timeout_s``), ``sandbox`` (it runs code in an
envgym sandbox whose wall-clock kill bounds it; inline)."""
DEFAULT_MAX_CHARS = 200_000


@runtime_checkable
class Verifier(Protocol):
    """Judges one completion. Implementations may raise; ``Guarded`` turns that into a Verdict."""

    name: ClassVar[str]
    bound: ClassVar[Bound]

    def verify(self, completion: str, reference: Any) -> Verdict: ...


@dataclass(frozen=True)
class VerifierSpec:
    """A named verifier factory, as plugins register them."""

    name: str
    factory: Callable[..., Verifier]
    summary: str = ""
    plugin: str | None = None


class Guarded:
    """A verifier that keeps the contract whatever the wrapped one does.

    timeout_s: hard wall-clock bound for ``"process"`` verifiers, in seconds.
    max_chars: completions longer than this score 0 without being parsed.
    """

    def __init__(self, inner: Verifier, *, timeout_s: float = 5.0, max_chars: int = DEFAULT_MAX_CHARS):
        if getattr(inner, "bound", None) not in ("linear", "process", "sandbox"):
            raise TypeError(
                f"verifier {type(inner).__name__} must declare bound = 'linear', 'process' or 'sandbox' "
                "(how its running time is bounded); see envgym.verify.base"
            )
        self.inner = inner
        self.name = inner.name
        self.bound = inner.bound
        self.timeout_s = timeout_s
        self.max_chars = max_chars
        # Bind once: the per-call path is a hot loop in RL.
        self._call = self._in_process if inner.bound == "process" else inner.verify

    def verify(self, completion: Any, reference: Any) -> Verdict:
        if type(completion) is not str:
            return Verdict.fail(f"completion must be a string, got {type(completion).__name__}")
        if len(completion) > self.max_chars:
            return Verdict.fail(f"completion longer than {self.max_chars} characters")
        try:
            verdict = self._call(completion, reference)
        except CallTimeout:
            return Verdict.fail(f"verifier {self.name!r} exceeded {self.timeout_s:g}s", timeout=True)
        except Exception as exc:  # noqa: BLE001 - the contract: never raise on model output
            return Verdict.fail(f"verifier {self.name!r} failed: {type(exc).__name__}: {exc}")
        if type(verdict) is not Verdict:
            return Verdict.fail(f"verifier {self.name!r} returned {type(verdict).__name__}, not Verdict")
        return verdict

    def _in_process(self, completion: str, reference: Any) -> Verdict:
        deadline = time.monotonic() + self.timeout_s  # the whole call: fast path, a worker's start, the work
        quick = getattr(self.inner, "quick_verify", None)
        if quick is not None:
            verdict = quick(completion, reference)
            if verdict is not None:
                return verdict
        return default_runner().call(self.inner.verify, (completion, reference), self.timeout_s, deadline=deadline)

    def __repr__(self) -> str:
        return f"Guarded({self.inner!r}, timeout_s={self.timeout_s})"
