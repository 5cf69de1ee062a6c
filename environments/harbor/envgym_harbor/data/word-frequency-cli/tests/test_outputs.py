"""Runs /app/wordfreq.py on a few inputs and compares its output with the expected lines."""

import subprocess

import pytest

CASES = [
    ("the cat and the hat. The END", "the 3\nand 1\ncat 1\n"),
    ("b a c b a", "a 2\nb 2\nc 1\n"),
    ("Don't stop-believing, DON'T!", "don 2\nt 2\nbelieving 1\n"),
    ("solo", "solo 1\n"),
    ("", ""),
    ("x1y2x3 z", "x 2\ny 1\nz 1\n"),
]


@pytest.mark.parametrize("text, expected", CASES)
def test_wordfreq(text, expected):
    out = subprocess.run(["python3", "/app/wordfreq.py"], input=text, capture_output=True, text=True, timeout=10)
    assert out.returncode == 0, out.stderr
    assert out.stdout == expected
