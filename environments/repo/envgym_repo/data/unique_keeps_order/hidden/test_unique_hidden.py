from seqtools import unique


def test_first_seen_order():
    assert unique(["b", "a", "b", "c", "a"]) == ["b", "a", "c"]
    assert unique([30, 10, 20, 10, 30]) == [30, 10, 20]


def test_key_decides_repeats():
    users = [{"email": "x@a", "n": 1}, {"email": "y@a", "n": 2}, {"email": "x@a", "n": 3}]
    assert unique(users, key=lambda u: u["email"]) == users[:2]


def test_key_on_strings_and_generators():
    assert unique((w for w in ["Apple", "apple", "Pear", "APPLE"]), key=str.lower) == ["Apple", "Pear"]
