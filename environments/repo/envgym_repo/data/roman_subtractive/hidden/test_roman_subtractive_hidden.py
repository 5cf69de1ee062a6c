from observe import observe
from roman import from_roman, to_roman


def test_subtractive():
    observe([to_roman(n) for n in (4, 9, 40, 90, 400, 900)])


def test_1994():
    observe(to_roman(1994))


def test_read_back():
    observe([n for n in range(1, 4000) if from_roman(to_roman(n)) != n])  # the numbers read back wrong
