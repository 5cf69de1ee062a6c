import pytest
from calc import evaluate


def test_leading_minus():
    assert evaluate("-3 + 5") == 2
    assert evaluate("-(2 + 3)") == -5


def test_minus_after_operator():
    assert evaluate("2 * -4") == -8
    assert evaluate("10 / -2 - 1") == -6
    assert evaluate("1 - -1") == 2


def test_binary_minus_still_binary_and_errors_kept():
    assert evaluate("7-2*3") == 1
    with pytest.raises(SyntaxError):
        evaluate("2 *")
