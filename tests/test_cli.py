"""The `envgym` command, through typer's runner (in-process) and its exit codes."""

from __future__ import annotations

import re

from typer.testing import CliRunner

from envgym.cli import app

runner = CliRunner()


def _flat(text: str) -> str:
    return " ".join(re.sub(r"[│┃━─┏┓┗┛┡┩└┘┌┐╇╈┳┻┼]", " ", text).split())


def test_list_shows_environments_with_their_plugin():
    result = runner.invoke(app, ["list"])
    assert result.exit_code == 0
    assert "envgym/Arithmetic-v0 arithmetic" in _flat(result.stdout)


def test_info_shows_options_and_a_sample():
    result = runner.invoke(app, ["info", "envgym/Arithmetic-v0"])
    assert result.exit_code == 0, result.output
    text = _flat(result.stdout)
    assert "difficulty 1 1" in text and "verifier: number" in text and "user: Compute" in text


def test_check_passes_and_fails_with_exit_codes():
    ok = runner.invoke(app, ["check", "envgym/Arithmetic-v0", "--seeds", "3"])
    assert ok.exit_code == 0, ok.output
    assert "1 passed, 0 failed" in ok.stdout
    every = runner.invoke(app, ["check", "--all", "--seeds", "2"])
    assert every.exit_code == 0 and "0 failed" in every.stdout
    missing = runner.invoke(app, ["check", "envgym/Arithmetic-v9"])
    assert missing.exit_code == 2 and "did you mean 'envgym/Arithmetic-v0'" in _flat(missing.output)
    neither = runner.invoke(app, ["check"])
    assert neither.exit_code == 2 and "--all" in neither.output


def test_run_scripted_policy_scores_everything():
    result = runner.invoke(app, ["run", "envgym/Arithmetic-v0", "--episodes", "4", "--kw", "difficulty=5"])
    assert result.exit_code == 0, result.output
    assert "mean reward 1.000, solved 4/4" in result.stdout


def test_run_random_policy_and_bad_arguments():
    args = ["run", "envgym/Arithmetic-v0", "--policy", "random", "--episodes", "6", "--seed", "3", "--show"]
    rnd, again = runner.invoke(app, args), runner.invoke(app, args)
    assert rnd.exit_code == 0 and "with the random policy" in rnd.stdout
    assert rnd.stdout == again.stdout  # --seed seeds the random actions too
    solved = int(re.search(r"solved (\d)/6", rnd.stdout).group(1))
    assert solved < 6
    bad_policy = runner.invoke(app, ["run", "envgym/Arithmetic-v0", "--policy", "gpt"])
    assert bad_policy.exit_code == 2 and "--policy must be one of" in bad_policy.output
    bad_kw = runner.invoke(app, ["run", "envgym/Arithmetic-v0", "--kw", "difficulty=9"])
    assert bad_kw.exit_code == 2 and "difficulty must be one of" in bad_kw.output


def test_new_refuses_bad_names_and_existing_folders(tmp_path):
    bad = runner.invoke(app, ["new", "My Env", "--dir", str(tmp_path)])
    assert bad.exit_code == 2 and "lowercase" in bad.output
    assert runner.invoke(app, ["new", "ok-env", "--dir", str(tmp_path)]).exit_code == 0
    again = runner.invoke(app, ["new", "ok-env", "--dir", str(tmp_path)])
    assert again.exit_code == 2 and "already exists" in again.output
    assert "ok_env/" not in (tmp_path / "ok-env" / "pyproject.toml").read_text()
    assert 'ok_env = "ok_env.plugin"' in (tmp_path / "ok-env" / "pyproject.toml").read_text()


def test_plugins_lists_builtin_and_entry_points():
    result = runner.invoke(app, ["plugins"])
    text = _flat(result.stdout)
    assert result.exit_code == 0
    assert "envgym builtin" in text and "arithmetic entry point envgym-arithmetic" in text
