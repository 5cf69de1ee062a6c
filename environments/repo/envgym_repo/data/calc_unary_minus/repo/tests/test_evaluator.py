import pytest
from calc import evaluate


def test_precedence():
    assert evaluate("2 + 3 * 4") == 14
    assert evaluate("(2 + 3) * 4") == 20


def test_subtraction():
    assert evaluate("5 - 3 - 1") == 1


def test_garbage():
    with pytest.raises(SyntaxError):
        evaluate("2 $ 3")
