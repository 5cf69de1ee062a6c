from mdtable import render


def test_wide_cell_widens_column():
    assert render(["id", "name"], [[1, "Ada Lovelace"], [2, "Bob"]]) == (
        "| id  | name         |\n"
        "| --- | ------------ |\n"
        "| 1   | Ada Lovelace |\n"
        "| 2   | Bob          |")


def test_right_aligned_wide_column():
    out = render(["name", "amount"], [["tea", 1250000]], align={"amount": "right"})
    assert out.splitlines() == ["| name |  amount |", "| ---- | ------: |", "| tea  | 1250000 |"]


def test_all_lines_same_length_with_escapes_and_none():
    out = render(["k", "v"], [["a|b", None], ["x", "long value here"]])
    assert len({len(l) for l in out.splitlines()}) == 1
    assert "a\\|b" in out
