import pytest
from appconf import load


def test_env_overrides_file_with_types():
    settings = load("port = 9000\nworkers = 4\n", env={"APP_PORT": "9100", "APP_DEBUG": "true", "HOME": "/root"})
    assert settings["port"] == 9100 and settings["debug"] is True and settings["workers"] == 4


def test_unknown_env_ignored_and_bad_value_named():
    assert load(env={"APP_COLOUR": "red", "PORT": "1"})["port"] == 8000
    with pytest.raises(ValueError, match="port"):
        load(env={"APP_PORT": "eighty"})


def test_booleans_read_as_words():
    assert load("debug = false\n")["debug"] is False
    assert load("debug = yes\n")["debug"] is True
    assert load("debug = 0\n", env={"APP_DEBUG": "off"})["debug"] is False
    with pytest.raises(ValueError):
        load("debug = maybe\n")
