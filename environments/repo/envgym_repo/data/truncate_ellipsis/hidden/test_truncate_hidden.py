from observe import observe
from textkit import pad, truncate


def test_cut_text_fits_width():
    observe(truncate("hello world", 8))
    observe(len(truncate("x" * 50, 10)))


def test_exactly_ellipsis_width():
    observe(truncate("abcdef", 3))


def test_pad_long_text_keeps_width():
    observe(pad("a long column value", 10))
    observe(len(pad("a long column value", 12, "center")))
