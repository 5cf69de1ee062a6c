import pytest
from textkit import pad, truncate


def test_short_text_unchanged():
    assert truncate("abc", 10) == "abc"
    assert truncate("abcdefgh", 8) == "abcdefgh"


def test_width_too_small():
    with pytest.raises(ValueError):
        truncate("abcdef", 2)


def test_pad_short():
    assert pad("ab", 5, "right") == "   ab"
