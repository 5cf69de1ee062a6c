def word_count(text):
    """How many words the text holds."""
    return len(text.split())


def char_histogram(text):
    """How often each non-space character occurs."""
    counts = {}
    for ch in text:
        if not ch.isspace():
            counts[ch] = counts.get(ch, 0) + 1
    return counts
