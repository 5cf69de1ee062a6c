"""mdtable: render rows as a GitHub-flavoured Markdown table, padded for reading as plain text."""
from mdtable.render import render

__all__ = ["render"]
