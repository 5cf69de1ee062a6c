from roman import from_roman, to_roman


def test_subtractive():
    assert [to_roman(n) for n in (4, 9, 40, 90, 400, 900)] == ["IV", "IX", "XL", "XC", "CD", "CM"]


def test_1994():
    assert to_roman(1994) == "MCMXCIV"


def test_read_back():
    assert all(from_roman(to_roman(n)) == n for n in range(1, 4000))
