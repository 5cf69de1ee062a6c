import pytest
from numutil import clamp


def test_bad_range():
    with pytest.raises(ValueError):
        clamp(1, 5, 0)
