from observe import observe
from seqtools import unique


def test_first_seen_order():
    observe(unique(["b", "a", "b", "c", "a"]))
    observe(unique([30, 10, 20, 10, 30]))


def test_key_decides_repeats():
    users = [{"email": "x@a", "n": 1}, {"email": "y@a", "n": 2}, {"email": "x@a", "n": 3}]
    observe(unique(users, key=lambda u: u["email"]))


def test_key_on_strings_and_generators():
    observe(unique((w for w in ["Apple", "apple", "Pear", "APPLE"]), key=str.lower))
