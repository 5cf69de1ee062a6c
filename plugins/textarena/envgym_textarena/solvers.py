"""Scripted gold policies: for a TextArena game's current state, a move on the way to winning.

Each solver reads the TextArena environment's state and answers in the game's own move format.
Solvers for games with a secret use only what the player has been told (GuessTheNumber's
higher/lower hints, Mastermind's pegs); Minesweeper's and Sudoku's read the hidden board, as a
gold probe may. Each wins within the game's turn limit on every seed (the tests play them).
"""

from __future__ import annotations

from collections import deque
from itertools import permutations, product
from typing import Any


def guess_the_number(env: Any) -> str:
    """Binary search on the hints so far: at most 5 guesses for 1-20."""
    low, high = env.min_number, env.max_number
    for guess, hint in env.state.game_state["guess_history"]:
        if hint == "higher":
            low = max(low, guess + 1)
        else:
            high = min(high, guess - 1)
    return f"[{(low + high) // 2}]"


def minesweeper(env: Any) -> str:
    """The centre first (TextArena lays the mines after it, around it); then any safe hidden cell."""
    if env.first_move:
        return f"[{env.rows // 2} {env.cols // 2}]"
    for r in range(env.rows):
        for c in range(env.cols):
            if not env.revealed[r][c] and env.grid[r][c] != -1:
                return f"[{r} {c}]"
    raise ValueError("minesweeper: no safe hidden cell left; the game should be over")


def sudoku(env: Any) -> str:
    """The first empty cell, filled from the puzzle's unique solution (rows and columns from 1)."""
    board = env.state.game_state["board"]
    for r in range(9):
        for c in range(9):
            if board[r][c] == 0:
                return f"[{r + 1} {c + 1} {env.full_grid[r][c]}]"
    raise ValueError("sudoku: no empty cell left; the game should be over")


def lights_out(env: Any) -> str:
    """A press from a fewest-presses solution, found by light chasing over every first-row pattern.

    Each press's toggles commute, so the solution's presses can go in any order; the puzzle is
    scrambled by at most 15 presses, so the fewest-presses solution fits in its 20 turns.
    """
    presses = _fewest_presses([list(row) for row in env.state.game_state["grid"]])
    r, c = presses[0]
    return f"[{r} {c}]"


def _fewest_presses(grid: list[list[bool]]) -> list[tuple[int, int]]:
    n = len(grid)
    best: list[tuple[int, int]] | None = None
    for first_row in product((False, True), repeat=n):
        lights = [row[:] for row in grid]
        presses = [(0, c) for c in range(n) if first_row[c]]
        for r, c in presses:
            _press(lights, r, c)
        for r in range(1, n):
            for c in range(n):
                if lights[r - 1][c]:
                    presses.append((r, c))
                    _press(lights, r, c)
        if not any(lights[-1]) and (best is None or len(presses) < len(best)):
            best = presses
    if not best:
        raise ValueError("lights out: the grid has no solution or is already dark")
    return best


def _press(lights: list[list[bool]], r: int, c: int) -> None:
    for dr, dc in ((0, 0), (-1, 0), (1, 0), (0, -1), (0, 1)):
        if 0 <= r + dr < len(lights) and 0 <= c + dc < len(lights):
            lights[r + dr][c + dc] = not lights[r + dr][c + dc]


_STEPS = {(-1, 0): "up", (1, 0): "down", (0, -1): "left", (0, 1): "right"}


def frozen_lake(env: Any) -> str:
    """The first step of a shortest path to the goal around the holes (breadth-first search)."""
    state = env.state.game_state
    grid, start, goal = state["grid"], tuple(state["player_pos"]), tuple(state["goal_pos"])
    first: dict[tuple[int, int], str | None] = {start: None}
    queue = deque([start])
    while queue:
        r, c = queue.popleft()
        if (r, c) == goal:
            return f"[{first[goal]}]"
        for (dr, dc), name in _STEPS.items():
            nxt = (r + dr, c + dc)
            if 0 <= nxt[0] < len(grid) and 0 <= nxt[1] < len(grid) and nxt not in first and grid[nxt[0]][nxt[1]] != "H":
                first[nxt] = first[(r, c)] or name
                queue.append(nxt)
    raise ValueError("frozen lake: no path to the goal")


def mastermind(env: Any) -> str:
    """The first code, in order, that agrees with every peg count so far (6 guesses at most on 300 seeds)."""
    state = env.state.game_state
    digits = range(1, state["num_numbers"] + 1)
    codes = product(digits, repeat=state["code_length"]) if state["duplicate_numbers"] else permutations(
        digits, state["code_length"])
    history = state["history"]
    for code in codes:
        if all(_pegs(list(code), h["guess"]) == (h["black"], h["white"]) for h in history):
            return "[" + " ".join(map(str, code)) + "]"
    raise ValueError("mastermind: no code agrees with the feedback")


def _pegs(code: list[int], guess: list[int]) -> tuple[int, int]:
    """Black and white pegs for ``guess`` against ``code``, counted as TextArena counts them."""
    black = sum(a == b for a, b in zip(code, guess))
    common = sum(min(code.count(d), guess.count(d)) for d in set(guess))
    return black, common - black
