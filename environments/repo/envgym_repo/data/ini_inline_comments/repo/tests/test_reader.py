import pytest
from iniconf import parse


def test_sections_and_keys():
    conf = parse("[db]\nHost = localhost\nport=5432\n")
    assert conf["db"] == {"host": "localhost", "port": "5432"}


def test_default_section():
    assert parse("debug = yes\n")["DEFAULT"] == {"debug": "yes"}


def test_bad_line():
    with pytest.raises(ValueError):
        parse("[a]\njust words\n")
