from observe import observe
from roman import from_roman, to_roman


def test_subtractive():
    observe([to_roman(n) for n in (4, 9, 40, 90, 400, 900)])


def test_1994():
    observe(to_roman(1994))


def test_read_back():
    numerals = [to_roman(n) for n in range(1, 4000)]
    observe(numerals[::37])
    observe([n for n, text in enumerate(numerals, 1) if from_roman(text) != n])  # none read back wrong
