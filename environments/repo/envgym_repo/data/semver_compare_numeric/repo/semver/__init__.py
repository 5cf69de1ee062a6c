"""Compare dotted version strings."""
from semver.versions import compare, latest

__all__ = ["compare", "latest"]
