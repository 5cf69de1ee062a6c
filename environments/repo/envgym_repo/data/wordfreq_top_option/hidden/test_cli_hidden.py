import io
import os
import tempfile

from observe import observe
from wordfreq.cli import main

TEXT = "a b b c c c dd dd dd dd eee eee eee eee eee"


def run(argv, text=TEXT):
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, io.StringIO(text), out, err)
    return code, out.getvalue().splitlines(), err.getvalue()


def test_top():
    observe(run(["--top", "2"])[:2])
    observe(run(["--top", "10"])[1])


def test_min_length_then_top():
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "t.txt")
        with open(path, "w") as f:
            f.write(TEXT)
        observe(run(["--min-length", "2", path])[:2])
        observe(run([path, "--min-length", "3", "--top", "1"])[1])


def test_bad_values_are_usage_errors():
    for argv in (["--top", "zero"], ["--top", "0"], ["--top"], ["--min-length", "-1"]):
        code, out, err = run(argv)
        observe([code, out, err.startswith("wordfreq:")])
