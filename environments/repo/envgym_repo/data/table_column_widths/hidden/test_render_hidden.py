from observe import observe
from mdtable import render


def test_wide_cell_widens_column():
    observe(render(["id", "name"], [[1, "Ada Lovelace"], [2, "Bob"]]))


def test_right_aligned_wide_column():
    observe(render(["name", "amount"], [["tea", 1250000]], align={"amount": "right"}).splitlines())


def test_all_lines_same_length_with_escapes_and_none():
    out = render(["k", "v"], [["a|b", None], ["x", "long value here"]])
    observe(len({len(line) for line in out.splitlines()}))
    observe("a\\|b" in out)
