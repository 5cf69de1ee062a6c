from observe import observe, observe_raises
from calc import evaluate


def test_leading_minus():
    observe(evaluate("-3 + 5"))
    observe(evaluate("-(2 + 3)"))


def test_minus_after_operator():
    observe(evaluate("2 * -4"))
    observe(evaluate("10 / -2 - 1"))
    observe(evaluate("1 - -1"))


def test_binary_minus_still_binary_and_errors_kept():
    observe(evaluate("7-2*3"))
    observe_raises(lambda: evaluate("2 *"))
