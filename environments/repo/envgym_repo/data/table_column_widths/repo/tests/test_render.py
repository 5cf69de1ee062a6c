import pytest
from mdtable import render


def test_short_cells():
    assert render(["id", "name"], [[1, "Ada"]]) == "| id  | name |\n| --- | ---- |\n| 1   | Ada  |"


def test_row_length_checked():
    with pytest.raises(ValueError):
        render(["a", "b"], [[1]])
