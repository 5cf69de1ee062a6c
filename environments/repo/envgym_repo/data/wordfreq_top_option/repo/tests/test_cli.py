import io

from wordfreq.cli import main


def run(argv, text):
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, io.StringIO(text), out, err)
    return code, out.getvalue(), err.getvalue()


def test_counts_from_stdin():
    code, out, _ = run([], "the cat and the hat. The end")
    assert code == 0 and out.splitlines()[:2] == ["3 the", "1 and"]


def test_unknown_option():
    code, _, err = run(["--fast"], "")
    assert code == 2 and "unknown option" in err
