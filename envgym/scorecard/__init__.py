"""``envgym scorecard``: a slower, thorough companion to ``envgym check``, one row per environment.

``envgym check`` is the fast gate (does the environment keep its contract?). The scorecard asks
whether it is worth training on, and measures what a reader needs to decide:

- the check's own probes (``envgym.check``): Gymnasium's checker, seeded reset, gold and hack
  probes over whole episodes (a multi-turn hack is played to the end), hostile input, misuse;
- determinism over seeds, on a second, fresh instance: the same seed gives the same
  observations and, with the gold policy, the same rewards (a fresh instance, because an
  environment that keeps its tasks by seed would hide a nondeterministic draw from itself);
- the share of tasks the gold policy solves, and the reward spread between the gold and the
  random policy, on a sample of seeds with Wilson intervals;
- agreement of the environment's verdicts with a second verifier the environment declares
  (``TextEnv.second_verifier``), or else with the labels the probes carry (gold must be
  correct, hacks must not), with an interval;
- steps per second of the gold and random episodes;
- containment, for sandboxed environments: hostile programs (reading and writing host files,
  reaching a host socket, a fork bomb) must earn nothing and stop in time
  (``envgym.scorecard.containment``);
- the size of the task space and of the held-out partition (``envgym.heldout``);
- optionally, learnability: a short seeded run of the tiny model (SFT on gold traces, then a
  few RLVR steps) and whether held-out pass@1 rises beyond noise, as a paired interval
  (``envgym.scorecard.learnability``).

Each row gets a verdict, ``ready``, ``caution`` or ``broken``, with its reasons
(``envgym.scorecard.card``), and renders as Markdown, HTML or JSON (``envgym.scorecard.render``).
"""

from envgym.scorecard.card import Reason, Scorecard, ScorecardConfig, scorecard, scorecards
from envgym.scorecard.learnability import LearnConfig, Learnability
from envgym.scorecard.render import to_html, to_json, to_markdown

__all__ = ["LearnConfig", "Learnability", "Reason", "Scorecard", "ScorecardConfig", "scorecard", "scorecards", "to_html", "to_json", "to_markdown"]
