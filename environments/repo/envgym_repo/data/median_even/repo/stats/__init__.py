"""stats: descriptive statistics without dependencies."""
from stats.describe import mean, median, summary

__all__ = ["mean", "median", "summary"]
