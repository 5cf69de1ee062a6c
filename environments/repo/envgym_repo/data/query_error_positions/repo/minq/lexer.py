import re
from collections import namedtuple

Token = namedtuple("Token", "kind text")
PATTERN = re.compile(r'(?P<space>\s+)|(?P<number>\d+(?:\.\d+)?)|(?P<string>"[^"]*")'
                     r'|(?P<op>>=|<=|!=|[=<>])|(?P<name>[A-Za-z_]\w*)|(?P<other>.)')


def tokenize(text):
    """The tokens of ``text``: kinds number, string, op, name, and other (anything else)."""
    tokens = []
    for match in PATTERN.finditer(text):
        if match.lastgroup != "space":
            tokens.append(Token(match.lastgroup, match.group()))
    return tokens
