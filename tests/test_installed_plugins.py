"""Real packages, installed with pip, found through their `envgym` entry points."""

from __future__ import annotations

import subprocess
import sys

from conftest import envgym_cli, pip_install_target, write_package


def test_new_plugin_tutorial_installs_lists_and_checks(tmp_path):
    """The README's tutorial, step for step: envgym new, pip install, envgym list, envgym check."""
    made = envgym_cli("new", "word-games", "--dir", str(tmp_path))
    assert made.returncode == 0, made.stderr
    package = tmp_path / "word-games"
    for name in ["pyproject.toml", "README.md", "word_games/env.py", "word_games/plugin.py", "tests/test_env.py"]:
        assert (package / name).is_file(), name
    site = tmp_path / "site"
    pip_install_target(site, package)

    listed = envgym_cli("list", pythonpath=site)
    assert listed.returncode == 0, listed.stderr
    assert "word-games/WordGames-v0" in listed.stdout and "word_games" in listed.stdout

    checked = envgym_cli("check", "word-games/WordGames-v0", pythonpath=site)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "1 passed, 0 failed" in checked.stdout

    # The generated package's own tests pass too.
    ran = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(package / "tests")],
                         capture_output=True, text=True, env={"PYTHONPATH": str(site), "PATH": ""}, cwd=tmp_path)
    assert ran.returncode == 0, ran.stdout + ran.stderr


def test_plugin_that_raises_on_import_is_named_and_others_survive(tmp_path):
    broken = write_package(tmp_path, "envgym-broken", "envgym_broken",
                           {"__init__.py": "", "plugin.py": "raise RuntimeError('boom: missing dependency xyz')\n"},
                           'broken = "envgym_broken.plugin"')
    site = tmp_path / "site"
    pip_install_target(site, broken)

    listed = envgym_cli("list", pythonpath=site)
    assert listed.returncode == 0, listed.stderr
    assert "envgym/Arithmetic-v0" in listed.stdout
    assert "broken" in listed.stderr  # a warning pointing at `envgym plugins`

    shown = envgym_cli("plugins", pythonpath=site)
    assert shown.returncode == 0, shown.stderr
    failed_section = shown.stdout.split("failed", 1)[1]
    assert "broken" in failed_section and "import" in failed_section
    assert "boom: missing dependency xyz" in failed_section.replace("\n", " ").replace("│", " ").replace("  ", " ")
    assert "arithmetic" in shown.stdout


def test_duplicate_id_from_an_installed_plugin_is_reported(tmp_path):
    clash = write_package(tmp_path, "envgym-clash", "envgym_clash", {
        "__init__.py": "",
        "plugin.py": """
            from envgym import EnvSpec, hookimpl

            @hookimpl
            def envgym_environments():
                return [EnvSpec("envgym/Arithmetic-v0", "envgym_arithmetic.env:ArithmeticEnv")]
        """,
    }, 'zzz_clash = "envgym_clash.plugin"')
    site = tmp_path / "site"
    pip_install_target(site, clash)
    shown = envgym_cli("plugins", pythonpath=site)
    text = " ".join(shown.stdout.replace("│", " ").split())
    assert "zzz_clash register" in text and "already registered by plugin arithmetic" in text


def test_autoload_off_hides_entry_points_and_p_loads_explicitly():
    off = {"ENVGYM_DISABLE_PLUGIN_AUTOLOAD": "1"}
    listed = envgym_cli("list", env=off)
    assert "envgym/Arithmetic-v0" not in listed.stdout
    explicit = envgym_cli("-p", "envgym_arithmetic.plugin", "list", env=off)
    assert explicit.returncode == 0, explicit.stderr
    assert "envgym/Arithmetic-v0" in explicit.stdout
