r"""Where a completion states its final answer: the extraction modes of the ``math`` verifier.

``boxed``: only ``\boxed{}`` (or ``\fbox{}``) counts. Strict, for RL where the format is part of
the task: an unboxed answer scores 0 and the policy learns to box.

``final-answer``: answers as models write them, boxed or not. The first rule that finds something
decides, in this order:

1. the boxes (every ``\boxed{}``: one answer, or one per expected item; several different ones
   are a hedge, which fails);
2. the last answer phrase: "final answer", "the answer is", "Answer:", ``**Answer**``, GSM8K's
   ``####``; the answer is the math that follows it, or the rest of its sentence;
3. the closing sentence or display (pleasantries such as "I hope it is correct." dropped): its
   last math span (``$...$``, ``\(...\)``, ``\[...\]``, ``$$...$$``) that is more than a lone
   variable, spans joined by "and"/"or"/commas taken together; without math, what follows its
   last "is", "are", "equals", "=" or ":";
4. the last number of the closing sentence, but only a number standing on its own: never one
   inside brackets, braces or parentheses, or next to an operator, so an interval, set, tuple,
   matrix or equation is never read as one of its numbers.

Every function here runs in time linear in its input (regexes without nested quantifiers).

>>> final_answer(r"so the area is $\frac{3}{2}$. I hope it is correct.")
('\\frac{3}{2}', 'closing math')
>>> final_answer("12 + 5 = 17\nShe has 17 apples left.")
('17', 'last number')
>>> final_answer("The set is [0, 1).")
('[0, 1)', 'closing sentence')
>>> final_answer("so x lies in -[0,1)")[0] is None   # never the 1 of an interval
True
"""

from __future__ import annotations

import re

from envgym.verify.extract import boxed_contents
from envgym.verify.latex import _CONSTS, _FUNCS, _SEPARATORS, UNITS

_UNIT_WORDS = UNITS | _FUNCS | set(_CONSTS) | _SEPARATORS

MODES = ("final-answer", "boxed")

# Math spans. A lone `$` amount ("$5 and $10") is not math: inline math neither starts nor ends
# with a space, and its closing `$` is not followed by a digit.
_SPAN = re.compile(r"\$\$(.+?)\$\$|\\\[(.+?)\\\]|\\\((.+?)\\\)|\$(?![\s$])([^$\n]*?[^\s$\\])\$(?!\d)", re.S)
_PHRASE = re.compile(r"(?:final\s+answer|the\s+answer|\banswer)\s*\**\s*(?:is\b|:|=)|\*\*(?:final\s+)?answer\*\*|####", re.I)
_PLEASANTRIES = re.compile(
    r"(?:i\s+hope\s+(?:it|this)\s+is\s+correct|hope\s+this\s+helps|let\s+me\s+know[^.\n]*|feel\s+free[^.\n]*"
    r"|good\s+luck|cheers)[.!\s]*$|[\U0001F300-\U0001FAFF\u2600-\u27BF]+\s*$",
    re.I,
)
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)")
_VALUE_AFTER = re.compile(r"(?:\bis\b|\bare\b|\bequals\b|\bbe\b|=|:)", re.I)
_REMARK = re.compile(r"\((?![^()]*\b(?:or|possibly|maybe|perhaps)\b)[^()]*[a-zA-Z]{3,}[^()]*\)", re.I)  # "(checked twice)", not "(or 5)"
# A clause after the answer: "8, which I found in 2 minutes", "11, not 12", "4 because ...".
_CLAUSE = re.compile(r"(?:,\s*|\s+)(?:which|because|since|as|so|not|but|where|when|while|though|although|this|that|thus|"
                     r"hence|i|we|it|after|before|using|by|from|with)\b.*$", re.I | re.S)
_QUESTION = re.compile(r"(?:find|compute|calculate|evaluate|determine|solve|simplify|what|how|which|prove|show)\b", re.I)
_PROSE = re.compile(r"[a-zA-Z]{2,}")
_FILLER = re.compile(r"^(?:(?:therefore|thus|hence|then|so|just|exactly|simply|equal\s+to|given\s+by|now)\b[\s,]*)+", re.I)
_CHOICE = re.compile(r"\(\s*([A-E])\s*\)|^\s*([A-E])\s*$|(?:option|choice|answer)\s+(?:is\s+)?([A-E])\b|\bis\s+([A-E])\s*$")
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " "})
_FOOTNOTE = re.compile(r"^[ \t]*\[\^\w+\]:.*$|\[\^\w+\]", re.M)  # footnotes and their markers
_ASIDE = re.compile(r"\s*(?:\(.*\)|\[\^\w+\]:.*)\s*", re.S)  # "(Note: ...)", a footnote
_NUMBER = re.compile(r"[-−]?(?:\d{1,3}(?:\.\d{3})+,\d+|(?:\d{1,3}(?:(?:,|\{,\}|\\,| )\d{3})+|\d+)(?:[.,]\d+)?|\.\d+)")
_SINGLE_VARIABLE = re.compile(r"\s*[a-zA-Z]\s*")
_CONNECTOR = re.compile(r"\s*(?:,|and|or|,\s*and|,\s*or)\s*", re.I)
_OPERATORS = set("+-*/^_=<>×÷·")


def final_answer(completion: str, mode: str = "final-answer", items: int = 1) -> tuple[str | None, str | None]:
    """``(answer text, the rule that found it)``; ``(None, why)`` when there is none.

    items: how many answers the reference holds (a list or set of that many may be boxed one by one).
    """
    completion = completion.translate(_SPACES)
    boxes = [b.strip() for b in boxed_contents(completion)]
    if boxes:
        if "" in boxes:
            return None, r"empty \boxed{}"
        distinct = list(dict.fromkeys(boxes))
        if len(distinct) == 1:
            return distinct[0], "boxed"
        if len(distinct) == items:
            return ", ".join(distinct), "boxed"
        return None, f"{len(distinct)} different boxed answers"
    if mode == "boxed":
        return None, r"no \boxed{} answer (this environment asks for one)"
    text = _closing(_tail(completion))
    phrase = None
    for phrase in _PHRASE.finditer(text):
        pass
    if phrase is not None:
        found = _after_phrase(text[phrase.end():])
        if found:
            return found, "answer phrase"
    sentence = _last_sentence(text)
    if not sentence:
        return None, "no answer found"
    found = _closing_math(sentence)
    if found:
        return found, "closing math"
    if not _SPAN.search(sentence):
        plain = _plain_value(sentence)
        if plain:
            return plain, "closing sentence"
    number = _standalone_number(sentence)
    if number:
        return number, "last number"
    return None, "no answer found (the closing sentence holds no math, value or lone number)"


TAIL_CHARS = 4000  # a final answer is stated near the end: only this much of the end is read for it


def _tail(text: str) -> str:
    """The last ``TAIL_CHARS`` characters, from a line start when there is one (bounds the work on huge inputs)."""
    if len(text) <= TAIL_CHARS:
        return text
    tail = text[-TAIL_CHARS:]
    newline = tail.find("\n")
    return tail[newline + 1:] if 0 <= newline < TAIL_CHARS // 2 else tail


def _closing(text: str) -> str:
    """The completion without trailing pleasantries and blank space."""
    text = _FOOTNOTE.sub("", text).rstrip()
    for _ in range(3):
        cut = _PLEASANTRIES.sub("", text).rstrip()
        if cut == text:
            break
        text = cut
    return text


def _masked(text: str) -> str:
    """``text`` with every math span's inside replaced by ``#`` (same length): sentence ends and
    words are then looked for outside math only."""
    return _SPAN.sub(lambda m: m.group(0)[0] + "#" * (len(m.group(0)) - 2) + m.group(0)[-1], text)


def _last_sentence(text: str) -> str:
    """The closing sentence: the last non-empty line's last sentence that says something."""
    lines = [line.replace("**", "").replace("|", " ") for line in text.splitlines()]
    lines = [line for line in lines if line.strip(" *#-:") and not _ASIDE.fullmatch(line)]
    if not lines:
        return ""
    line = lines[-1]
    if len(lines) > 1 and re.fullmatch(r"\s*(?:\\\]|\$\$)\s*", line):  # a display closed on its own line
        start = max(text.rfind("\\["), text.rfind("$$", 0, len(text) - 2))
        line = text[start:] if start >= 0 else line
    masked = _masked(line)
    ends = [m.end() for m in _SENTENCE_END.finditer(masked)]
    starts = [0] + ends
    pieces = [line[a:b] for a, b in zip(starts, ends + [len(line)])]
    pieces = [p.strip() for p in pieces if p.strip(" .!?*") and not _ASIDE.fullmatch(p)]
    if not pieces or pieces[-1].endswith("?") or _QUESTION.match(pieces[-1]):
        return ""  # a question, or the problem restated: no answer
    return pieces[-1]


def _spans(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), next(g for g in m.groups() if g is not None).strip()) for m in _SPAN.finditer(text)]


def _closing_math(sentence: str) -> str | None:
    """The closing sentence's answer among its math spans (lone variables skipped)."""
    spans = [s for s in _spans(sentence) if not _SINGLE_VARIABLE.fullmatch(s[2])]
    if not spans:
        return None
    run = [spans[-1]]
    for span in reversed(spans[:-1]):  # spans joined by "and", "or", commas form one answer
        if _CONNECTOR.fullmatch(sentence[span[1]:run[0][0]]):
            run.insert(0, span)
        else:
            break
    return ", ".join(s[2] for s in run)


def _after_phrase(rest: str) -> str | None:
    """The answer that follows an answer phrase: its first math, or the rest of its sentence."""
    rest = rest.lstrip(" \t*:=")
    if rest.startswith("\n"):
        rest = rest.lstrip()
    spans = _spans(rest)
    if spans and spans[0][0] == 0:
        return spans[0][2]
    masked = _masked(rest)
    newline = masked.find("\n")
    end = min([m.start() for m in _SENTENCE_END.finditer(masked)] + [newline if newline >= 0 else len(rest)])
    sentence = _CLAUSE.sub("", _REMARK.sub("", rest[:end])).strip(" *")
    if not sentence:
        return None
    spans = _spans(sentence)
    if len(spans) == 1 and not sentence[: spans[0][0]].strip(" *:") and not sentence[spans[0][1]:].strip(" *.,"):
        return spans[0][2]
    if spans:
        return _closing_math(sentence)
    return _REMARK.sub("", sentence).rstrip(" *.,").lstrip(" *,") or None


def _plain_value(sentence: str) -> str | None:
    """In a sentence without math spans, what ends it after its last "is", "=" or ":" (if it holds
    a digit and no prose); None leaves the sentence to the lone-number rule."""
    last = None
    for last in _VALUE_AFTER.finditer(sentence):
        pass
    if last is None:
        return None
    tail = _REMARK.sub("", sentence[last.end():]).strip(" *.,")
    value = _FILLER.sub("", _CLAUSE.sub("", tail).strip(" *.,"))
    if _CLAUSE.search(tail) or not any(c.isdigit() for c in value) \
            or any(w.lower() not in _UNIT_WORDS for w in _PROSE.findall(value)):
        return None  # more said after the value, or prose around it
    before = sentence[: last.start()].rstrip()
    if last.group(0) == "=" and re.search(r"(?:^|[\s,(])[a-zA-Z]$", before) \
            and all(w.lower() in _UNIT_WORDS for w in _PROSE.findall(sentence)):
        return sentence.strip(" *.,")  # "x = 4 or x = 5": the whole relation
    return value

def _standalone_number(sentence: str) -> str | None:
    """The sentence's last number, if it stands alone: outside brackets, not next to an operator."""
    last = None
    for last in _NUMBER.finditer(sentence):
        pass
    if last is None:
        return None
    before, after = sentence[: last.start()], sentence[last.end():]
    depth = 0
    for c in before:
        depth += (c in "([{") - (c in ")]}")
        if depth < 0:
            return None  # unbalanced brackets: no structure to trust
    if depth > 0 or any(c in ")]}" for c in after.split(" ")[0]):
        return None
    left = before.rstrip()[-1:] if before.rstrip() else ""
    right = after.lstrip()[:1]
    if left in (_OPERATORS - {"="}) | {","} or right in _OPERATORS or left.isalpha() and not before.endswith(" "):
        return None  # a term of an expression, or the last item of a list
    return last.group(0)


_SMALL = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen".split())}
_TENS = {w: 10 * i for i, w in enumerate("_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()) if i > 1}
_SCALES = {"hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9}
_PARTS = {"half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4, "fourth": 4, "fourths": 4,
          "fifth": 5, "fifths": 5, "sixth": 6, "sixths": 6, "eighth": 8, "eighths": 8, "tenth": 10, "tenths": 10}


def number_words(text: str) -> str | None:
    """A number written in English words as digits ("twenty-one" -> "21", "minus five" -> "-5",
    "two thirds" -> "2/3"), or None when the text is anything else.

    >>> number_words("twenty-one"), number_words("minus five"), number_words("one half"), number_words("a dozen")
    ('21', '-5', '1/2', None)
    """
    words = re.sub(r"[-,]", " ", text.lower()).replace(" and ", " ").split()
    if not words or len(words) > 12:
        return None
    sign = ""
    if words[0] in ("minus", "negative"):
        sign, words = "-", words[1:]
    denominator = None
    if words and words[-1] in _PARTS:
        denominator, words = _PARTS[words[-1]], words[:-1]
        words = words or ["one"]
        if words == ["a"] or words == ["an"]:
            words = ["one"]
    total = current = 0
    for word in words:
        if word in _SMALL:
            current += _SMALL[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word == "hundred":
            current = (current or 1) * 100
        elif word in _SCALES:
            total += (current or 1) * _SCALES[word]
            current = 0
        else:
            return None
    if not words:
        return None
    value = total + current
    return f"{sign}{value}/{denominator}" if denominator else f"{sign}{value}"


def choice_letter(text: str) -> str | None:
    """The multiple-choice letter a text names: "(B)", "B", "\\textbf{(B)} 12", "the correct option is D".

    >>> choice_letter(r"$\\textbf{(E)}\\ 12$"), choice_letter("the correct option is D."), choice_letter("(A) or (D)")
    ('E', 'D', None)
    """
    text = re.sub(r"\\text\w*\s*\{([^{}]*)\}|\$", r"\1", text).strip().rstrip(".")
    letters = {next(g for g in m.groups() if g) for m in _CHOICE.finditer(text)}
    return letters.pop() if len(letters) == 1 else None  # "(A) or (D)" names none


def closing_words(completion: str) -> str | None:
    """For answers in words ("Devon", "even"): what the answer phrase or the closing sentence's last
    "is", "are" or ":" is followed by; None when there is nothing there."""
    text = _closing(_tail(completion))
    phrase = None
    for phrase in _PHRASE.finditer(text):
        pass
    if phrase is not None:
        rest = text[phrase.end():].lstrip(" \t*:=\n")
        return _CLAUSE.sub("", rest.split("\n")[0]).strip(" *.,!") or None
    sentence = _last_sentence(text)
    last = None
    for last in re.finditer(r"\bis\b|\bare\b|:", sentence):
        pass
    if last is None:
        return None
    return _FILLER.sub("", _CLAUSE.sub("", sentence[last.end():]).strip(" *.,!")) or None
