"""The stdin/stdout tasks: a description, one visible example run, hidden runs, a reference program
and known wrong programs for each. Written for envgym; see ``envgym_code.tasks`` for the rules.

No hidden run expects empty output, the example's output, or its own input echoed back, so
printing nothing, printing the example's answer or copying stdin to stdout scores 0.
"""

from __future__ import annotations

from envgym_code.tasks import StdioTask, source

STDIO_TASKS: tuple[StdioTask, ...] = (
    StdioTask(
        name="sum_numbers",
        description="The input holds integers separated by spaces and newlines (possibly none at all). "
                    "Print their sum.",
        example=("1 2 3\n4\n", "10\n"),
        tests=(("", "0\n"), ("0 7\n", "7\n"), ("100 -1 -2\n\n3\n", "100\n"), ("  12\n 30 \n", "42\n"),
               ("-3 -4\n", "-7\n")),
        reference=source(r"""
            import sys
            print(sum(int(x) for x in sys.stdin.read().split()))
        """),
        wrong=(
            source(r"""
                print(sum(int(x) for x in input().split()))
            """),
        ),
    ),
    StdioTask(
        name="reverse_lines",
        description="Print the lines of the input in reverse order (last line first). Keep every line, "
                    "empty ones included, exactly as it is.",
        example=("a\nb\nc\n", "c\nb\na\n"),
        tests=(("first\nsecond\n", "second\nfirst\n"), ("1\n2\n3\n4\n", "4\n3\n2\n1\n"),
               ("x y\n\nz\n", "z\n\nx y\n"), ("hello world\nfoo\n", "foo\nhello world\n")),
        reference=source(r"""
            import sys
            for line in reversed(sys.stdin.read().splitlines()):
                print(line)
        """),
        wrong=(
            source(r"""
                import sys
                print('\n'.join(sys.stdin.read().split()[::-1]))
            """),
        ),
    ),
    StdioTask(
        name="text_stats",
        description="Print three numbers separated by spaces: the number of lines that contain a non-space "
                    "character, the number of words (runs of non-whitespace characters), and the number of "
                    "distinct words when case is ignored.",
        example=("the cat\nThe dog\n", "2 4 3\n"),
        tests=(("", "0 0 0\n"), ("hello\n\n\nhello world\n", "2 3 2\n"), ("A a A a\n", "1 4 1\n"),
               ("  spaced   out  \n", "1 2 2\n"), ("x\ny\nz\nx\n", "4 4 3\n")),
        reference=source(r"""
            import sys
            lines = sys.stdin.read().splitlines()
            words = [w for line in lines for w in line.split()]
            print(sum(1 for line in lines if line.strip()), len(words), len({w.lower() for w in words}))
        """),
        wrong=(
            source(r"""
                import sys
                lines = sys.stdin.read().splitlines()
                words = [w for line in lines for w in line.split()]
                print(len(lines), len(words), len({w.lower() for w in words}))
            """),
        ),
    ),
    StdioTask(
        name="fizzbuzz",
        description="The input is one integer n >= 1. For each i from 1 to n print, on its own line, 'FizzBuzz' "
                    "if i is a multiple of 15, else 'Fizz' for a multiple of 3, 'Buzz' for a multiple of 5, "
                    "and i itself otherwise.",
        example=("5\n", "1\n2\nFizz\n4\nBuzz\n"),
        tests=(("2\n", "1\n2\n"), ("3\n", "1\n2\nFizz\n"),
               ("15\n", "1\n2\nFizz\n4\nBuzz\nFizz\n7\n8\nFizz\nBuzz\n11\nFizz\n13\n14\nFizzBuzz\n"),
               ("16\n", "1\n2\nFizz\n4\nBuzz\nFizz\n7\n8\nFizz\nBuzz\n11\nFizz\n13\n14\nFizzBuzz\n16\n")),
        reference=source(r"""
            n = int(input())
            for i in range(1, n + 1):
                print('FizzBuzz' if i % 15 == 0 else 'Fizz' if i % 3 == 0 else 'Buzz' if i % 5 == 0 else i)
        """),
        wrong=(
            source(r"""
                n = int(input())
                for i in range(1, n):
                    print('FizzBuzz' if i % 15 == 0 else 'Fizz' if i % 3 == 0 else 'Buzz' if i % 5 == 0 else i)
            """),
        ),
    ),
    StdioTask(
        name="grid_paths",
        description="The first line holds R and C; R lines of C characters follow, '.' for an open cell and "
                    "'#' for a wall. Print how many paths lead from the top-left cell to the bottom-right "
                    "cell moving only right or down through open cells (0 when either end is a wall).",
        example=("3 3\n...\n...\n...\n", "6\n"),
        tests=(("1 1\n.\n", "1\n"), ("1 1\n#\n", "0\n"), ("2 2\n.#\n#.\n", "0\n"), ("3 3\n...\n.#.\n...\n", "2\n"),
               ("3 4\n....\n.#..\n....\n", "4\n"),
               ("10 10\n" + "..........\n" * 10, "48620\n")),
        reference=source(r"""
            r, c = map(int, input().split())
            grid = [input() for _ in range(r)]
            paths = [[0] * c for _ in range(r)]
            for i in range(r):
                for j in range(c):
                    if grid[i][j] == '#':
                        continue
                    if i == 0 and j == 0:
                        paths[i][j] = 1
                    else:
                        paths[i][j] = (paths[i - 1][j] if i else 0) + (paths[i][j - 1] if j else 0)
            print(paths[r - 1][c - 1])
        """),
        wrong=(
            source(r"""
                r, c = map(int, input().split())
                grid = [input() for _ in range(r)]
                paths = [[0] * c for _ in range(r)]
                paths[0][0] = 1
                for i in range(r):
                    for j in range(c):
                        if (i, j) == (0, 0) or grid[i][j] == '#':
                            continue
                        paths[i][j] = (paths[i - 1][j] if i else 0) + (paths[i][j - 1] if j else 0)
                print(paths[r - 1][c - 1])
            """),
        ),
    ),
    StdioTask(
        name="anagram_pairs",
        description="The first line holds T; each of the next T lines holds two words. For each pair print "
                    "YES when the words are anagrams of each other ignoring case (same letters, same "
                    "counts), else NO.",
        example=("2\nlisten silent\nabc abd\n", "YES\nNO\n"),
        tests=(("1\nab ba\n", "YES\n"), ("3\na a\nab abc\nDusty study\n", "YES\nNO\nYES\n"),
               ("2\nabc cab\nxyz xyz\n", "YES\nYES\n"), ("1\naab abb\n", "NO\n")),
        reference=source(r"""
            for _ in range(int(input())):
                a, b = input().lower().split()
                print('YES' if sorted(a) == sorted(b) else 'NO')
        """),
        wrong=(
            source(r"""
                for _ in range(int(input())):
                    a, b = input().lower().split()
                    print('YES' if set(a) == set(b) else 'NO')
            """),
        ),
    ),
    StdioTask(
        name="min_max_mean",
        description="The first line holds n >= 1; n integers follow, separated by spaces or newlines. Print "
                    "the smallest, the largest and the mean, separated by spaces, the mean with exactly "
                    "two decimals.",
        example=("3\n1 2 4\n", "1 4 2.33\n"),
        tests=(("1\n5\n", "5 5 5.00\n"), ("4\n-1 -2 -3 -4\n", "-4 -1 -2.50\n"), ("2\n0\n1\n", "0 1 0.50\n"),
               ("5\n10 20 30 40 50\n", "10 50 30.00\n"), ("3\n2 2 3\n", "2 3 2.33\n")),
        reference=source(r"""
            import sys
            n, *xs = map(int, sys.stdin.read().split())
            xs = xs[:n]
            print(min(xs), max(xs), f'{sum(xs) / n:.2f}')
        """),
        wrong=(
            source(r"""
                import sys
                n, *xs = map(int, sys.stdin.read().split())
                xs = xs[:n]
                print(min(xs), max(xs), f'{sum(xs) // n:.2f}')
            """),
        ),
    ),
    StdioTask(
        name="top_words",
        description="The first line holds k; the rest is text. Words are runs of letters, compared in "
                    "lowercase. Print the k most frequent words, one per line as 'word count', most "
                    "frequent first and ties in alphabetical order (fewer lines if there are fewer words).",
        example=("2\nthe cat the dog the cat\n", "the 3\ncat 2\n"),
        tests=(("1\nb a\n", "a 1\n"), ("3\nApple apple BANANA cherry banana apple\n", "apple 3\nbanana 2\ncherry 1\n"),
               ("5\nx y\n", "x 1\ny 1\n"), ("2\nHi! hi? HI. ho, ho\n", "hi 3\nho 2\n"),
               ("1\nzeta alpha\nzeta alpha\n", "alpha 2\n")),
        reference=source(r"""
            import re, sys
            k = int(sys.stdin.readline())
            counts = {}
            for w in re.findall('[a-z]+', sys.stdin.read().lower()):
                counts[w] = counts.get(w, 0) + 1
            for w, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:k]:
                print(w, n)
        """),
        wrong=(
            source(r"""
                import re, sys
                from collections import Counter
                k = int(sys.stdin.readline())
                for w, n in Counter(re.findall('[a-z]+', sys.stdin.read().lower())).most_common(k):
                    print(w, n)
            """),
        ),
    ),
    StdioTask(
        name="rotate_matrix",
        description="The first line holds n; n lines of n integers follow. Print the matrix turned 90 degrees "
                    "clockwise, one row per line, numbers separated by spaces.",
        example=("2\n1 2\n3 4\n", "3 1\n4 2\n"),
        tests=(("1\n7\n", "7\n"), ("3\n1 2 3\n4 5 6\n7 8 9\n", "7 4 1\n8 5 2\n9 6 3\n"), ("2\n0 0\n0 1\n", "0 0\n1 0\n"),
               ("3\n-1 0 1\n2 3 4\n5 6 7\n", "5 2 -1\n6 3 0\n7 4 1\n")),
        reference=source(r"""
            n = int(input())
            m = [input().split() for _ in range(n)]
            for col in zip(*m[::-1]):
                print(' '.join(col))
        """),
        wrong=(
            source(r"""
                n = int(input())
                m = [input().split() for _ in range(n)]
                for col in list(zip(*m))[::-1]:
                    print(' '.join(col))
            """),
        ),
    ),
    StdioTask(
        name="primes_up_to",
        description="The input is one integer n >= 0. Print every prime p <= n in increasing order on one "
                    "line, separated by spaces, or the word none when there is no such prime.",
        example=("10\n", "2 3 5 7\n"),
        tests=(("1\n", "none\n"), ("3\n", "2 3\n"), ("30\n", "2 3 5 7 11 13 17 19 23 29\n"),
               ("100\n", "2 3 5 7 11 13 17 19 23 29 31 37 41 43 47 53 59 61 67 71 73 79 83 89 97\n"),
               ("0\n", "none\n")),
        reference=source(r"""
            n = int(input())
            sieve = [True] * (n + 1)
            primes = []
            for p in range(2, n + 1):
                if sieve[p]:
                    primes.append(p)
                    for q in range(p * p, n + 1, p):
                        sieve[q] = False
            print(' '.join(map(str, primes)) or 'none')
        """),
        wrong=(
            source(r"""
                n = int(input())
                primes = [p for p in range(2, n) if all(p % d for d in range(2, p))]
                print(' '.join(map(str, primes)) or 'none')
            """),
        ),
    ),
    StdioTask(
        name="gcd_lcm",
        description="Each input line holds two non-negative integers a and b, not both zero. For each line "
                    "print gcd(a, b) and lcm(a, b) separated by a space (the lcm is 0 when a or b is 0).",
        example=("4 6\n", "2 12\n"),
        tests=(("3 5\n10 15\n", "1 15\n5 30\n"), ("12 18\n100 75\n9 28\n", "6 36\n25 300\n1 252\n"),
               ("21 6\n", "3 42\n"), ("0 5\n", "5 0\n")),
        reference=source(r"""
            import math, sys
            for line in sys.stdin:
                if line.strip():
                    a, b = map(int, line.split())
                    g = math.gcd(a, b)
                    print(g, a * b // g)
        """),
        wrong=(
            source(r"""
                import math, sys
                for line in sys.stdin:
                    if line.strip():
                        a, b = map(int, line.split())
                        print(math.gcd(a, b), a * b)
            """),
        ),
    ),
    StdioTask(
        name="to_binary",
        description="Each input line holds an integer n >= 0. Print n in binary (no prefix, no leading "
                    "zeros; 0 is 0), one per line.",
        example=("5\n", "101\n"),
        tests=(("2\n8\n255\n", "10\n1000\n11111111\n"), ("0\n3\n", "0\n11\n"), ("1024\n", "10000000000\n"),
               ("7\n6\n", "111\n110\n")),
        reference=source(r"""
            import sys
            for line in sys.stdin:
                if line.strip():
                    print(format(int(line), 'b'))
        """),
        wrong=(
            source(r"""
                import sys
                for line in sys.stdin:
                    if line.strip():
                        n, bits = int(line), ''
                        while n > 0:
                            bits = str(n % 2) + bits
                            n //= 2
                        print(bits)
            """),
        ),
    ),
    StdioTask(
        name="staircase",
        description="The input is one integer n >= 1. Print a staircase of n lines: line i (from 1) holds "
                    "n - i spaces followed by i '#' characters.",
        example=("3\n", "  #\n ##\n###\n"),
        tests=(("1\n", "#\n"), ("2\n", " #\n##\n"), ("4\n", "   #\n  ##\n ###\n####\n"),
               ("6\n", "     #\n    ##\n   ###\n  ####\n #####\n######\n")),
        reference=source(r"""
            n = int(input())
            for i in range(1, n + 1):
                print(' ' * (n - i) + '#' * i)
        """),
        wrong=(
            source(r"""
                n = int(input())
                for i in range(1, n + 1):
                    print('#' * i)
            """),
        ),
    ),
    StdioTask(
        name="sort_numbers",
        description="The first line holds n; the second holds n integers. Print them in increasing numeric "
                    "order on one line, separated by spaces.",
        example=("3\n3 1 2\n", "1 2 3\n"),
        tests=(("1\n5\n", "5\n"), ("4\n10 -1 10 2\n", "-1 2 10 10\n"), ("5\n5 4 3 2 1\n", "1 2 3 4 5\n"),
               ("2\n100 9\n", "9 100\n")),
        reference=source(r"""
            input()
            print(' '.join(map(str, sorted(map(int, input().split())))))
        """),
        wrong=(
            source(r"""
                input()
                print(' '.join(sorted(input().split())))
            """),
        ),
    ),
)
