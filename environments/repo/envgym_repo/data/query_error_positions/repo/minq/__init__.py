"""minq: a tiny filter language, ``field op value`` joined by ``and``/``or``, over dicts."""
from minq.lexer import tokenize
from minq.parser import ParseError, compile_query

__all__ = ["ParseError", "compile_query", "tokenize"]
