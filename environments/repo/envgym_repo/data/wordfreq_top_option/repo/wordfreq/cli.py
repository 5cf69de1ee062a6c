"""``wordfreq [FILE]``: print ``count word`` lines, most frequent first (stdin when no FILE)."""
import sys

from wordfreq.counting import count_words, ranked


def main(argv=None, stdin=None, stdout=None, stderr=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    stdin, stdout, stderr = stdin or sys.stdin, stdout or sys.stdout, stderr or sys.stderr
    paths = []
    for arg in argv:
        if arg.startswith("-"):
            print(f"wordfreq: unknown option {arg}", file=stderr)
            return 2
        paths.append(arg)
    if len(paths) > 1:
        print("wordfreq: at most one file", file=stderr)
        return 2
    if paths:
        with open(paths[0], encoding="utf-8") as f:
            text = f.read()
    else:
        text = stdin.read()
    for word, count in ranked(count_words(text)):
        print(f"{count} {word}", file=stdout)
    return 0
