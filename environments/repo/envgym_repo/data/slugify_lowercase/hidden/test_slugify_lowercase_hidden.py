from slugs import slugify


def test_lowercase():
    assert slugify("Hello World") == "hello-world"


def test_mixed():
    assert slugify("  The API v2: Notes ") == "the-api-v2-notes"
