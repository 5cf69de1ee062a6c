from iniconf import parse

TEXT = """[server]
port = 8080   ; the public port

# tuning
workers=4
"""


def test_inline_comments_dropped():
    server = parse(TEXT)["server"]
    assert server["port"] == "8080"
    assert server["workers"] == "4"


def test_hash_comment_lines_ignored():
    assert parse("# top\n[a]\n  # indented\nx = 1\n")["a"] == {"x": "1"}


def test_values_trimmed_and_semicolon_comment_lines():
    conf = parse("[a]\n; note\nkey =   spaced value   \nempty =\n")
    assert conf["a"] == {"key": "spaced value", "empty": ""}
