"""Verifiers: the rewards. ``make_verifier(name)`` returns one that never raises and never hangs."""

from envgym.verify.base import Bound, Guarded, Verifier
from envgym.verify.bounded import BoundedRunner, CallTimeout

__all__ = ["Bound", "BoundedRunner", "CallTimeout", "Guarded", "Verifier"]
