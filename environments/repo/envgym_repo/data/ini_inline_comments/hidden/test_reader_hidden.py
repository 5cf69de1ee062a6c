from observe import observe
from iniconf import parse

TEXT = """[server]
port = 8080   ; the public port

# tuning
workers=4
"""


def test_inline_comments_dropped():
    server = parse(TEXT)["server"]
    observe(server["port"])
    observe(server["workers"])


def test_hash_comment_lines_ignored():
    observe(parse("# top\n[a]\n  # indented\nx = 1\n")["a"])


def test_values_trimmed_and_semicolon_comment_lines():
    observe(parse("[a]\n; note\nkey =   spaced value   \nempty =\n")["a"])
