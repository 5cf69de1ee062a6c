"""The function tasks: a signature, a description, visible examples, hidden tests, a reference
solution and known wrong solutions for each. Written for envgym; see ``envgym_code.tasks`` for
the rules every task follows (no visible example among the hidden tests, JSON-safe inputs)."""

from __future__ import annotations

from envgym_code.tasks import FunctionTask, source

FUNCTION_TASKS: tuple[FunctionTask, ...] = (
    FunctionTask(
        name="gcd",
        signature="def gcd(a: int, b: int) -> int",
        description="Return the greatest common divisor of two non-negative integers. gcd(0, 0) is 0.",
        examples=(((12, 18), 6),),
        tests=(((0, 5), 5), ((5, 0), 5), ((0, 0), 0), ((17, 5), 1), ((100, 75), 25), ((270, 192), 6),
               ((1, 1), 1), ((1048576, 3145728), 1048576)),
        reference=source(r"""
            def gcd(a, b):
                while b:
                    a, b = b, a % b
                return a
        """),
        wrong=(
            source(r"""
                def gcd(a, b):
                    for d in range(min(a, b), 0, -1):
                        if a % d == 0 and b % d == 0:
                            return d
                    return 1
            """),
        ),
    ),
    FunctionTask(
        name="is_prime",
        signature="def is_prime(n: int) -> bool",
        description="Return True when n is a prime number. n may be zero or negative (never prime).",
        examples=(((7,), True),),
        tests=(((0,), False), ((1,), False), ((2,), True), ((-7,), False), ((9,), False), ((25,), False),
               ((97,), True), ((7919,), True), ((7917,), False), ((1000003,), True)),
        reference=source(r"""
            def is_prime(n):
                if n < 2:
                    return False
                d = 2
                while d * d <= n:
                    if n % d == 0:
                        return False
                    d += 1
                return True
        """),
        wrong=(
            source(r"""
                def is_prime(n):
                    return n > 1 and all(n % d for d in range(2, int(n ** 0.5)))
            """),
        ),
    ),
    FunctionTask(
        name="run_length_encode",
        signature="def run_length_encode(s: str) -> str",
        description="Encode each run of equal characters as the character followed by the run's length, "
                    "e.g. 'aab' becomes 'a2b1'. The empty string encodes to the empty string.",
        examples=((("aaabcc",), "a3b1c2"),),
        tests=((("",), ""), (("a",), "a1"), (("abc",), "a1b1c1"), (("zzzzzzzzzzzz",), "z12"),
               (("aabbaa",), "a2b2a2"), (("  x",), " 2x1"), (("AaA",), "A1a1A1")),
        reference=source(r"""
            def run_length_encode(s):
                out = []
                i = 0
                while i < len(s):
                    j = i
                    while j < len(s) and s[j] == s[i]:
                        j += 1
                    out.append(s[i] + str(j - i))
                    i = j
                return ''.join(out)
        """),
        wrong=(
            source(r"""
                def run_length_encode(s):
                    out, count = [], 1
                    for i in range(1, len(s)):
                        if s[i] == s[i - 1]:
                            count += 1
                        else:
                            out.append(s[i - 1] + str(count))
                            count = 1
                    return ''.join(out)
            """),
        ),
    ),
    FunctionTask(
        name="run_length_decode",
        signature="def run_length_decode(s: str) -> str",
        description="Decode a run-length encoding: each non-digit character is followed by a count of one or "
                    "more digits, and stands for that many copies of the character ('a3b1' is 'aaab'). "
                    "A count of 0 stands for nothing.",
        examples=((("x2y3",), "xxyyy"),),
        tests=((("",), ""), (("a1",), "a"), (("z12",), "zzzzzzzzzzzz"), (("a10b1",), "aaaaaaaaaab"),
               (("#3!2",), "###!!"), (("a0b2",), "bb")),
        reference=source(r"""
            import re

            def run_length_decode(s):
                return ''.join(c * int(n) for c, n in re.findall(r'(\D)(\d+)', s))
        """),
        wrong=(
            source(r"""
                def run_length_decode(s):
                    return ''.join(s[i] * int(s[i + 1]) for i in range(0, len(s), 2))
            """),
        ),
    ),
    FunctionTask(
        name="is_balanced",
        signature="def is_balanced(s: str) -> bool",
        description="Return True when the brackets (), [] and {} in s are balanced and properly nested. "
                    "Other characters are ignored.",
        examples=((("([]{})",), True),),
        tests=((("",), True), (("(",), False), ((")(",), False), (("([)]",), False), (("{[()()]}",), True),
               (("a(b)c",), True), (("((())",), False), (("]",), False), (("x{y[z]}",), True)),
        reference=source(r"""
            def is_balanced(s):
                pairs = {')': '(', ']': '[', '}': '{'}
                stack = []
                for c in s:
                    if c in '([{':
                        stack.append(c)
                    elif c in pairs:
                        if not stack or stack.pop() != pairs[c]:
                            return False
                return not stack
        """),
        wrong=(
            source(r"""
                def is_balanced(s):
                    return all(s.count(a) == s.count(b) for a, b in ('()', '[]', '{}'))
            """),
        ),
    ),
    FunctionTask(
        name="group_anagrams",
        signature="def group_anagrams(words: list[str]) -> list[list[str]]",
        description="Group the words that are anagrams of each other (same letters with the same counts; case "
                    "matters). Groups appear in the order of their first word in the input, and words keep "
                    "their input order inside a group, duplicates included.",
        examples=(((["eat", "tea", "tan", "ate", "nat", "bat"],), [["eat", "tea", "ate"], ["tan", "nat"], ["bat"]]),),
        tests=((([],), []), ((["a"],), [["a"]]), ((["ab", "ba", "ab"],), [["ab", "ba", "ab"]]),
               ((["abc", "def"],), [["abc"], ["def"]]),
               ((["listen", "silent", "enlist", "google", "gogole"],), [["listen", "silent", "enlist"], ["google", "gogole"]]),
               ((["", ""],), [["", ""]]), ((["Ab", "bA", "ab"],), [["Ab", "bA"], ["ab"]]),
               ((["aab", "abb", "bab"],), [["aab"], ["abb", "bab"]])),
        reference=source(r"""
            def group_anagrams(words):
                groups = {}
                for w in words:
                    groups.setdefault(''.join(sorted(w)), []).append(w)
                return list(groups.values())
        """),
        wrong=(
            source(r"""
                def group_anagrams(words):
                    groups = {}
                    for w in words:
                        groups.setdefault(frozenset(w), []).append(w)
                    return list(groups.values())
            """),
        ),
    ),
    FunctionTask(
        name="transpose",
        signature="def transpose(matrix: list[list[int]]) -> list[list[int]]",
        description="Return the transpose of a rectangular matrix given as a list of rows. "
                    "The transpose of [] is [].",
        examples=((([[1, 2, 3], [4, 5, 6]],), [[1, 4], [2, 5], [3, 6]]),),
        tests=((([],), []), (([[1]],), [[1]]), (([[1, 2]],), [[1], [2]]), (([[1], [2]],), [[1, 2]]),
               (([[1, 2], [3, 4]],), [[1, 3], [2, 4]]),
               (([[0, -1, 2], [3, 4, 5], [6, 7, 8]],), [[0, 3, 6], [-1, 4, 7], [2, 5, 8]]),
               (([[1, 2, 3, 4], [5, 6, 7, 8]],), [[1, 5], [2, 6], [3, 7], [4, 8]])),
        reference=source(r"""
            def transpose(matrix):
                return [list(col) for col in zip(*matrix)]
        """),
        wrong=(
            source(r"""
                def transpose(matrix):
                    n = len(matrix)
                    return [[matrix[j][i] for j in range(n)] for i in range(n)]
            """),
        ),
    ),
    FunctionTask(
        name="two_sum",
        signature="def two_sum(nums: list[int], target: int) -> list[int]",
        description="Exactly one pair of distinct positions i < j has nums[i] + nums[j] == target. "
                    "Return [i, j].",
        examples=((([2, 7, 11, 15], 9), [0, 1]),),
        tests=((([3, 2, 4], 6), [1, 2]), (([3, 3], 6), [0, 1]), (([-1, -2, -3, -4, -5], -8), [2, 4]),
               (([0, 4, 3, 0], 0), [0, 3]), (([1, 5, 9, 14], 23), [2, 3]), (([5, 75, 25], 100), [1, 2]),
               (([4, 1, 8, 6], 5), [0, 1])),
        reference=source(r"""
            def two_sum(nums, target):
                seen = {}
                for j, x in enumerate(nums):
                    if target - x in seen:
                        return [seen[target - x], j]
                    seen[x] = j
        """),
        wrong=(
            source(r"""
                def two_sum(nums, target):
                    for i in range(len(nums)):
                        for j in range(i, len(nums)):
                            if nums[i] + nums[j] == target:
                                return [i, j]
            """),
        ),
    ),
    FunctionTask(
        name="to_roman",
        signature="def to_roman(n: int) -> str",
        description="Write n (1 <= n <= 3999) in Roman numerals, using the subtractive forms IV, IX, XL, XC, "
                    "CD and CM.",
        examples=(((1994,), "MCMXCIV"),),
        tests=(((1,), "I"), ((4,), "IV"), ((9,), "IX"), ((14,), "XIV"), ((40,), "XL"), ((90,), "XC"),
               ((400,), "CD"), ((3999,), "MMMCMXCIX"), ((2024,), "MMXXIV"), ((58,), "LVIII")),
        reference=source(r"""
            def to_roman(n):
                out = ''
                for value, sym in ((1000, 'M'), (900, 'CM'), (500, 'D'), (400, 'CD'), (100, 'C'), (90, 'XC'),
                                   (50, 'L'), (40, 'XL'), (10, 'X'), (9, 'IX'), (5, 'V'), (4, 'IV'), (1, 'I')):
                    while n >= value:
                        out += sym
                        n -= value
                return out
        """),
        wrong=(
            source(r"""
                def to_roman(n):
                    out = ''
                    for value, sym in ((1000, 'M'), (500, 'D'), (100, 'C'), (50, 'L'), (10, 'X'), (5, 'V'), (1, 'I')):
                        while n >= value:
                            out += sym
                            n -= value
                    return out
            """),
        ),
    ),
    FunctionTask(
        name="from_roman",
        signature="def from_roman(s: str) -> int",
        description="Return the value of a valid Roman numeral (subtractive forms such as IV and CM included).",
        examples=((("MCMXCIV",), 1994),),
        tests=((("I",), 1), (("IV",), 4), (("IX",), 9), (("LVIII",), 58), (("XL",), 40), (("CD",), 400),
               (("MMMCMXCIX",), 3999), (("XIV",), 14), (("CM",), 900)),
        reference=source(r"""
            def from_roman(s):
                v = {'I': 1, 'V': 5, 'X': 10, 'L': 50, 'C': 100, 'D': 500, 'M': 1000}
                total = 0
                for i, c in enumerate(s):
                    if i + 1 < len(s) and v[c] < v[s[i + 1]]:
                        total -= v[c]
                    else:
                        total += v[c]
                return total
        """),
        wrong=(
            source(r"""
                def from_roman(s):
                    v = {'I': 1, 'V': 5, 'X': 10, 'L': 50, 'C': 100, 'D': 500, 'M': 1000}
                    return sum(v[c] for c in s)
            """),
        ),
    ),
    FunctionTask(
        name="merge_intervals",
        signature="def merge_intervals(intervals: list[list[int]]) -> list[list[int]]",
        description="Merge overlapping closed intervals [start, end] (intervals that touch, like [1, 2] and "
                    "[2, 3], overlap) and return the merged intervals sorted by start. The input may be in "
                    "any order.",
        examples=((([[1, 3], [2, 6], [8, 10], [15, 18]],), [[1, 6], [8, 10], [15, 18]]),),
        tests=((([],), []), (([[1, 4]],), [[1, 4]]), (([[1, 4], [4, 5]],), [[1, 5]]),
               (([[5, 6], [1, 2]],), [[1, 2], [5, 6]]), (([[1, 10], [2, 3], [4, 5]],), [[1, 10]]),
               (([[1, 4], [0, 0]],), [[0, 0], [1, 4]]), (([[2, 3], [4, 5], [6, 7], [8, 9], [1, 10]],), [[1, 10]]),
               (([[1, 3], [3, 3], [3, 4]],), [[1, 4]])),
        reference=source(r"""
            def merge_intervals(intervals):
                merged = []
                for start, end in sorted(intervals):
                    if merged and start <= merged[-1][1]:
                        merged[-1][1] = max(merged[-1][1], end)
                    else:
                        merged.append([start, end])
                return merged
        """),
        wrong=(
            source(r"""
                def merge_intervals(intervals):
                    merged = []
                    for start, end in sorted(intervals):
                        if merged and start <= merged[-1][1]:
                            merged[-1][1] = end
                        else:
                            merged.append([start, end])
                    return merged
            """),
        ),
    ),
    FunctionTask(
        name="binary_search",
        signature="def binary_search(items: list[int], target: int) -> int",
        description="items is sorted in increasing order with no repeats. Return the index of target in items, "
                    "or -1 when it is absent.",
        examples=((([1, 3, 5, 7, 9], 7), 3),),
        tests=((([], 1), -1), (([5], 5), 0), (([5], 4), -1), (([1, 3, 5, 7, 9], 1), 0), (([1, 3, 5, 7, 9], 9), 4),
               (([1, 3, 5, 7, 9], 6), -1), (([1, 3, 5, 7, 9], 10), -1), ((list(range(0, 1000, 2)), 998), 499),
               (([-10, -5, 0, 5], -10), 0)),
        reference=source(r"""
            def binary_search(items, target):
                lo, hi = 0, len(items) - 1
                while lo <= hi:
                    mid = (lo + hi) // 2
                    if items[mid] == target:
                        return mid
                    if items[mid] < target:
                        lo = mid + 1
                    else:
                        hi = mid - 1
                return -1
        """),
        wrong=(
            source(r"""
                def binary_search(items, target):
                    lo, hi = 0, len(items) - 1
                    while lo < hi:
                        mid = (lo + hi) // 2
                        if items[mid] == target:
                            return mid
                        if items[mid] < target:
                            lo = mid + 1
                        else:
                            hi = mid - 1
                    return -1
            """),
        ),
    ),
    FunctionTask(
        name="flatten",
        signature="def flatten(nested: list) -> list",
        description="Flatten a list that may contain lists nested to any depth, keeping the order of the "
                    "non-list items.",
        examples=((([1, [2, [3, 4]], 5],), [1, 2, 3, 4, 5]),),
        tests=((([],), []), (([[]],), []), (([1, 2],), [1, 2]), (([[[[1]]]],), [1]),
               (([[1, [2]], [[3]], 4],), [1, 2, 3, 4]), ((["a", ["b", ["c"]]],), ["a", "b", "c"]),
               (([[], [1, [], [2, []]]],), [1, 2]), (([0, [False, [None]]],), [0, False, None])),
        reference=source(r"""
            def flatten(nested):
                out = []
                for x in nested:
                    if isinstance(x, list):
                        out.extend(flatten(x))
                    else:
                        out.append(x)
                return out
        """),
        wrong=(
            source(r"""
                def flatten(nested):
                    out = []
                    for x in nested:
                        out.extend(x if isinstance(x, list) else [x])
                    return out
            """),
        ),
    ),
    FunctionTask(
        name="word_frequencies",
        signature="def word_frequencies(text: str) -> dict[str, int]",
        description="Count the words of text, case-insensitively: a word is a maximal run of letters, and the "
                    "keys are the lowercased words.",
        examples=((("The cat and the hat.",), {"the": 2, "cat": 1, "and": 1, "hat": 1}),),
        tests=((("",), {}), (("!!!",), {}), (("a A a",), {"a": 3}),
               (("one,two;three two",), {"one": 1, "two": 2, "three": 1}),
               (("Hello\nhello\tHELLO",), {"hello": 3}), (("x1y x",), {"x": 2, "y": 1}),
               (("it's it",), {"it": 2, "s": 1})),
        reference=source(r"""
            def word_frequencies(text):
                counts, word = {}, ''
                for c in text.lower() + ' ':
                    if c.isalpha():
                        word += c
                    elif word:
                        counts[word] = counts.get(word, 0) + 1
                        word = ''
                return counts
        """),
        wrong=(
            source(r"""
                def word_frequencies(text):
                    counts = {}
                    for w in text.lower().split():
                        w = w.strip('.,;:!?')
                        if w:
                            counts[w] = counts.get(w, 0) + 1
                    return counts
            """),
        ),
    ),
    FunctionTask(
        name="fibonacci",
        signature="def fibonacci(n: int) -> int",
        description="Return the n-th Fibonacci number, with fibonacci(0) == 0 and fibonacci(1) == 1. "
                    "n can be as large as 90.",
        examples=(((10,), 55),),
        tests=(((0,), 0), ((1,), 1), ((2,), 1), ((3,), 2), ((20,), 6765), ((50,), 12586269025),
               ((90,), 2880067194370816120)),
        reference=source(r"""
            def fibonacci(n):
                a, b = 0, 1
                for _ in range(n):
                    a, b = b, a + b
                return a
        """),
        wrong=(
            source(r"""
                def fibonacci(n):
                    a, b = 0, 1
                    for _ in range(n - 1):
                        a, b = b, a + b
                    return b
            """),
        ),
    ),
    FunctionTask(
        name="reverse_words",
        signature="def reverse_words(sentence: str) -> str",
        description="Return the words of sentence (separated by any amount of whitespace) in reverse order, "
                    "joined by single spaces, with no leading or trailing space.",
        examples=((("the sky is blue",), "blue is sky the"),),
        tests=((("",), ""), (("   ",), ""), (("hello",), "hello"), (("  hello world  ",), "world hello"),
               (("a  b   c",), "c b a"), (("one two",), "two one"), (("Python, is fun!",), "fun! is Python,")),
        reference=source(r"""
            def reverse_words(sentence):
                return ' '.join(reversed(sentence.split()))
        """),
        wrong=(
            source(r"""
                def reverse_words(sentence):
                    return ' '.join(sentence.split(' ')[::-1])
            """),
        ),
    ),
    FunctionTask(
        name="is_palindrome",
        signature="def is_palindrome(s: str) -> bool",
        description="Return True when s reads the same backwards, considering only letters and digits and "
                    "ignoring case.",
        examples=((("A man, a plan, a canal: Panama",), True),),
        tests=((("",), True), (("a",), True), (("ab",), False), (("race a car",), False),
               (("No 'x' in Nixon",), True), (("12321",), True), (("123421",), False), ((".,!",), True),
               (("0P",), False), (("Abba",), True)),
        reference=source(r"""
            def is_palindrome(s):
                kept = [c.lower() for c in s if c.isalnum()]
                return kept == kept[::-1]
        """),
        wrong=(
            source(r"""
                def is_palindrome(s):
                    kept = [c for c in s if c.isalnum()]
                    return kept == kept[::-1]
            """),
        ),
    ),
    FunctionTask(
        name="count_vowels",
        signature="def count_vowels(s: str) -> int",
        description="Count the vowels a, e, i, o and u in s, in either case (y is not a vowel).",
        examples=((("Hello World",), 3),),
        tests=((("",), 0), (("xyz",), 0), (("AEIOU",), 5), (("aaaa",), 4), (("Rhythm and Blues",), 3),
               (("Queueing",), 5), (("12345!",), 0), (("OoOo",), 4)),
        reference=source(r"""
            def count_vowels(s):
                return sum(c in 'aeiou' for c in s.lower())
        """),
        wrong=(
            source(r"""
                def count_vowels(s):
                    return sum(c in 'aeiou' for c in s)
            """),
        ),
    ),
    FunctionTask(
        name="second_largest",
        signature="def second_largest(nums: list[int]) -> int | None",
        description="Return the second largest distinct value in nums, or None when nums has fewer than two "
                    "distinct values.",
        examples=((([3, 1, 4, 1, 5, 9],), 5),),
        tests=((([],), None), (([7],), None), (([2, 2],), None), (([1, 2],), 1), (([5, 5, 4],), 4),
               (([-1, -2, -3],), -2), (([10, 9, 10, 8],), 9), (([0, 0, 0, 1],), 0)),
        reference=source(r"""
            def second_largest(nums):
                values = sorted(set(nums))
                return values[-2] if len(values) >= 2 else None
        """),
        wrong=(
            source(r"""
                def second_largest(nums):
                    return sorted(nums)[-2] if len(set(nums)) >= 2 else None
            """),
        ),
    ),
    FunctionTask(
        name="running_sum",
        signature="def running_sum(nums: list[int]) -> list[int]",
        description="Return the running sums of nums: item i of the result is nums[0] + ... + nums[i].",
        examples=((([1, 2, 3, 4],), [1, 3, 6, 10]),),
        tests=((([],), []), (([5],), [5]), (([-1, 1, -1],), [-1, 0, -1]), (([0, 0],), [0, 0]),
               (([10, -20, 30],), [10, -10, 20]), (([1] * 8,), [1, 2, 3, 4, 5, 6, 7, 8])),
        reference=source(r"""
            def running_sum(nums):
                out, total = [], 0
                for x in nums:
                    total += x
                    out.append(total)
                return out
        """),
        wrong=(
            source(r"""
                def running_sum(nums):
                    return [sum(nums[:i]) for i in range(len(nums))]
            """),
        ),
    ),
    FunctionTask(
        name="rotate_right",
        signature="def rotate_right(items: list, k: int) -> list",
        description="Rotate items to the right by k places (the last item moves to the front k times). k may "
                    "be larger than the list or negative (a negative k rotates to the left).",
        examples=((([1, 2, 3, 4, 5], 2), [4, 5, 1, 2, 3]),),
        tests=((([], 3), []), (([1], 5), [1]), (([1, 2, 3], 0), [1, 2, 3]), (([1, 2, 3], 3), [1, 2, 3]),
               (([1, 2, 3], 4), [3, 1, 2]), (([1, 2, 3], -1), [2, 3, 1]), ((["a", "b"], 1), ["b", "a"]),
               (([1, 2, 3, 4, 5, 6], 8), [5, 6, 1, 2, 3, 4])),
        reference=source(r"""
            def rotate_right(items, k):
                if not items:
                    return []
                k %= len(items)
                return items[len(items) - k:] + items[:len(items) - k]
        """),
        wrong=(
            source(r"""
                def rotate_right(items, k):
                    return items[-k:] + items[:-k]
            """),
        ),
    ),
    FunctionTask(
        name="chunk",
        signature="def chunk(items: list, size: int) -> list[list]",
        description="Split items into consecutive chunks of size items each (size >= 1); the last chunk holds "
                    "what is left and may be shorter.",
        examples=((([1, 2, 3, 4, 5], 2), [[1, 2], [3, 4], [5]]),),
        tests=((([], 3), []), (([1], 1), [[1]]), (([1, 2, 3], 3), [[1, 2, 3]]), (([1, 2, 3], 5), [[1, 2, 3]]),
               (([1, 2, 3, 4], 2), [[1, 2], [3, 4]]), ((list("abcdefg"), 3), [["a", "b", "c"], ["d", "e", "f"], ["g"]])),
        reference=source(r"""
            def chunk(items, size):
                return [items[i:i + size] for i in range(0, len(items), size)]
        """),
        wrong=(
            source(r"""
                def chunk(items, size):
                    return [items[i:i + size] for i in range(0, len(items) - size + 1, size)]
            """),
        ),
    ),
    FunctionTask(
        name="caesar",
        signature="def caesar(text: str, shift: int) -> str",
        description="Shift every ASCII letter of text by shift places in the alphabet, wrapping around and "
                    "keeping its case; other characters stay as they are. shift may be negative or larger "
                    "than 26.",
        examples=((("abc", 1), "bcd"),),
        tests=((("xyz", 3), "abc"), (("Hello, World!", 13), "Uryyb, Jbeyq!"), (("abc", -1), "zab"),
               (("abc", 26), "abc"), (("abc", 53), "bcd"), (("", 5), ""), (("Zz9", 1), "Aa9")),
        reference=source(r"""
            def caesar(text, shift):
                out = []
                for c in text:
                    if 'a' <= c <= 'z' or 'A' <= c <= 'Z':
                        base = ord('a') if c.islower() else ord('A')
                        c = chr((ord(c) - base + shift) % 26 + base)
                    out.append(c)
                return ''.join(out)
        """),
        wrong=(
            source(r"""
                def caesar(text, shift):
                    return ''.join(chr((ord(c) - 97 + shift) % 26 + 97) if c.isalpha() else c for c in text)
            """),
        ),
    ),
    FunctionTask(
        name="digital_root",
        signature="def digital_root(n: int) -> int",
        description="For n >= 0, replace n by the sum of its decimal digits until a single digit is left, "
                    "and return that digit.",
        examples=(((38,), 2),),
        tests=(((0,), 0), ((5,), 5), ((10,), 1), ((99,), 9), ((123456789,), 9), ((1000000,), 1), ((493193,), 2)),
        reference=source(r"""
            def digital_root(n):
                while n >= 10:
                    n = sum(int(d) for d in str(n))
                return n
        """),
        wrong=(
            source(r"""
                def digital_root(n):
                    return n % 9
            """),
        ),
    ),
    FunctionTask(
        name="common_prefix",
        signature="def common_prefix(words: list[str]) -> str",
        description="Return the longest string that every word in words starts with ('' for an empty list).",
        examples=(((["flower", "flow", "flight"],), "fl"),),
        tests=((([],), ""), ((["a"],), "a"), ((["dog", "racecar", "car"],), ""), ((["same", "same"],), "same"),
               ((["ab", "a"],), "a"), ((["", "abc"],), ""), ((["prefix", "prefixes", "prefixed"],), "prefix"),
               ((["interview", "internet", "interval", "into"],), "int")),
        reference=source(r"""
            def common_prefix(words):
                if not words:
                    return ''
                prefix = words[0]
                for w in words[1:]:
                    while not w.startswith(prefix):
                        prefix = prefix[:-1]
                return prefix
        """),
        wrong=(
            source(r"""
                def common_prefix(words):
                    if not words:
                        return ''
                    a = words[0]
                    b = words[1] if len(words) > 1 else a
                    i = 0
                    while i < min(len(a), len(b)) and a[i] == b[i]:
                        i += 1
                    return a[:i]
            """),
        ),
    ),
    FunctionTask(
        name="matrix_multiply",
        signature="def matrix_multiply(a: list[list[int]], b: list[list[int]]) -> list[list[int]]",
        description="Return the matrix product a times b. a is n by m and b is m by p (all at least 1).",
        examples=((([[1, 2], [3, 4]], [[5, 6], [7, 8]]), [[19, 22], [43, 50]]),),
        tests=((([[1]], [[2]]), [[2]]), (([[1, 2, 3]], [[1], [2], [3]]), [[14]]),
               (([[1], [2]], [[3, 4]]), [[3, 4], [6, 8]]), (([[1, 0], [0, 1]], [[9, 8], [7, 6]]), [[9, 8], [7, 6]]),
               (([[2, -1], [0, 3]], [[1, 0], [4, -2]]), [[-2, 2], [12, -6]]),
               (([[1, 2, 3], [4, 5, 6]], [[7, 8], [9, 10], [11, 12]]), [[58, 64], [139, 154]])),
        reference=source(r"""
            def matrix_multiply(a, b):
                return [[sum(x * y for x, y in zip(row, col)) for col in zip(*b)] for row in a]
        """),
        wrong=(
            source(r"""
                def matrix_multiply(a, b):
                    n = len(a)
                    return [[sum(a[i][k] * b[k][j] for k in range(n)) for j in range(n)] for i in range(n)]
            """),
        ),
    ),
    FunctionTask(
        name="count_islands",
        signature="def count_islands(grid: list[str]) -> int",
        description="grid is a list of equal-length rows of '#' (land) and '.' (water). Count the islands: "
                    "groups of land cells joined up, down, left or right (not diagonally).",
        examples=(((["##..", "#...", "..##"],), 2),),
        tests=((([],), 0), ((["."],), 0), ((["#"],), 1), ((["#.#", ".#.", "#.#"],), 5), ((["###", "#.#", "###"],), 1),
               ((["#..#", "....", "#..#"],), 4), ((["##", "##"],), 1), (([".#.", "###", ".#."],), 1),
               ((["#.#.#"],), 3)),
        reference=source(r"""
            def count_islands(grid):
                seen, count = set(), 0
                for r, row in enumerate(grid):
                    for c, cell in enumerate(row):
                        if cell != '#' or (r, c) in seen:
                            continue
                        count += 1
                        stack = [(r, c)]
                        seen.add((r, c))
                        while stack:
                            y, x = stack.pop()
                            for ny, nx in ((y + 1, x), (y - 1, x), (y, x + 1), (y, x - 1)):
                                if 0 <= ny < len(grid) and 0 <= nx < len(grid[ny]) and grid[ny][nx] == '#' \
                                        and (ny, nx) not in seen:
                                    seen.add((ny, nx))
                                    stack.append((ny, nx))
                return count
        """),
        wrong=(
            source(r"""
                def count_islands(grid):
                    seen, count = set(), 0
                    for r, row in enumerate(grid):
                        for c, cell in enumerate(row):
                            if cell != '#' or (r, c) in seen:
                                continue
                            count += 1
                            stack = [(r, c)]
                            seen.add((r, c))
                            while stack:
                                y, x = stack.pop()
                                for dy in (-1, 0, 1):
                                    for dx in (-1, 0, 1):
                                        ny, nx = y + dy, x + dx
                                        if 0 <= ny < len(grid) and 0 <= nx < len(grid[ny]) and grid[ny][nx] == '#' \
                                                and (ny, nx) not in seen:
                                            seen.add((ny, nx))
                                            stack.append((ny, nx))
                    return count
            """),
        ),
    ),
    FunctionTask(
        name="unique_in_order",
        signature="def unique_in_order(items: list) -> list",
        description="Drop every item that equals the item right before it, so each run of equal neighbours "
                    "becomes one item.",
        examples=((([1, 1, 2, 2, 2, 3, 1],), [1, 2, 3, 1]),),
        tests=((([],), []), (([1],), [1]), ((["a", "a", "a"],), ["a"]), (([1, 2, 1, 2],), [1, 2, 1, 2]),
               (([0, 0, None, None, 0],), [0, None, 0]), (([True, True, False],), [True, False]),
               ((["x", "y", "y", "x", "x"],), ["x", "y", "x"])),
        reference=source(r"""
            def unique_in_order(items):
                out = []
                for x in items:
                    if not out or out[-1] != x:
                        out.append(x)
                return out
        """),
        wrong=(
            source(r"""
                def unique_in_order(items):
                    out = []
                    for x in items:
                        if x not in out:
                            out.append(x)
                    return out
            """),
        ),
    ),
    FunctionTask(
        name="max_subarray",
        signature="def max_subarray(nums: list[int]) -> int",
        description="Return the largest sum of a non-empty run of consecutive items of nums (nums is not empty).",
        examples=((([-2, 1, -3, 4, -1, 2, 1, -5, 4],), 6),),
        tests=((([1],), 1), (([-1],), -1), (([-3, -1, -2],), -1), (([5, 4, -1, 7, 8],), 23), (([0, 0],), 0),
               (([2, -1, 2],), 3), (([-2, -3, 4, -1, -2, 1, 5, -3],), 7), (([1, 2, 3],), 6)),
        reference=source(r"""
            def max_subarray(nums):
                best = current = nums[0]
                for x in nums[1:]:
                    current = max(x, current + x)
                    best = max(best, current)
                return best
        """),
        wrong=(
            source(r"""
                def max_subarray(nums):
                    best = current = 0
                    for x in nums:
                        current = max(0, current + x)
                        best = max(best, current)
                    return best
            """),
        ),
    ),
    FunctionTask(
        name="pascal_row",
        signature="def pascal_row(n: int) -> list[int]",
        description="Return row n of Pascal's triangle, counting from row 0, which is [1].",
        examples=(((4,), [1, 4, 6, 4, 1]),),
        tests=(((0,), [1]), ((1,), [1, 1]), ((2,), [1, 2, 1]), ((5,), [1, 5, 10, 10, 5, 1]),
               ((10,), [1, 10, 45, 120, 210, 252, 210, 120, 45, 10, 1]),
               ((20,), [1, 20, 190, 1140, 4845, 15504, 38760, 77520, 125970, 167960, 184756, 167960, 125970,
                        77520, 38760, 15504, 4845, 1140, 190, 20, 1])),
        reference=source(r"""
            def pascal_row(n):
                row = [1]
                for _ in range(n):
                    row = [a + b for a, b in zip([0] + row, row + [0])]
                return row
        """),
        wrong=(
            source(r"""
                def pascal_row(n):
                    row = [1]
                    for _ in range(n - 1):
                        row = [a + b for a, b in zip([0] + row, row + [0])]
                    return row
            """),
        ),
    ),
    FunctionTask(
        name="snake_to_camel",
        signature="def snake_to_camel(name: str) -> str",
        description="Turn a snake_case name into camelCase: split on underscores, drop empty parts, keep the "
                    "first part as it is and upper-case only the first letter of each later part (leave its "
                    "other letters as they are).",
        examples=((("hello_world",), "helloWorld"),),
        tests=((("",), ""), (("a",), "a"), (("x_y_z",), "xYZ"), (("get_http_response",), "getHttpResponse"),
               (("_private_var",), "privateVar"), (("double__underscore",), "doubleUnderscore"),
               (("trailing_",), "trailing"), (("get_HTTP_code",), "getHTTPCode")),
        reference=source(r"""
            def snake_to_camel(name):
                parts = [p for p in name.split('_') if p]
                if not parts:
                    return ''
                return parts[0] + ''.join(p[0].upper() + p[1:] for p in parts[1:])
        """),
        wrong=(
            source(r"""
                def snake_to_camel(name):
                    parts = name.split('_')
                    return parts[0] + ''.join(p.title() for p in parts[1:])
            """),
        ),
    ),
    FunctionTask(
        name="to_base",
        signature="def to_base(n: int, base: int) -> str",
        description="Write the integer n in the given base (2 to 16) with digits 0-9 and lowercase a-f, and a "
                    "leading '-' when n is negative. Zero is '0'.",
        examples=(((255, 16), "ff"),),
        tests=(((0, 2), "0"), ((5, 2), "101"), ((-5, 2), "-101"), ((255, 2), "11111111"), ((100, 10), "100"),
               ((35, 16), "23"), ((4095, 16), "fff"), ((7, 8), "7"), ((64, 8), "100"), ((0, 16), "0")),
        reference=source(r"""
            def to_base(n, base):
                if n == 0:
                    return '0'
                sign, n = ('-' if n < 0 else ''), abs(n)
                digits = ''
                while n:
                    n, d = divmod(n, base)
                    digits = '0123456789abcdef'[d] + digits
                return sign + digits
        """),
        wrong=(
            source(r"""
                def to_base(n, base):
                    sign, n = ('-' if n < 0 else ''), abs(n)
                    digits = ''
                    while n:
                        n, d = divmod(n, base)
                        digits = '0123456789abcdef'[d] + digits
                    return sign + digits
            """),
        ),
    ),
    FunctionTask(
        name="min_coins",
        signature="def min_coins(coins: list[int], amount: int) -> int",
        description="With unlimited coins of each value in coins (distinct positive integers), return the "
                    "fewest coins that add up to exactly amount, or -1 when no combination does. "
                    "amount is at most 10000.",
        examples=((([1, 2, 5], 11), 3),),
        tests=((([2], 3), -1), (([1], 0), 0), (([1], 7), 7), (([2, 5, 10, 1], 27), 4), (([3, 7], 11), -1),
               (([3, 7], 13), 3), (([1, 3, 4], 6), 2), (([9, 6, 5, 1], 11), 2), (([7], 9800), 1400)),
        reference=source(r"""
            def min_coins(coins, amount):
                best = [0] + [-1] * amount
                for total in range(1, amount + 1):
                    options = [best[total - c] for c in coins if c <= total and best[total - c] >= 0]
                    if options:
                        best[total] = min(options) + 1
                return best[amount]
        """),
        wrong=(
            source(r"""
                def min_coins(coins, amount):
                    count = 0
                    for c in sorted(coins, reverse=True):
                        count += amount // c
                        amount %= c
                    return count if amount == 0 else -1
            """),
        ),
    ),
    FunctionTask(
        name="polygon_area",
        signature="def polygon_area(points: list[list[float]]) -> float",
        description="points are the corners [x, y] of a simple polygon, in order around it (clockwise or "
                    "counter-clockwise). Return its area as a float (0.0 for fewer than three points).",
        examples=((([[0, 0], [4, 0], [4, 3]],), 6.0),),
        tests=((([[0, 0], [1, 0], [1, 1], [0, 1]],), 1.0), (([[0, 0], [0, 1], [1, 1], [1, 0]],), 1.0),
               (([[0, 0], [0.5, 0], [0.5, 0.5]],), 0.125), (([[1, 1], [3, 1], [3, 4], [1, 4]],), 6.0),
               (([[0, 0], [4, 0], [4, 4], [2, 2], [0, 4]],), 12.0), (([[-1, -1], [1, -1], [0, 2]],), 3.0),
               (([[0, 0], [1, 0]],), 0.0), (([[0, 0], [0, 3], [-2, 0]],), 3.0)),
        reference=source(r"""
            def polygon_area(points):
                total = 0.0
                for i in range(len(points)):
                    (x1, y1), (x2, y2) = points[i], points[(i + 1) % len(points)]
                    total += x1 * y2 - x2 * y1
                return abs(total) / 2
        """),
        wrong=(
            source(r"""
                def polygon_area(points):
                    total = 0.0
                    for i in range(len(points)):
                        (x1, y1), (x2, y2) = points[i], points[(i + 1) % len(points)]
                        total += x1 * y2 - x2 * y1
                    return total / 2
            """),
        ),
    ),
    FunctionTask(
        name="invert_mapping",
        signature="def invert_mapping(mapping: dict[str, str]) -> dict[str, list[str]]",
        description="Invert mapping: each value becomes a key whose value is the sorted list of the keys that "
                    "mapped to it.",
        examples=((({"a": "x", "b": "y", "c": "x"},), {"x": ["a", "c"], "y": ["b"]}),),
        tests=((({},), {}), (({"k": "v"},), {"v": ["k"]}), (({"b": "1", "a": "1"},), {"1": ["a", "b"]}),
               (({"p": "q", "q": "p"},), {"q": ["p"], "p": ["q"]}),
               (({"z": "same", "y": "same", "x": "other"},), {"same": ["y", "z"], "other": ["x"]}),
               (({"one": "", "two": ""},), {"": ["one", "two"]})),
        reference=source(r"""
            def invert_mapping(mapping):
                out = {}
                for key, value in mapping.items():
                    out.setdefault(value, []).append(key)
                return {v: sorted(ks) for v, ks in out.items()}
        """),
        wrong=(
            source(r"""
                def invert_mapping(mapping):
                    out = {}
                    for key, value in mapping.items():
                        out.setdefault(value, []).append(key)
                    return out
            """),
        ),
    ),
    FunctionTask(
        name="prime_factors",
        signature="def prime_factors(n: int) -> list[int]",
        description="Return the prime factors of n (n >= 1) in increasing order, each repeated as often as it "
                    "divides n. prime_factors(1) is [].",
        examples=(((60,), [2, 2, 3, 5]),),
        tests=(((1,), []), ((2,), [2]), ((13,), [13]), ((8,), [2, 2, 2]), ((49,), [7, 7]), ((97 * 89,), [89, 97]),
               ((1024,), [2] * 10), ((2 * 3 * 5 * 7 * 11,), [2, 3, 5, 7, 11]), ((999983,), [999983])),
        reference=source(r"""
            def prime_factors(n):
                out, d = [], 2
                while d * d <= n:
                    while n % d == 0:
                        out.append(d)
                        n //= d
                    d += 1
                if n > 1:
                    out.append(n)
                return out
        """),
        wrong=(
            source(r"""
                def prime_factors(n):
                    out, d = [], 2
                    while d * d <= n:
                        while n % d == 0:
                            out.append(d)
                            n //= d
                        d += 1
                    return out
            """),
        ),
    ),
)
