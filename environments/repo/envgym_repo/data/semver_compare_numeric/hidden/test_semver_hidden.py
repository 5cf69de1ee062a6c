from semver import compare, latest


def test_two_digit_parts():
    assert compare("1.10.0", "1.9.0") == 1
    assert compare("1.9.0", "1.10.0") == -1


def test_missing_part_is_zero():
    assert compare("1.2", "1.2.0") == 0
    assert compare("1.2.1", "1.2") == 1


def test_latest_numeric():
    assert latest(["2.0.9", "2.0.10", "1.99.0"]) == "2.0.10"
