"""The ``envgym`` command: list, inspect, check, play and create environments.

    envgym list                      environments and the plugin each came from
    envgym info ID                   what an environment is, its options and a sample prompt
    envgym plugins                   loaded plugins, and failed ones with their errors
    envgym check ID | --all          Gymnasium's checker, determinism, gold and hack probes
    envgym scorecard ID | --all      the thorough report: a verdict per environment, with reasons
    envgym run ID --policy scripted  play episodes with the gold policy and print rewards
    envgym serve ID [ID ...]         serve environments over HTTP/WebSocket (OpenEnv's protocol)
    envgym new NAME                  write a plugin package from the template
    envgym train --env ID --learner NAME   train (sft, rlvr, process, refine, distill, guided)
    envgym learners                  learners and their settings
    envgym eval --env ID --scaffold S  pass@k and cost per solved task, bare and scaffolded
    envgym rescore STORE --verifier V  score stored rollouts again; new store and impact report

``-p MODULE`` (repeatable) loads a plugin module explicitly, also when
``ENVGYM_DISABLE_PLUGIN_AUTOLOAD=1`` turns entry-point loading off.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
import typing
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Column, Table
from typer.core import TyperGroup

try:  # typer 0.2x carries its own copy of click
    from typer._click.exceptions import ClickException, NoArgsIsHelpError
except ImportError:  # pragma: no cover - older typer on click itself
    from click.exceptions import ClickException, NoArgsIsHelpError

from envgym import plugins, validate
from envgym.errors import EnvgymError, InputError, ProbesUnavailable

if TYPE_CHECKING:
    from envgym.results import PipelineReport, SeedsReport

out = Console()
err = Console(stderr=True)


class _OneLineErrors(TyperGroup):
    """Usage errors (a missing option, a value out of range) as one line on stderr with exit code 2,
    like every other refusal of this command, instead of click's usage block."""

    def main(self, *args, standalone_mode: bool = True, **kwargs):  # type: ignore[override]
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        try:
            code = super().main(*args, standalone_mode=False, **kwargs)
        except NoArgsIsHelpError as exc:
            out.print(exc.ctx.get_help() if exc.ctx else str(exc), highlight=False, markup=False)
            code = 2
        except ClickException as exc:
            command = exc.ctx.command_path if getattr(exc, "ctx", None) else "envgym"
            err.print(f"[red]error:[/] {escape(exc.format_message())} (see `{command} --help`)", highlight=False,
                      soft_wrap=True)
            code = exc.exit_code
        except typer.Abort:
            err.print("aborted")
            code = 1
        raise SystemExit(code if isinstance(code, int) else 0)


app = typer.Typer(cls=_OneLineErrors, add_completion=False, no_args_is_help=True,
                  help="Verifiable environments for language-model agents.")


@app.callback()
def main(
    plugin: Annotated[
        Optional[list[str]], typer.Option("--plugin", "-p", help="Load this plugin module too (repeatable).")
    ] = None,
) -> None:
    if plugin:
        plugins.load_plugins(extra=plugin)


def _host() -> plugins.PluginHost:
    host = plugins.host()
    if host.failures:
        names = ", ".join(sorted({f.plugin for f in host.failures}))
        err.print(f"[yellow]warning:[/] {len(host.failures)} plugin problem(s) ({names}); see `envgym plugins`")
    return host


def _fail(message: str, code: int = 2) -> None:
    # one line however wide the terminal; escaped: "['length', 'speed']" must survive
    err.print(f"[red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


@app.command("list")
def list_cmd() -> None:
    """List registered environments with the plugin each came from."""
    host = _host()
    table = Table("id", "plugin", "summary", title=f"{len(host.envs)} environment(s)")
    for spec in host.envs:
        table.add_row(spec.id, spec.plugin or "(user code)", spec.summary)
    out.print(table)


@app.command()
def info(
    env_id: str,
    kw: Annotated[Optional[list[str]], typer.Option("--kw", help="Environment option KEY=VALUE (repeatable).")] = None,
) -> None:
    """Describe one environment: origin, options, verifier, probes and a sample prompt."""
    host = _host()
    kwargs = _parse_kwargs(kw)
    try:
        validate.env(env_id, kwargs, "--kw" if kwargs else "ENV_ID")
    except InputError as exc:  # a constructor's refusal is one line, as in `run` and `check`
        _fail(str(exc))
    spec = host.env_spec(env_id)
    env = host.make(env_id, **kwargs)
    obs, reset_info = env.reset(seed=0)
    doc = inspect.getdoc(type(env)) or ""
    out.print(f"[bold]{spec.id}[/]  ({type(env).__module__}.{type(env).__name__}, plugin {spec.plugin})")
    if doc:
        out.print(doc)
    params = Table("option", "default", "registered")
    for name, p in inspect.signature(type(env).__init__).parameters.items():
        if name in ("self", "render_mode") or p.kind in (p.VAR_KEYWORD, p.VAR_POSITIONAL):
            continue
        default = "" if p.default is p.empty else repr(p.default)
        params.add_row(name, default, repr(spec.kwargs[name]) if name in spec.kwargs else "")
    out.print(params)
    out.print(f"verifier: {env.verifier.name} (bound: {env.verifier.bound}); max turns: {env.max_turns}")
    try:
        hacks = ", ".join(env.hack_actions()) if hasattr(env, "hack_actions") else ""
    except ProbesUnavailable as exc:
        hacks = f"none ({exc})"
    out.print(f"hack probes: {escape(hacks)}", highlight=False)
    out.print(f"sample (seed 0, task {reset_info['task_id']}):")
    for message in obs:
        out.print(f"  [cyan]{message['role']}[/]: {escape(str(message['content']))}", markup=True, highlight=False)


@app.command("plugins")
def plugins_cmd() -> None:
    """Show loaded plugins and the ones that failed, with their errors."""
    host = plugins.host()
    counts: dict[str, int] = {}
    for spec in [*host.envs, *(s for c in host.components.values() for s in c)]:
        counts[spec.plugin or ""] = counts.get(spec.plugin or "", 0) + 1
    table = Table("plugin", "source", "distribution", "version", "registered", title="loaded")
    for p in host.plugins:
        table.add_row(p.name, p.source, p.distribution or "", p.version or "", str(counts.get(p.name, 0)))
    out.print(table)
    if not plugins.autoload_enabled():
        out.print(f"entry-point autoloading is off ({plugins.DISABLE_AUTOLOAD_ENV} is set)")
    if host.failures:
        failed = Table("plugin", "stage", "distribution", "error", title="failed", title_style="red")
        for f in host.failures:
            failed.add_row(f.plugin, f.stage, f.distribution or "", f.error)
        out.print(failed)


@app.command()
def check(
    env_id: Annotated[Optional[str], typer.Argument(help="The environment to check.")] = None,
    all_envs: Annotated[bool, typer.Option("--all", help="Check every registered environment.")] = False,
    seeds: Annotated[int, typer.Option(min=1, help="How many seeds the probes run on.")] = 5,
) -> None:
    """Run Gymnasium's env checker, seeded determinism, gold and hack probes. Exit 1 on failure."""
    from envgym.check import check_environment

    host = _host()
    if all_envs == (env_id is not None):
        _fail("give one environment id, or --all")
    ids = [s.id for s in host.envs] if all_envs else [env_id]
    if env_id is not None:
        try:
            host.env_spec(env_id)
        except EnvgymError as exc:
            _fail(str(exc))
    failed = 0
    skipped = 0
    for one in ids:
        report = check_environment(one, seeds=range(seeds), host=host)
        failed += not report.ok
        skipped += bool(report.skipped)
        verdict = ("passed" + (f", {len(report.skipped)} skipped" if report.skipped else "")) if report.ok else "FAILED"
        table = Table("check", "result", "detail", title=f"{one}: {verdict}")
        for item in report.items:
            result = "[yellow]skip[/]" if item.skipped else "[green]ok[/]" if item.ok else "[red]FAIL[/]"
            table.add_row(item.name, result, escape(item.detail))
        out.print(table)
        for warning in report.warnings:
            out.print(f"  [yellow]gymnasium warning:[/] {escape(warning)}", highlight=False)
    out.print(f"{len(ids) - failed} passed, {failed} failed" + (f" ({skipped} with skipped checks)" if skipped else ""))
    if failed:
        raise typer.Exit(1)


@app.command("scorecard")
def scorecard_cmd(
    env_id: Annotated[Optional[str], typer.Argument(help="The environment to score.")] = None,
    all_envs: Annotated[bool, typer.Option("--all", help="Score every registered environment, one row each.")] = False,
    fmt: Annotated[str, typer.Option("--format", help="markdown, html or json.")] = "markdown",
    out_file: Annotated[Optional[Path], typer.Option("--out", help="Write the table here instead of printing it.")] = None,
    learn: Annotated[bool, typer.Option("--learn/--no-learn", help="Also measure learnability: a short seeded run of the "
                                        "tiny model (minutes per environment on a CPU, needs torch). Off by default.")] = False,
    seeds: Annotated[int, typer.Option(min=1, help="Seeds for the probes and the determinism replay.")] = 8,
    sample: Annotated[int, typer.Option(min=1, help="Seeds the gold policy plays for its solve share and agreement.")] = 16,
) -> None:
    """A thorough companion to `check`: determinism, gold and hack probes, verifier agreement, reward spread,
    speed, containment, task space, learnability; a verdict per environment. Exit 1 if any is broken."""
    from envgym.scorecard import ScorecardConfig, scorecards, to_html, to_json, to_markdown

    renderers = {"markdown": to_markdown, "html": to_html, "json": to_json}
    if fmt not in renderers:
        _fail(f"--format must be one of {', '.join(renderers)}, got {fmt!r}")
    if learn:
        import importlib.util

        if importlib.util.find_spec("torch") is None:
            _fail("--learn trains the tiny model and needs torch: pip install 'envgym[train]', or drop --learn")
    host = _host()
    if all_envs == (env_id is not None):
        _fail("give one environment id, or --all")
    if env_id is not None:
        try:
            host.env_spec(env_id)
        except EnvgymError as exc:
            _fail(str(exc))
    cards = scorecards([s.id for s in host.envs] if all_envs else [env_id],
                       ScorecardConfig(seeds=seeds, sample=sample, learn=learn), host=host)
    text = renderers[fmt](cards)
    if out_file is None:
        print(text, end="")
    else:
        out_file.write_text(text)
        out.print(f"wrote {out_file}")
    broken = [c.env_id for c in cards if c.rating == "broken"]
    if broken:
        err.print(f"{len(broken)} broken: {', '.join(broken)}", highlight=False, soft_wrap=True)
        raise typer.Exit(1)


_WORDS = {"true": True, "false": False, "yes": True, "no": False, "on": True, "off": False,
          "none": None, "null": None}


def parse_value(text: str) -> object:
    """A command-line value: JSON first (``3``, ``0.5``, ``true``, ``[1, 2]``, ``{"a": 1}``, ``"x"``), then
    the words True/False/yes/no/on/off/None in any case, else the text itself.

    >>> [parse_value(v) for v in ("3", "False", "off", "[1, 2]", "linear", "None")]
    [3, False, False, [1, 2], 'linear', None]
    """
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        pass
    return _WORDS[text.strip().lower()] if text.strip().lower() in _WORDS else text


def _parse_kwargs(items: list[str] | None, flag: str = "--kw") -> dict:
    kwargs = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key:
            _fail(f"{flag} takes KEY=VALUE, got {item!r}")
        kwargs[key] = parse_value(value)
    return kwargs


@app.command()
def run(
    env_id: str,
    policy: Annotated[str, typer.Option(help="scripted (the environment's gold policy) or random.")] = "scripted",
    episodes: Annotated[int, typer.Option(min=1)] = 5,
    seed: Annotated[int, typer.Option(min=0, help="Seed of the first episode; the others follow.")] = 0,
    kw: Annotated[Optional[list[str]], typer.Option("--kw", help="Environment option KEY=VALUE (repeatable); VALUE is "
                                                    "JSON, or true/false/none in any case, or text.")] = None,
    show: Annotated[bool, typer.Option(help="Print each episode's transcript.")] = False,
) -> None:
    """Play episodes with a scripted policy and print their rewards."""
    from envgym.play import SCRIPTED_POLICIES, play_episode

    if policy not in SCRIPTED_POLICIES:
        _fail(f"--policy must be one of {', '.join(SCRIPTED_POLICIES)}, got {policy!r} (model policies come with `envgym eval`)")
    host = _host()
    kwargs = _parse_kwargs(kw)
    try:
        validate.env(env_id, kwargs, "--kw" if kwargs else "ENV_ID")
    except InputError as exc:
        _fail(str(exc))
    env = host.make(env_id, **kwargs)
    table = Table("seed", "task", "turns", "reward", "correct", "reason", title=f"{env_id} with the {policy} policy")
    results = []
    for s in range(seed, seed + episodes):
        try:
            result = play_episode(env, SCRIPTED_POLICIES[policy], s)
        except ProbesUnavailable as exc:
            _fail(f"{env_id} has no {policy} policy: {exc}; try --policy random")
        except EnvgymError as exc:  # a server gone, a sandbox that failed
            _fail(str(exc), 1)
        results.append(result)
        table.add_row(escape(str(s)), escape(result.task_id), str(len(result.rewards)), f"{result.total_reward:g}",
                      str(result.final.correct), escape(result.final.reason))
        if show:
            out.print(result.transcript, highlight=False, markup=False)
            out.rule()
    out.print(table)
    mean = sum(r.total_reward for r in results) / len(results)
    solved = sum(r.final.correct for r in results)
    out.print(f"mean reward {mean:.3f}, solved {solved}/{len(results)}")


@app.command()
def serve(
    env_ids: Annotated[list[str], typer.Argument(metavar="ID...", help="Environment ids to serve.")],
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port to listen on; 0 picks a free one (printed).")] = 8000,
    host: Annotated[str, typer.Option(help="Address to listen on; 127.0.0.1 is this machine only.")] = "127.0.0.1",
    kw: Annotated[Optional[list[str]], typer.Option("--kw", help="Default option KEY=VALUE for every id, or ID:KEY=VALUE "
                                                    "for one (repeatable); a reset request may override it.")] = None,
    max_sessions: Annotated[int, typer.Option(min=1, help="Open sessions (connections) allowed per id.")] = 1024,
    threads: Annotated[int, typer.Option(min=1, help="Threads that run every session's reset and step.")] = 16,
    log_level: Annotated[str, typer.Option(help="uvicorn's log level: critical, error, warning, info, debug.")] = "warning",
) -> None:
    """Serve environments over HTTP and WebSocket with OpenEnv's protocol: one session per connection."""
    try:
        from envgym.serve import app as serving
    except ImportError as exc:
        _fail(f"envgym serve needs openenv-core, FastAPI and uvicorn: pip install 'envgym[serve]' ({exc})")
    _host()
    if len(set(env_ids)) < len(env_ids):
        _fail(f"each id once, please: {' '.join(env_ids)}")
    if log_level not in ("critical", "error", "warning", "info", "debug"):
        _fail(f"--log-level must be critical, error, warning, info or debug, got {log_level!r}")
    options = _serve_kwargs(env_ids, kw)
    try:
        for env_id in env_ids:
            validate.env(env_id, options[env_id], "--kw" if options[env_id] else "ID")
        sock = serving.bind(host, port)
    except InputError as exc:
        _fail(str(exc))
    serving.raise_open_file_limit(max_sessions * len(env_ids) + 256)
    app = serving.build_app(env_ids, options, max_sessions=max_sessions, threads=threads)
    url = serving.url_of(sock)
    for env_id in env_ids:
        out.print(f"serving {env_id} at {url}/{env_id}" + (f" (and at {url})" if len(env_ids) == 1 else ""),
                  highlight=False, soft_wrap=True)
    out.print(f"OpenEnv clients connect to {url}/<id>/ws; {url}/envs lists the sessions; Ctrl-C stops", highlight=False,
              soft_wrap=True)
    out.file.flush()
    serving.run(app, sock, log_level=log_level)


def _serve_kwargs(env_ids: list[str], items: list[str] | None) -> dict[str, dict]:
    """--kw values of `envgym serve`: KEY=VALUE for every id, ID:KEY=VALUE for that id only."""
    per_id: dict[str, dict] = {env_id: {} for env_id in env_ids}
    for item in items or []:
        key, sep, text = item.partition("=")
        target, colon, key = key.rpartition(":")
        if not sep or not key:
            _fail(f"--kw takes KEY=VALUE or ID:KEY=VALUE, got {item!r}")
        if colon and target not in per_id:
            _fail(f"--kw {item!r}: {target!r} is not served here{validate.nearest(target, env_ids)}; "
                  f"served: {', '.join(env_ids)}")
        for env_id in [target] if colon else env_ids:
            per_id[env_id][key] = parse_value(text)
    return per_id


@app.command()
def new(
    name: Annotated[str, typer.Argument(help="The package name, e.g. word-games.")],
    directory: Annotated[Path, typer.Option("--dir", help="Where to create the package folder.")] = Path("."),
    namespace: Annotated[Optional[str], typer.Option(help="The id namespace (default: NAME).")] = None,
    force: Annotated[bool, typer.Option(help="Write into an existing non-empty folder.")] = False,
) -> None:
    """Write a complete environment plugin package that installs with pip and passes `envgym check`."""
    from envgym.template import write_plugin

    try:
        validate.out_dir(directory, "--dir")
        names, written = write_plugin(name, directory, namespace=namespace, force=force)
    except EnvgymError as exc:
        _fail(str(exc))
    root = directory / names.dist
    for path in written:
        out.print(f"  wrote {path}")
    out.print(f"\nNext:\n  pip install -e {root}\n  envgym list\n  envgym check {names.env_id}")


@app.command()
def train(
    env: Annotated[str, typer.Option("--env", help="Environment id to train on.")],
    learner: Annotated[str, typer.Option(help="sft, rlvr, process, refine, distill, guided (see `envgym learners`).")] = "rlvr",
    model: Annotated[str, typer.Option(help="A Hugging Face model directory, or 'tiny' (built locally).")] = "tiny",
    policy: Annotated[str, typer.Option(help="Rollout engine: hf (the training model) or vllm.")] = "hf",
    out_dir: Annotated[Path, typer.Option("--out", help="Run folder: checkpoint, metrics, rollouts.")] = Path("runs/train"),
    steps: Annotated[int, typer.Option(min=1)] = 100,
    lr: Annotated[float, typer.Option(help="AdamW learning rate.")] = 1e-3,
    seed: Annotated[int, typer.Option(min=0)] = 0,
    kw: Annotated[Optional[list[str]], typer.Option("--kw", help="Environment option KEY=VALUE (repeatable); VALUE is "
                                                    "JSON, or true/false/none in any case, or text.")] = None,
    set_: Annotated[Optional[list[str]], typer.Option("--set", help="Learner setting KEY=VALUE (repeatable).")] = None,
    opt: Annotated[Optional[list[str]], typer.Option("--opt", help="Any other TrainConfig field KEY=VALUE (repeatable).")] = None,
    sampler: Annotated[str, typer.Option(help="How training tasks are drawn: uniform, or adaptive (a curriculum of "
                                         "tasks whose recent pass rate is in a band).")] = "uniform",
    sampler_kw: Annotated[Optional[list[str]], typer.Option("--sampler-kw", help="Sampler setting KEY=VALUE (repeatable), "
                                                            "e.g. low=0.2.")] = None,
    resume: Annotated[bool, typer.Option(help="Continue the run in --out from its checkpoint.")] = False,
    ray: Annotated[Optional[str], typer.Option(help="Environments in Ray actors: 'local' or a cluster address.")] = None,
    nproc: Annotated[int, typer.Option(min=1, help="Data-parallel processes on this machine (launches torchrun; "
                                                    "--opt parallel=ddp for DDP instead of FSDP).")] = 1,
) -> None:
    """Train a policy on an environment with a learner; checkpoints are plain Hugging Face directories."""
    from envgym.learn import distributed
    from envgym.learn.trainer import Trainer

    _host()
    config = _train_config(env, learner, model, policy, out_dir, steps, lr, seed, kw, set_, opt, ray, sampler, sampler_kw)
    if (out_dir / "checkpoint").exists() and not resume:
        _fail(f"{out_dir} holds a checkpoint from an earlier run; pass --resume to continue it, or choose another --out")
    if nproc > 1 and not distributed.launched():
        raise typer.Exit(_torchrun(nproc))
    try:
        trainer = Trainer(config)
    except (EnvgymError, TypeError, ValueError, FileNotFoundError) as exc:
        _fail(str(exc))
    try:
        metrics = trainer.train()
        main = trainer.group.main
    except EnvgymError as exc:
        _fail(str(exc))
    finally:
        trainer.close()
    if not main:
        return
    shown = {k: v for k, v in metrics.items() if k.startswith("eval_") or k in ("step", "loss", "reward")}
    out.print(" ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in shown.items()))
    out.print(f"checkpoint: {out_dir / 'checkpoint'}  metrics: {out_dir / 'metrics.jsonl'}")


# TrainConfig fields with a flag of their own in `envgym train`, so not for --opt
_TRAIN_FLAGS = ("env", "learner", "learner_config", "model", "policy", "output_dir", "env_kwargs", "steps", "lr", "seed",
                "ray_address", "sampler", "sampler_kwargs")


def _train_config(env: str, learner: str, model: str, policy: str, out_dir: Path, steps: int, lr: float, seed: int,
                  kw: list[str] | None, set_: list[str] | None, opt: list[str] | None, ray: str | None,
                  sampler: str = "uniform", sampler_kw: list[str] | None = None):
    """The run's TrainConfig, every value checked (the environment built once with --kw, the
    learner's settings against its config) before a model loads."""
    from envgym.learn.learners import learner_config
    from envgym.learn.trainer import TrainConfig

    env_kwargs, settings, extra = _parse_kwargs(kw), _parse_kwargs(set_, "--set"), _parse_kwargs(opt, "--opt")
    try:
        validate.component("learner", learner, "--learner")
        validate.value(policy, typing.get_type_hints(TrainConfig)["policy"], "--policy")
        validate.model(model, "--model")
        validate.out_dir(out_dir, "--out")
        validate.env(env, env_kwargs, "--kw" if env_kwargs else "--env")
        settings = validate.fields(learner_config(learner), settings, "--set", join=" ")
        validate.build(learner_config(learner), settings, f"--set (learner {learner})", join=" ")
        sampler, sampler_kwargs = validate.sampler(sampler, _parse_kwargs(sampler_kw, "--sampler-kw"), "--sampler")
        extra = validate.fields(TrainConfig, extra, "--opt", exclude=_TRAIN_FLAGS, join=" ")
        return validate.build(TrainConfig, dict(env=env, learner=learner, learner_config=settings or None, model=model,
                                                policy=policy, output_dir=str(out_dir), env_kwargs=env_kwargs, steps=steps,
                                                lr=lr, seed=seed, ray_address=ray, sampler=sampler,
                                                sampler_kwargs=sampler_kwargs, **extra), "envgym train")
    except InputError as exc:
        _fail(str(exc))


def _torchrun(nproc: int) -> int:
    """Run this same command on ``nproc`` processes under torchrun (one machine); its exit status."""
    import subprocess
    import sys

    argv, skip = [], False
    for arg in sys.argv[1:]:  # the processes are launched: they must not launch again (and torchrun reads --nproc as its own)
        if skip or arg.startswith("--nproc="):
            skip = False
            continue
        skip = arg == "--nproc"
        if not skip:
            argv.append(arg)
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone", f"--nproc-per-node={nproc}",
               "-m", "envgym.cli", *argv]
    err.print(f"launching {nproc} processes: torchrun --standalone --nproc-per-node={nproc} -m envgym.cli {' '.join(argv)}")
    return subprocess.call(command)


@app.command()
def learners(
    train_config: Annotated[bool, typer.Option("--train-config", help="Also list TrainConfig's fields.")] = False,
) -> None:
    """List learners, what provenance each consumes, and their settings (for --set)."""
    from envgym.learn.trainer import TrainConfig
    from envgym.registry import resolve

    host = _host()
    for spec in host.components["learner"]:
        cls = resolve(spec.factory)
        out.print(f"[bold]{spec.name}[/]  consumes {', '.join(sorted(cls.consumes))}  ({spec.plugin})  {spec.summary}")
        _print_fields(cls.Config)
    if train_config:
        out.print("[bold]TrainConfig[/] (--opt KEY=VALUE)")
        _print_fields(TrainConfig)


def _print_fields(cls: type) -> None:
    from envgym.docs import field_docs

    docs = field_docs(cls)
    for f in dataclasses.fields(cls):
        default = f.default if f.default is not dataclasses.MISSING else "(required)" if f.default_factory is dataclasses.MISSING else f.default_factory()
        out.print(f"    {f.name} = {default!r}  [dim]{docs.get(f.name, '')}[/]", highlight=False)


@app.command("eval")
def eval_cmd(
    env: Annotated[str, typer.Option("--env", help="Environment id.")],
    model: Annotated[str, typer.Option(help="A model directory (a checkpoint), 'tiny', or the served model's name for openai.")] = "tiny",
    policy: Annotated[str, typer.Option(help="hf, vllm, or openai (an OpenAI-compatible server at --base-url).")] = "hf",
    base_url: Annotated[Optional[str], typer.Option(help="The server for --policy openai, e.g. http://localhost:8000/v1.")] = None,
    api_key_env: Annotated[Optional[str], typer.Option(help="For --policy openai: the environment variable holding the API "
                                                       "key (default OPENAI_API_KEY; none set sends 'EMPTY', as a local "
                                                       "vLLM server expects). The key is never printed.")] = None,
    tokenizer: Annotated[Optional[str], typer.Option(help="For --policy openai: the served model's tokenizer (a folder, or a "
                                                     "name in the local Hugging Face cache); default: --model.")] = None,
    scaffold: Annotated[Optional[list[str]], typer.Option("--scaffold", help="none, best_of_n, self_refine, tool_loop (repeatable).")] = None,
    scaffold_kw: Annotated[Optional[list[str]], typer.Option("--scaffold-kw", help="SCAFFOLD.KEY=VALUE, e.g. best_of_n.n=8.")] = None,
    tasks: Annotated[int, typer.Option(min=1, help="Held-out tasks.")] = 50,
    samples: Annotated[int, typer.Option(min=1, help="Episodes per task (pass@k up to this k).")] = 1,
    max_tokens: Annotated[int, typer.Option(min=1)] = 256,
    kw: Annotated[Optional[list[str]], typer.Option("--kw", help="Environment option KEY=VALUE (repeatable); VALUE is "
                                                    "JSON, or true/false/none in any case, or text.")] = None,
    json_out: Annotated[Optional[Path], typer.Option("--json", help="Also write the results as JSON here.")] = None,
) -> None:
    """Evaluate a policy on held-out tasks, bare and under scaffolds, with cost per solved task."""
    from envgym.evaluate import evaluate_scaffolds, table

    _host()
    names = scaffold or ["none"]
    env_kwargs = _parse_kwargs(kw)
    try:
        validate.env(env, env_kwargs, "--kw" if env_kwargs else "--env")
        per_scaffold = _scaffold_kwargs(names, scaffold_kw)
        if json_out is not None:
            validate.out_file(json_out, "--json")
    except InputError as exc:
        _fail(str(exc))
    engine = _eval_policy(policy, model, base_url, api_key_env, tokenizer)
    try:
        results = evaluate_scaffolds(engine, env, names, per_scaffold, tasks=tasks, samples=samples,
                                     max_tokens=max_tokens, env_kwargs=env_kwargs, progress=True)
    except (EnvgymError, TypeError, ValueError, RuntimeError) as exc:  # the openai policy names its server in a RuntimeError
        _fail(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
    finally:
        if hasattr(engine, "close"):
            engine.close()
    out.print(table(results))
    if json_out is not None:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps([r.to_dict() for r in results], indent=2))
        out.print(f"results: {json_out}")


@app.command()
def rescore(
    store: Annotated[Path, typer.Argument(help="A trajectory store (.jsonl) or a training run folder (with rollouts/).")],
    verifier: Annotated[Optional[str], typer.Option(help="Judge with this registered verifier (see `envgym plugins`).")] = None,
    env: Annotated[Optional[str], typer.Option("--env", help="Replay in this environment id (a new version).")] = None,
    kw: Annotated[Optional[list[str]], typer.Option("--kw", help="Environment option KEY=VALUE over the stored ones (repeatable).")] = None,
    out_path: Annotated[Optional[Path], typer.Option("--out", help="The new store (a run: the new folder).")] = None,
) -> None:
    """Score stored rollouts again with a fixed verifier or environment; write a new store and an impact report."""
    from envgym.rescore import Rescorer, rescore as run_rescore
    from envgym.rescore_report import summary

    host = _host()
    try:
        if verifier is not None:
            host.component("verifier", verifier)
        rescorer = Rescorer(verifier, env, _parse_kwargs(kw))
        if env is not None:
            validate.env(env, dict(rescorer.env_kwargs), "--env")
        done = run_rescore(store, rescorer, out=out_path)
    except EnvgymError as exc:
        _fail(str(exc))
    for line in summary(done):
        out.print(line, highlight=False, markup=False, soft_wrap=True)


def _scaffold_kwargs(names: list[str], items: list[str] | None) -> dict[str, dict]:
    """--scaffold NAME values checked against the registry, --scaffold-kw SCAFFOLD.KEY=VALUE against
    that scaffold's signature."""
    import envgym
    from envgym.registry import resolve

    for name in names:
        validate.component("scaffold", name, "--scaffold")
    per_scaffold: dict[str, dict] = {}
    for item in items or []:
        target, _, setting = item.partition(".")
        if not setting or "=" not in setting:
            raise InputError(f"--scaffold-kw takes SCAFFOLD.KEY=VALUE (e.g. best_of_n.n=8), got {item!r}")
        if target not in names:
            raise InputError(f"--scaffold-kw {item!r}: {target!r} is not a --scaffold of this run"
                             f"{validate.nearest(target, names)}; scaffolds: {', '.join(names)}")
        per_scaffold.setdefault(target, {}).update(_parse_kwargs([setting], "--scaffold-kw"))
    for target, kwargs in per_scaffold.items():
        factory = resolve(envgym.plugins.host().component("scaffold", target).factory)
        per_scaffold[target] = validate.call_kwargs(factory, kwargs, f"--scaffold-kw {target}", skip=1, what="option")
    return per_scaffold


def _eval_policy(backend: str, model: str, base_url: str | None, api_key_env: str | None, tokenizer: str | None):
    """The engine --policy names, its inputs checked first; the openai one checks its server answers."""
    import os

    import envgym

    if backend not in ("hf", "vllm", "openai"):
        _fail(f"--policy must be hf, vllm or openai, got {backend!r}{validate.nearest(backend, ['hf', 'vllm', 'openai'])}")
    if backend != "openai" and (base_url or api_key_env or tokenizer):
        _fail(f"--base-url, --api-key-env and --tokenizer are for --policy openai, not {backend}")
    if backend == "openai":
        if base_url is None:
            _fail("--policy openai needs --base-url (an OpenAI-compatible server, e.g. http://localhost:8000/v1)")
        name = api_key_env or "OPENAI_API_KEY"
        if api_key_env is not None and not os.environ.get(api_key_env):
            _fail(f"--api-key-env {api_key_env}: that environment variable is not set (or empty)")
        try:
            validate.url(base_url, "--base-url")
            engine = envgym.make_policy("openai", base_url=base_url, model=model, api_key=os.environ.get(name) or "EMPTY",
                                        tokenizer=tokenizer, require_tokenizer=True)
        except (EnvgymError, ImportError) as exc:
            _fail(str(exc))
        try:
            engine.check_server()
        except EnvgymError as exc:
            engine.close()
            _fail(str(exc))
        return engine
    try:
        validate.model(model, "--model")
    except InputError as exc:
        _fail(str(exc))
    if model == "tiny" and backend != "hf":
        _fail("--model tiny works with --policy hf; save it first (envgym.models.save_tiny) for vllm")
    try:
        if backend == "hf":
            from envgym.models import hf_policy

            return hf_policy(model)
        return envgym.make_policy(backend, model)
    except (EnvgymError, TypeError, ValueError, OSError, ImportError) as exc:
        _fail(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)


pipeline_app = typer.Typer(no_args_is_help=True, help="Multi-stage training with per-stage diagnostics.")
app.add_typer(pipeline_app, name="pipeline")


@pipeline_app.command("run")
def pipeline_run(
    config: Annotated[Path, typer.Argument(help="The pipeline YAML file.")],
    out_dir: Annotated[Path, typer.Option("--out", help="Run folder; running again resumes it.")] = Path("runs/pipeline"),
    seeds: Annotated[Optional[int], typer.Option("--seeds", min=1, help="Run the whole pipeline with seeds 0..N-1 "
                                                 "(in place of the file's seed or seeds) and aggregate them.")] = None,
) -> None:
    """Run (or resume) a pipeline; every stage is evaluated and compared with the one before, with intervals."""
    from envgym import pipeline
    from envgym.results import SeedsReport

    _host()
    if config.is_dir():
        _fail(f"{config} is a folder; give the pipeline's YAML file")
    if not config.is_file():
        _fail(f"{config}: no such pipeline file")
    try:
        validate.out_dir(out_dir, "--out")
        spec = pipeline.load(config, seeds=seeds)  # the whole file, every stage, before any work
    except InputError as exc:
        _fail(str(exc))
    try:
        report = pipeline.run(spec, out_dir)
    except (EnvgymError, TypeError, ValueError, FileNotFoundError) as exc:
        _fail(str(exc))
    if isinstance(report, SeedsReport):
        _print_seeds(report)
    else:
        _print_run(report)
    out.print(f"report: {out_dir / 'report.md'}, {out_dir / 'report.html'}")
    if report.stopped:
        err.print(f"[red]stopped[/]: {escape(str(report.to_json()['stopped']))}")
        raise typer.Exit(1)


def _fold(name: str) -> Column:
    """A column whose cells wrap rather than being cut: a number with its interval must show whole."""
    return Column(name, overflow="fold")


def _print_run(report: PipelineReport) -> None:
    iv = lambda m, k: str(m.interval(k)) if m.interval(k) else f"{m.value(k):.3f}"  # noqa: E731
    table = Table(_fold("stage"), _fold("greedy pass@1"), _fold("change"), _fold("sampled pass@1"), _fold("change"),
                  _fold("dominant role"), title=f"pipeline {report.pipeline} (95% intervals)")
    table.add_row("(start)", iv(report.start, "greedy_pass@1"), "", iv(report.start, "pass@1"), "", "")
    for s in report.stages:
        table.add_row(f"{s.stage} ({s.learner})", iv(s.after, "greedy_pass@1"), str(s.change["greedy_pass@1"]),
                      iv(s.after, "pass@1"), str(s.change["pass@1"]), s.diagnostics.dominant)
    out.print(table)
    out.print(f"held out: {report.held_out.description if report.held_out else ''}", highlight=False)
    for s in report.stages:
        out.print(f"{s.stage}: {s.diagnostics.evidence}", highlight=False)
    if report.scaffolds:
        out.print("scaffolded against amortized (final checkpoint, greedy pass@1): " + ", ".join(
            f"{r.scaffold} {r.interval if r.interval else format(r.pass1, '.3f')}" for r in report.scaffolds), highlight=False)
        for name, value in report.handoff_fidelity.items():
            out.print(f"handoff fidelity ({name}): {'n/a' if value is None else value}", highlight=False)


def _print_seeds(report: SeedsReport) -> None:
    table = Table(_fold("stage"), _fold("greedy pass@1"), _fold("sampled pass@1"), _fold("pass@k"),
                  title=f"pipeline {report.pipeline}: seeds {list(report.seeds)} (mean [95% across seeds])")
    rows = [("(start)", report.start)] + [(f"{s.stage} ({s.learner})", s.metrics) for s in report.stages]
    for name, m in rows:
        table.add_row(name, *(str(m.interval(k)) for k in ("greedy_pass@1", "pass@1", "pass@k")))
    out.print(table)
    out.print(f"held out: {report.held_out.description if report.held_out else ''}", highlight=False)
    for c in report.claims:
        mark = "[green]holds on every seed[/]" if c.holds_on_every_seed else "[yellow]check[/]"
        out.print(f"{mark} {c.statement}", highlight=False)


if __name__ == "__main__":
    app()
