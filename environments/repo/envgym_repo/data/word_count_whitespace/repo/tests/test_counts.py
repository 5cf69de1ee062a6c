from textstats import word_count, char_histogram


def test_simple_sentence():
    assert word_count("the quick brown fox") == 4


def test_empty():
    assert word_count("") == 0


def test_histogram():
    assert char_histogram("aab a") == {"a": 3, "b": 1}
