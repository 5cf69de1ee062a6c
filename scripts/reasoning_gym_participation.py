"""Which reasoning-gym datasets pay participation credit: the list in plugins/reasoning-gym/README.md.

For every dataset in reasoning-gym's registry (``composite`` aside: it mixes the others), scores
each junk answer (``participation.JUNK_ANSWERS``: empty, "garbage", "banana", "?") against
the first entries of a seed-0 pool with the dataset's scorer as envgym calls it, each dataset in
envgym's bounded worker process (a scorer may hang), and lists the datasets where junk earns
more than 0, with the highest score and whether envgym's default rule (a score of at most
``PARTICIPATION_LEVEL`` is 0) zeroes it.

    python scripts/reasoning_gym_participation.py            # print the list
    python scripts/reasoning_gym_participation.py --write    # and put it in the README

About a minute on one core.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from envgym.verify.bounded import BoundedRunner, CallTimeout
from envgym_reasoning_gym.catalog import COMPOSITE, exposed_datasets
from envgym_reasoning_gym.participation import PARTICIPATION_LEVEL, junk_scores

README = Path(__file__).resolve().parent.parent / "plugins" / "reasoning-gym" / "README.md"
BEGIN, END = "<!-- participation list: begin -->", "<!-- participation list: end -->"


def measure(entries: int) -> dict[str, dict[str, float] | str]:
    runner = BoundedRunner(max_workers=1)
    found: dict[str, dict[str, float] | str] = {}
    try:
        for dataset in exposed_datasets():
            if dataset == COMPOSITE:
                continue
            try:
                found[dataset] = runner.call(junk_scores, (dataset, entries), 120.0)
            except (CallTimeout, RuntimeError) as exc:
                found[dataset] = f"not measured: {exc}"
    finally:
        runner.close()
    return found


def listing(found: dict[str, dict[str, float] | str]) -> str:
    lines = []
    for dataset, scores in sorted(found.items()):
        if isinstance(scores, str):
            lines.append(f"- `{dataset}`: {scores}")
            continue
        best = max(scores.values())
        if best <= 0.0:
            continue
        paid = ", ".join(f"{answer!r}" for answer, score in scores.items() if score > 0)
        rule = "scored 0 by default" if best <= PARTICIPATION_LEVEL else "above the level: kept (graded by the scorer)"
        lines.append(f"- `{dataset}`: up to {best:.3g} (for {paid}); {rule}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=8, help="entries of each dataset to score the junk against")
    parser.add_argument("--write", action="store_true", help=f"replace the list in {README.name}")
    args = parser.parse_args()
    text = listing(measure(args.entries))
    print(text)
    if args.write:
        readme = README.read_text()
        pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.S)
        if not pattern.search(readme):
            raise SystemExit(f"{README}: no {BEGIN} ... {END} section to replace")
        README.write_text(pattern.sub(lambda _: f"{BEGIN}\n{text}\n{END}", readme))


if __name__ == "__main__":
    main()
