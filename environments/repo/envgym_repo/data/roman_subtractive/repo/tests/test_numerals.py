from roman import from_roman, to_roman


def test_additive():
    assert to_roman(3) == "III" and to_roman(2023) == "MMXXIII"
    assert from_roman("MMXXIII") == 2023
