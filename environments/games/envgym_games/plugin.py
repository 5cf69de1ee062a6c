"""The plugin module named by this package's ``envgym`` entry point."""

from envgym import EnvSpec, hookimpl


@hookimpl
def envgym_environments() -> list[EnvSpec]:
    return [
        EnvSpec(
            "envgym/GuessNumber-v0",
            "envgym_games.guess_number:GuessNumberEnv",
            {"low": 1, "high": 100, "max_turns": 8},
            "multi-turn: find a secret number from higher/lower replies; per-turn information rewards",
        ),
        EnvSpec(
            "envgym/Wordle-v0",
            "envgym_games.wordle:WordleEnv",
            {"max_turns": 6},
            "multi-turn: find a five-letter word from G/Y/. letter marks in 6 guesses; per-turn rewards",
        ),
    ]
