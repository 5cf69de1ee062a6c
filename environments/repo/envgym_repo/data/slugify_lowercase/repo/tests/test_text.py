from slugs import slugify


def test_punctuation_dropped():
    assert slugify("a, b!") == "a-b"
