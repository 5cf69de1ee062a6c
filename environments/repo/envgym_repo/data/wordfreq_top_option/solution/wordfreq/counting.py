import re
from collections import Counter

WORD = re.compile(r"[a-z']+")


def count_words(text, min_length=1):
    """A Counter of the lower-cased words of ``text`` at least ``min_length`` letters long."""
    words = (w.strip("'") for w in WORD.findall(text.lower()))
    return Counter(w for w in words if w and len(w) >= min_length)


def ranked(counts):
    """(word, count) pairs, most frequent first, ties in alphabetical order."""
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))
