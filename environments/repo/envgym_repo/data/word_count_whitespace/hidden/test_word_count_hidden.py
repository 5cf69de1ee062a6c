from textstats import word_count


def test_double_spaces():
    assert word_count("a  b") == 2


def test_newlines_and_tabs():
    assert word_count("a\tb\nc") == 3


def test_surrounding_space():
    assert word_count("  hello world  ") == 2


def test_only_space():
    assert word_count("   ") == 0
