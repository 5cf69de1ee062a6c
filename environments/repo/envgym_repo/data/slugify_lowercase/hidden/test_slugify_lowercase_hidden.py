from observe import observe
from slugs import slugify


def test_lowercase():
    observe(slugify("Hello World"))


def test_mixed():
    observe(slugify("  The API v2: Notes "))
