from observe import observe, observe_raises
from appconf import load


def test_env_overrides_file_with_types():
    settings = load("port = 9000\nworkers = 4\n", env={"APP_PORT": "9100", "APP_DEBUG": "true", "HOME": "/root"})
    observe([settings["port"], settings["debug"], settings["workers"]])


def test_unknown_env_ignored_and_bad_value_named():
    observe(load(env={"APP_COLOUR": "red", "PORT": "1"})["port"])
    observe_raises(lambda: load(env={"APP_PORT": "eighty"}), match="port")


def test_booleans_read_as_words():
    observe(load("debug = false\n")["debug"])
    observe(load("debug = yes\n")["debug"])
    observe(load("debug = 0\n", env={"APP_DEBUG": "off"})["debug"])
    observe_raises(lambda: load("debug = maybe\n"))
