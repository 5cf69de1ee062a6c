import re
from collections import namedtuple

Token = namedtuple("Token", "kind text line column")
PATTERN = re.compile(r'(?P<space>\s+)|(?P<number>\d+(?:\.\d+)?)|(?P<string>"[^"]*")'
                     r'|(?P<op>>=|<=|!=|[=<>])|(?P<name>[A-Za-z_]\w*)|(?P<other>.)')


def tokenize(text):
    """The tokens of ``text``: kinds number, string, op, name, and other (anything else), each
    with the line and column (from 1) where it starts."""
    tokens = []
    for match in PATTERN.finditer(text):
        if match.lastgroup != "space":
            tokens.append(Token(match.lastgroup, match.group(), *position(text, match.start())))
    return tokens


def position(text, offset):
    """(line, column), both from 1, of the character at ``offset`` in ``text``."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1
