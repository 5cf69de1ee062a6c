import re
from collections import Counter

WORD = re.compile(r"[a-z']+")


def count_words(text):
    """A Counter of the lower-cased words of ``text``."""
    return Counter(w.strip("'") for w in WORD.findall(text.lower()) if w.strip("'"))


def ranked(counts):
    """(word, count) pairs, most frequent first, ties in alphabetical order."""
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))
