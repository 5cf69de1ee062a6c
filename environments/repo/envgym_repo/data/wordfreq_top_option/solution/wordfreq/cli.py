"""``wordfreq [--top N] [--min-length N] [FILE]``: print ``count word`` lines, most frequent first
(stdin when no FILE)."""
import sys

from wordfreq.counting import count_words, ranked


def main(argv=None, stdin=None, stdout=None, stderr=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    stdin, stdout, stderr = stdin or sys.stdin, stdout or sys.stdout, stderr or sys.stderr
    paths, numbers = [], {"--top": None, "--min-length": 1}
    args = iter(argv)
    for arg in args:
        if arg in numbers:
            value = next(args, "")
            if not value.isdigit() or int(value) < 1:
                print(f"wordfreq: {arg} needs a whole number of at least 1, got {value!r}", file=stderr)
                return 2
            numbers[arg] = int(value)
        elif arg.startswith("-"):
            print(f"wordfreq: unknown option {arg}", file=stderr)
            return 2
        else:
            paths.append(arg)
    if len(paths) > 1:
        print("wordfreq: at most one file", file=stderr)
        return 2
    if paths:
        with open(paths[0], encoding="utf-8") as f:
            text = f.read()
    else:
        text = stdin.read()
    for word, count in ranked(count_words(text, numbers["--min-length"]))[:numbers["--top"]]:
        print(f"{count} {word}", file=stdout)
    return 0
