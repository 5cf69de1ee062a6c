from textkit import pad, truncate


def test_cut_text_fits_width():
    assert truncate("hello world", 8) == "hello..."
    assert len(truncate("x" * 50, 10)) == 10


def test_exactly_ellipsis_width():
    assert truncate("abcdef", 3) == "..."


def test_pad_long_text_keeps_width():
    assert pad("a long column value", 10) == "a long ..."
    assert len(pad("a long column value", 12, "center")) == 12
