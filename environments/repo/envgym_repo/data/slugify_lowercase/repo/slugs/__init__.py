"""slugs."""
from slugs.text import slugify

__all__ = ['slugify']
