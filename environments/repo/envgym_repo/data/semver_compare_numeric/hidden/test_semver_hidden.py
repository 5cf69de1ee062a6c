from observe import observe
from semver import compare, latest


def test_two_digit_parts():
    observe(compare("1.10.0", "1.9.0"))
    observe(compare("1.9.0", "1.10.0"))


def test_missing_part_is_zero():
    observe(compare("1.2", "1.2.0"))
    observe(compare("1.2.1", "1.2"))


def test_latest_numeric():
    observe(latest(["2.0.9", "2.0.10", "1.99.0"]))
