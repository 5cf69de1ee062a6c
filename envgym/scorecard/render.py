"""Scorecards as a table, one row per environment: Markdown, a standalone HTML page, or JSON."""

from __future__ import annotations

import html
import json
from collections.abc import Sequence

from envgym.scorecard.card import Scorecard

HEAD = ("environment", "verdict", "reasons", "deterministic", "gold solves", "verifier agreement",
        "return gold / random", "steps/s", "containment", "tasks: space / held out", "learnability", "seconds")


def cells(card: Scorecard) -> list[str]:
    """The row's cells as plain text."""
    learn = card.learnability
    return [
        card.env_id,
        card.rating,
        "; ".join(str(r) for r in card.reasons) or "-",
        card.deterministic.split(" (")[0] or "-",
        str(card.gold_solved) if card.gold_solved else "-",
        f"{card.agreement} ({card.agreement_with})" if card.agreement else "-",
        f"{_num(card.gold_return)} / {_num(card.random_return)}" if card.random_return is not None else "-",
        _num(card.steps_per_s, 1),
        card.containment or "-",
        f"{card.task_space if card.task_space is not None else 'unbounded'} / {card.held_out}"
        if card.held_out is not None else "-",
        (f"{learn.before:.2f} -> {learn.after:.2f}, change {learn.change}"
         + (" (beyond noise)" if learn.significant else " (within noise)")) if learn else "not run",
        f"{card.seconds:.1f}",
    ]


def _num(x: float | None, digits: int = 3) -> str:
    return "-" if x is None else f"{x:.{digits}g}" if digits > 1 else f"{x:.1f}"


def to_markdown(cards: Sequence[Scorecard], title: str = "envgym scorecard") -> str:
    esc = lambda s: s.replace("|", "\\|").replace("\n", " ")  # noqa: E731
    counts = {r: sum(c.rating == r for c in cards) for r in ("ready", "caution", "broken")}
    lines = [f"# {title}", "", ", ".join(f"{n} {r}" for r, n in counts.items()), "",
             "| " + " | ".join(HEAD) + " |", "|" + "---|" * len(HEAD)]
    for card in cards:
        row = cells(card)
        row[1] = f"**{row[1]}**"
        lines.append("| " + " | ".join(esc(c) for c in row) + " |")
    learned = [c for c in cards if c.learnability]
    if learned:
        lines += ["", "Learnability runs: " + learned[0].learnability.settings + "."]
    return "\n".join(lines) + "\n"


COLOURS = {"ready": "#1a7f37", "caution": "#9a6700", "broken": "#cf222e"}


def to_html(cards: Sequence[Scorecard], title: str = "envgym scorecard") -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in HEAD)
    rows = []
    for card in cards:
        row = [html.escape(c) for c in cells(card)]
        row[1] = f'<b style="color:{COLOURS[card.rating]}">{row[1]}</b>'
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>")
    style = ("body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;font-size:13px}"
             "td,th{border:1px solid #ccc;padding:4px 6px;vertical-align:top}th{background:#f4f4f4}")
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
            f"<style>{style}</style></head><body><h1>{html.escape(title)}</h1>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></body></html>\n")


def to_json(cards: Sequence[Scorecard]) -> str:
    return json.dumps([c.to_dict() for c in cards], indent=2, allow_nan=False)
