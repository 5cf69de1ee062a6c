"""wordfreq: count the words of a text, from Python or the command line."""
from wordfreq.counting import count_words, ranked

__all__ = ["count_words", "ranked"]
