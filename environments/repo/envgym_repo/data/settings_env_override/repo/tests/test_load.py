import pytest
from appconf import DEFAULTS, load


def test_defaults():
    assert load() == DEFAULTS


def test_file_values_typed():
    settings = load("port = 9000\n# comment\ntimeout=2.5\nhost = 0.0.0.0\n")
    assert settings["port"] == 9000 and settings["timeout"] == 2.5 and settings["host"] == "0.0.0.0"


def test_unknown_setting():
    with pytest.raises(ValueError):
        load("colour = red\n")
