from observe import observe
from textstats import word_count


def test_double_spaces():
    observe(word_count("a  b"))


def test_newlines_and_tabs():
    observe(word_count("a\tb\nc"))


def test_surrounding_space():
    observe(word_count("  hello world  "))


def test_only_space():
    observe(word_count("   "))
