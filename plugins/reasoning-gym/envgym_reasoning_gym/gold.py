"""Gold answers: what the gold probe puts inside ``<answer>``, for every exposed dataset.

Most entries carry their answer (``entry["answer"]``). Five datasets have many right answers
and store None there; their scorer checks an answer's validity instead. Three of them keep a
worked answer in the entry's metadata (``REFERENCE_KEYS``); for the other two this module solves
the entry: ``rush_hour`` by breadth-first search over the board, ``boxnet`` by moving each box
to a target of its colour one square per step.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable, Mapping
from typing import Any

REFERENCE_KEYS: dict[str, str] = {
    "graph_color": "possible_answer",
    "propositional_logic": "example_answer",
    "rubiks_cube": "example_correct_answer",
}


def gold_answer(dataset: str, entry: Mapping[str, Any]) -> str:
    """A right answer to ``entry`` of ``dataset``, as the text to put inside the answer tag."""
    solver = SOLVERS.get(dataset)
    if solver is not None:
        return solver(entry)
    key = REFERENCE_KEYS.get(dataset)
    value = entry["answer"] if key is None else entry["metadata"][key]
    return value if isinstance(value, str) else json.dumps(value)


# ---- rush_hour ------------------------------------------------------------------------------

_SIDE = 6
_TARGET = 2 * _SIDE + _SIDE - 2  # the red car (piece A) at the exit, as reasoning-gym defines it


def solve_rush_hour(entry: Mapping[str, Any]) -> str:
    """Moves that bring the red car to the exit, in reasoning-gym's notation (``B+1 A-2 ...``).

    Pieces are lettered as reasoning-gym's board shows them: by their labels' sorted order.
    Breadth-first search over single steps; consecutive steps of one car are merged.

    >>> solve_rush_hour({"metadata": {"board_config": "ooooooooooooAAoooooooooooooooooooooo"}})
    'A+4'
    """
    cells: dict[str, list[int]] = {}
    walls: set[int] = set()
    for i, label in enumerate(entry["metadata"]["board_config"]):
        if label == "x":
            walls.add(i)
        elif label != "o":
            cells.setdefault(label, []).append(i)
    pieces = [cells[label] for label in sorted(cells)]
    sizes = [len(p) for p in pieces]
    strides = [p[1] - p[0] for p in pieces]
    start = tuple(p[0] for p in pieces)
    parents: dict[tuple[int, ...], tuple[tuple[int, ...], int, int] | None] = {start: None}
    queue = deque([start])
    while queue:
        state = queue.popleft()
        if state[0] == _TARGET:
            return _rush_hour_moves(parents, state)
        taken = set(walls)
        for pos, size, stride in zip(state, sizes, strides):
            taken.update(pos + k * stride for k in range(size))
        for i, (pos, size, stride) in enumerate(zip(state, sizes, strides)):
            for step in (-1, 1):
                new = pos + step * stride
                end = new + (size - 1) * stride
                if stride == 1 and (new // _SIDE != pos // _SIDE or end // _SIDE != pos // _SIDE):
                    continue
                if not (0 <= new and end < _SIDE * _SIDE):
                    continue
                entering = new if step < 0 else end
                if entering in taken:
                    continue
                nxt = state[:i] + (new,) + state[i + 1 :]
                if nxt not in parents:
                    parents[nxt] = (state, i, step)
                    queue.append(nxt)
    raise ValueError(f"rush_hour: board {entry['metadata']['board_config']!r} has no solution")


def _rush_hour_moves(parents: Mapping[tuple[int, ...], Any], state: tuple[int, ...]) -> str:
    steps: list[tuple[int, int]] = []
    while parents[state] is not None:
        state, piece, step = parents[state]
        steps.append((piece, step))
    merged: list[list[int]] = []
    for piece, step in reversed(steps):
        if merged and merged[-1][0] == piece and (merged[-1][1] > 0) == (step > 0):
            merged[-1][1] += step
        else:
            merged.append([piece, step])
    return " ".join(f"{chr(ord('A') + piece)}{'+' if n > 0 else '-'}{abs(n)}" for piece, n in merged)


# ---- boxnet ---------------------------------------------------------------------------------


def plan_boxnet(entry: Mapping[str, Any]) -> str:
    """A JSON action plan that moves every box onto a target of its colour, one action per step.

    >>> plan_boxnet({"metadata": {"initial_state": {"0.5_0.5": ["box_red"], "0.5_1.5": ["target_red"]}}})
    '[{"Agent[0.5, 0.5]": "move(box_red, square[0.5, 1.5])"}, {"Agent[0.5, 1.5]": "move(box_red, target_red)"}]'
    """
    boxes: list[tuple[str, tuple[int, int]]] = []
    targets: dict[str, list[tuple[int, int]]] = {}
    for square, items in entry["metadata"]["initial_state"].items():
        cell = tuple(int(float(x)) for x in square.split("_"))
        for item in items:
            kind, _, colour = item.partition("_")
            if kind == "box":
                boxes.append((colour, cell))
            elif kind == "target":
                targets.setdefault(colour, []).append(cell)
    plan: list[dict[str, str]] = []
    for colour, (r, c) in boxes:
        options = targets[colour]
        goal = min(options, key=lambda t: abs(t[0] - r) + abs(t[1] - c))
        options.remove(goal)
        while (r, c) != goal:
            nr, nc = (r + (goal[0] > r) - (goal[0] < r), c) if r != goal[0] else (r, c + (goal[1] > c) - (goal[1] < c))
            plan.append({_agent(r, c): f"move(box_{colour}, square[{nr + 0.5}, {nc + 0.5}])"})
            r, c = nr, nc
        plan.append({_agent(r, c): f"move(box_{colour}, target_{colour})"})
    return json.dumps(plan)


def _agent(r: int, c: int) -> str:
    return f"Agent[{r + 0.5}, {c + 0.5}]"


SOLVERS: dict[str, Callable[[Mapping[str, Any]], str]] = {"rush_hour": solve_rush_hour, "boxnet": plan_boxnet}
