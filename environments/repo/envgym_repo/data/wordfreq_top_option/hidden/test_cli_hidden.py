import io

from wordfreq.cli import main

TEXT = "a b b c c c dd dd dd dd eee eee eee eee eee"


def run(argv, text=TEXT):
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, io.StringIO(text), out, err)
    return code, out.getvalue().splitlines(), err.getvalue()


def test_top():
    assert run(["--top", "2"])[:2] == (0, ["5 eee", "4 dd"])
    assert run(["--top", "10"])[1] == ["5 eee", "4 dd", "3 c", "2 b", "1 a"]


def test_min_length_then_top(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text(TEXT)
    assert run(["--min-length", "2", str(path)])[:2] == (0, ["5 eee", "4 dd"])
    assert run([str(path), "--min-length", "3", "--top", "1"])[1] == ["5 eee"]


def test_bad_values_are_usage_errors():
    for argv in (["--top", "zero"], ["--top", "0"], ["--top"], ["--min-length", "-1"]):
        code, out, err = run(argv)
        assert code == 2 and out == [] and err.startswith("wordfreq:"), argv
