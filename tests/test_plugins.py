"""The plugin host: loading in one place, isolation of broken plugins, explicit loading."""

from __future__ import annotations

import types

import pytest

import envgym
from envgym import EnvSpec, hookimpl
from envgym.errors import EnvNotFoundError, RegistrationError
from envgym.plugins import PluginHost
from envgym.registry import ComponentSpec


def _plugin(name: str, **hooks) -> types.ModuleType:
    module = types.ModuleType(name)
    for hook, fn in hooks.items():
        setattr(module, hook, hookimpl(fn))
    return module


def _envs(*ids: str):
    return lambda: [EnvSpec(i, "envgym_arithmetic.env:ArithmeticEnv") for i in ids]


def test_import_envgym_loads_no_plugin():
    import subprocess
    import sys

    code = ("import sys, envgym, envgym.plugins as p; "
            "assert p._host is None, 'host created at import'; "
            "assert 'envgym_arithmetic' not in sys.modules; print('clean')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "clean", out.stderr


def test_entry_points_and_builtins_load():
    host = PluginHost().load()
    assert "envgym/Arithmetic-v0" in host.envs
    assert host.envs.get("envgym/Arithmetic-v0").plugin == "arithmetic"
    assert {"number", "exact"} <= {s.name for s in host.components["verifier"]}
    assert host.components["verifier"].get("number").plugin == "envgym"
    assert not host.failures


def test_autoload_can_be_switched_off(monkeypatch):
    monkeypatch.setenv("ENVGYM_DISABLE_PLUGIN_AUTOLOAD", "1")
    host = PluginHost().load()
    assert len(host.envs) == 0
    assert "number" in host.components["verifier"]  # built-ins still load
    with pytest.raises(EnvNotFoundError, match="autoloading is off.*ENVGYM_PLUGINS"):
        host.make("envgym/Arithmetic-v0")


def test_explicit_plugins_load_with_autoload_off(monkeypatch):
    monkeypatch.setenv("ENVGYM_DISABLE_PLUGIN_AUTOLOAD", "1")
    monkeypatch.setenv("ENVGYM_PLUGINS", "envgym_arithmetic.plugin")
    host = PluginHost().load()
    assert host.envs.get("envgym/Arithmetic-v0").plugin == "envgym_arithmetic.plugin"
    assert host.make("envgym/Arithmetic-v0").reset(seed=1)[0]


def test_broken_plugins_are_reported_by_name_and_others_keep_working():
    raising_hook = _plugin("raises", envgym_environments=lambda: 1 / 0)
    misspelt = _plugin("misspelt")
    misspelt.envgym_enviroments = hookimpl(lambda: [])
    good = _plugin("good", envgym_environments=_envs("test/Good-v0"))
    host = PluginHost(autoload=False, extra=[raising_hook, misspelt, "no_such_plugin_module", good]).load()
    failed = {f.plugin: f for f in host.failures}
    assert failed["raises"].stage == "hook" and "ZeroDivisionError" in failed["raises"].error
    assert failed["misspelt"].stage == "validate" and "envgym_enviroments" in failed["misspelt"].error
    assert failed["no_such_plugin_module"].stage == "import"
    assert "ModuleNotFoundError" in failed["no_such_plugin_module"].error
    assert "test/Good-v0" in host.envs


def test_plugin_registering_a_taken_id_is_reported_and_first_wins():
    first = _plugin("first", envgym_environments=_envs("test/Same-v0"))
    second = _plugin("second", envgym_environments=_envs("test/Same-v0", "test/Other-v0"))
    host = PluginHost(autoload=False, extra=[first, second]).load()
    assert host.envs.get("test/Same-v0").plugin == "first"
    assert "test/Other-v0" in host.envs  # the clash does not drop the plugin's other environments
    (failure,) = host.failures
    assert failure.plugin == "second" and failure.stage == "register"
    assert "already registered by plugin first" in failure.error


def test_register_from_user_code_refuses_a_taken_id():
    host = PluginHost(autoload=False).load()
    host.register_env(EnvSpec("test/Mine-v0", "envgym_arithmetic.env:ArithmeticEnv"))
    with pytest.raises(RegistrationError, match="already registered"):
        host.register_env(EnvSpec("test/Mine-v0", "envgym_arithmetic.env:ArithmeticEnv"))


def test_component_hooks_and_event_listeners():
    seen = []

    def listen(event):
        seen.append(event.kind)

    def broken_listener(event):
        raise RuntimeError("listener down")

    p1 = _plugin("p1", envgym_sandboxes=lambda: [ComponentSpec("fake-sandbox", dict)], envgym_on_event=listen)
    p2 = _plugin("p2", envgym_on_event=broken_listener)
    host = PluginHost(autoload=False, extra=[p1, p2]).load()
    assert host.component("sandbox", "fake-sandbox").plugin == "p1"
    host.emit(envgym.Event("episode.end", {"reward": 1.0}))
    assert seen == ["episode.end"]
    assert any(f.plugin == "p2" and "listener down" in f.error for f in host.failures)


def test_wrong_spec_type_from_a_hook_is_a_registration_failure():
    bad = _plugin("bad", envgym_verifiers=lambda: ["not a spec"])
    host = PluginHost(autoload=False, extra=[bad]).load()
    assert host.failures[0].plugin == "bad" and "ComponentSpec" in host.failures[0].error


def test_make_warns_once_when_a_plugin_failed_to_load():
    """envgym.make names the broken plugin once, and points at `envgym plugins`."""
    import subprocess
    import sys

    code = (
        "import warnings, envgym\n"
        "envgym.load_plugins(extra=['no_such_plugin_module_for_envgym'])\n"
        "with warnings.catch_warnings(record=True) as seen:\n"
        "    warnings.simplefilter('always')\n"
        "    envgym.make('envgym/Arithmetic-v0'); envgym.make('envgym/Arithmetic-v0')\n"
        "print(len(seen), seen[0].category.__name__, 'no_such_plugin_module_for_envgym' in str(seen[0].message),\n"
        "      'envgym plugins' in str(seen[0].message))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.split() == ["1", "PluginWarning", "True", "True"], out.stderr[-2000:]


def test_gymnasium_make_with_the_module_prefix_loads_envgym():
    """Gymnasium's documented "module:EnvId" form works in a fresh process; a plain import stays light."""
    import subprocess
    import sys

    code = ("import gymnasium\n"
            "env = gymnasium.make('envgym:envgym/Arithmetic-v0')\n"
            "obs, info = env.reset(seed=0)\n"
            "print(type(env.unwrapped).__name__, info['task_id'].startswith('arith'))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.split() == ["ArithmeticEnv", "True"], out.stderr[-2000:]
