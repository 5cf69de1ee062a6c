"""TextArena's single-player puzzle games as multi-turn envgym environments, ``textarena/<Game>-v0``."""

from envgym_textarena.env import TextArenaEnv
from envgym_textarena.game import Game, Outcome
from envgym_textarena.games import GAMES, LEFT_OUT, GameSpec

__all__ = ["GAMES", "LEFT_OUT", "Game", "GameSpec", "Outcome", "TextArenaEnv"]
