"""Verifiers that misbehave on purpose. A module of their own so worker processes can import them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from envgym import Verdict


@dataclass(frozen=True)
class Misbehaving:
    """'hang' loops forever, 'bigpow' computes 10**10**10 in C, 'raise' raises, 'none' returns None."""

    name: ClassVar[str] = "misbehaving"
    bound: ClassVar[str] = "process"

    def verify(self, completion: str, reference: object) -> Verdict:
        if completion == "hang":
            while True:
                pass
        if completion == "bigpow":
            return Verdict.ok(n=10**10**10)
        if completion == "raise":
            raise ValueError("bad input")
        if completion == "none":
            return None  # type: ignore[return-value]
        return Verdict.ok() if completion == str(reference) else Verdict.fail("wrong")


@dataclass(frozen=True)
class InlineRaising:
    name: ClassVar[str] = "inline-raising"
    bound: ClassVar[str] = "linear"

    def verify(self, completion: str, reference: object) -> Verdict:
        raise KeyError(completion)
