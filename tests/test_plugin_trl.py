"""envgym in TRL's GRPOTrainer (plugins/trl), against the real TRL 1.16.0: no mocks.

The reward functions score gold moves 1 and known hacks 0 in both of TRL's completion formats;
a real ``GRPOTrainer`` trains the tiny model two steps on the CPU with an envgym reward, and two
more with whole GuessNumber episodes played through ``rollout_func`` (``EpisodeRollout``).
GuessNumber on 1..7 is the training environment, and the tiny model is first taught to answer
with a guess, ``\\boxed{k}`` for any k (``warm``): an untrained one writes noise that holds a
number too seldom for the rewards of a group to differ, and GRPO learns nothing from equal ones.
"""

from __future__ import annotations

import math
import os
import warnings
from types import SimpleNamespace

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("trl")

import envgym
import envgym_trl
from envgym.heldout import held_out
from envgym.models import build_model, build_tokenizer
from envgym.rollout.chat import completion_text

MATH_ENVS = [("envgym/Arithmetic-v0", {"difficulty": 1}), ("envgym/MathQA-v0", {})]
HELD_OUT = 20  # MathQA has 45 tasks: the default 100 would hold out them all
GAME = ("envgym/GuessNumber-v0", {"low": 1, "high": 7, "max_turns": 3})


def as_messages(text: str) -> list[dict]:
    return [{"role": "assistant", "content": text}]


def gold_and_hacks(env_id: str, env_kwargs: dict, seeds: list[int]) -> tuple[list[str], list[tuple[int, str]]]:
    env = envgym.make(env_id, **env_kwargs)
    golds, hacks = [], []
    for seed in seeds:
        env.reset(seed=seed)
        golds.append(env.gold_action())
        hacks += [(seed, h) for h in env.hack_actions().values() if isinstance(h, str)]
    return golds, hacks


@pytest.mark.parametrize("env_id,env_kwargs", MATH_ENVS, ids=[e for e, _ in MATH_ENVS])
@pytest.mark.parametrize("fmt", ["standard", "conversational"])
def test_env_reward_scores_gold_one_and_hacks_zero(env_id, env_kwargs, fmt):
    rows = envgym_trl.dataset(env_id, 4, seed=1, held_out_tasks=HELD_OUT, **env_kwargs)
    golds, hacks = gold_and_hacks(env_id, env_kwargs, rows["seed"])
    wrap = as_messages if fmt == "conversational" else str
    reward = envgym_trl.env_reward(env_id, **env_kwargs)
    assert reward(prompts=rows["prompt"], completions=[wrap(g) for g in golds], seed=rows["seed"],
                  task_id=rows["task_id"], trainer_state=None) == [1.0] * 4
    assert len(hacks) >= 4 * 5
    assert reward(completions=[wrap(h) for _, h in hacks], seed=[s for s, _ in hacks]) == [0.0] * len(hacks)
    assert reward.__name__ == env_id  # TRL logs rewards/<env_id>/mean


def test_verifier_reward_reads_a_reference_column():
    reward = envgym_trl.verifier_reward("math")
    got = reward(completions=[as_messages(r"so \boxed{46}"), r"\boxed{45}", "no answer"], reference=["46", "46", "46"])
    assert got == [1.0, 0.0, 0.0]
    assert envgym_trl.verifier_reward(envgym.make_verifier("math"))(completions=["4"], reference=["4"]) == [1.0]


def test_rewards_never_raise_on_odd_completions():
    rows = envgym_trl.dataset("envgym/Arithmetic-v0", 1, difficulty=1)
    reward = envgym_trl.env_reward("envgym/Arithmetic-v0", difficulty=1)
    odd = ["", [], [{"role": "assistant", "content": None}], "\\boxed{" * 10_000, "\x00\udcff"]
    assert reward(completions=odd, seed=list(rows["seed"]) * len(odd)) == [0.0] * len(odd)


def test_dataset_rows_are_distinct_training_tasks_and_repeat_by_seed():
    env_id, env_kwargs = MATH_ENVS[0]
    rows = envgym_trl.dataset(env_id, 30, seed=3, held_out_tasks=100, **env_kwargs)
    assert len(set(rows["task_id"])) == 30
    assert not set(rows["task_id"]) & set(held_out(env_id, env_kwargs, 100).task_ids)
    assert list(envgym_trl.dataset(env_id, 30, seed=3, **env_kwargs)["seed"]) == list(rows["seed"])
    env = envgym.make(env_id, **env_kwargs)
    observation, info = env.reset(seed=rows["seed"][7])
    assert rows["prompt"][7] == observation and rows["task_id"][7] == info["task_id"]
    standard = envgym_trl.dataset(env_id, 2, seed=3, prompt_format="standard", **env_kwargs)
    assert standard["prompt"][0] == envgym_trl.plain_text(rows["prompt"][0])
    with pytest.raises(ValueError, match="whole task space"):
        envgym_trl.dataset("envgym/MathQA-v0", 1)
    with pytest.raises(ValueError, match="distinct training tasks"):
        envgym_trl.dataset("envgym/MathQA-v0", 30, held_out_tasks=20)


def test_episode_rollout_says_what_it_cannot_do():
    env_id, env_kwargs = GAME
    rows = envgym_trl.dataset(env_id, 2, held_out_tasks=1, **env_kwargs)
    rollout = envgym_trl.EpisodeRollout(env_id, rows, **env_kwargs)
    with pytest.raises(KeyError, match="not in the dataset"):
        rollout.seed_of([{"role": "user", "content": "Game 1. Another prompt"}])
    with pytest.raises(ValueError, match="use_vllm=False"):
        rollout(list(rows["prompt"]), SimpleNamespace(args=SimpleNamespace(use_vllm=True)))
    with pytest.raises(ValueError, match="no \\['seed'\\] column"):
        envgym_trl.EpisodeRollout(env_id, rows.remove_columns("seed"))


# ---- real GRPO training -------------------------------------------------------------------------


class Recorder:
    """Calls through to a reward function or rollout function and keeps what went in and out."""

    def __init__(self, fn):
        self.fn, self.calls = fn, []
        self.__name__ = getattr(fn, "__name__", type(fn).__name__)

    def __call__(self, *args, **kwargs):
        out = self.fn(*args, **kwargs)
        self.calls.append((args, kwargs, out))
        return out


@pytest.fixture(scope="module")
def warm():
    """The tiny model after 15 cross-entropy steps on ``\\boxed{1}`` .. ``\\boxed{7}`` after a GuessNumber
    prompt (a few seconds): it then guesses a number, one of several, most of the time."""
    tokenizer = build_tokenizer()
    model = build_model(tokenizer, seed=0)
    prompt = envgym.make(GAME[0], **GAME[1]).reset(seed=0)[0]
    head = tokenizer.apply_chat_template(prompt, add_generation_prompt=True, tokenize=True, return_dict=False)
    answers = [tokenizer.encode(f"\\boxed{{{k}}}", add_special_tokens=False) + [tokenizer.eos_token_id] for k in range(1, 8)]
    width = len(head) + max(map(len, answers))
    ids = torch.tensor([head + a + [tokenizer.pad_token_id] * (width - len(head) - len(a)) for a in answers])
    attention = (torch.arange(width) < torch.tensor([[len(head) + len(a)] for a in answers])).long()
    targets = torch.where((torch.arange(width) >= len(head)) & attention.bool(), ids, -100)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    torch.manual_seed(0)
    for _ in range(15):
        logits = model(input_ids=ids, attention_mask=attention).logits[:, :-1]
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.size(-1)), targets[:, 1:].reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return tokenizer, {k: v.detach().clone() for k, v in model.state_dict().items()}


def grpo(tmp_path, warm, rows, reward_funcs, rollout_func=None):
    """Two GRPO steps of the tiny model (2 prompts x 4 samples of 12 tokens); returns (before, after, logs)."""
    from transformers import PrinterCallback, TrainerCallback

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # TRL warns on import about vllm, on use about experimental features
        from trl import GRPOConfig, GRPOTrainer

    class Logs(TrainerCallback):
        def __init__(self):
            self.logs = []

        def on_log(self, args, state, control, logs=None, **kwargs):
            self.logs.append(dict(logs or {}))

    tokenizer, weights = warm
    model = build_model(tokenizer, seed=0)
    model.load_state_dict(weights)
    before = {n: p.detach().clone() for n, p in model.named_parameters() if p.requires_grad}
    config = GRPOConfig(
        output_dir=str(tmp_path), seed=0, use_cpu=True, bf16=False, fp16=False, gradient_checkpointing=False,
        max_steps=2, learning_rate=1e-2, lr_scheduler_type="constant", warmup_steps=0,
        per_device_train_batch_size=8, gradient_accumulation_steps=1, num_generations=4, num_iterations=1,
        max_completion_length=12, temperature=1.0, top_p=1.0, top_k=0, loss_type="dapo", beta=0.0,
        use_vllm=False, eval_strategy="no", save_strategy="no", report_to="none",
        logging_strategy="steps", logging_steps=1, disable_tqdm=True, dataloader_num_workers=0,
    )
    logs = Logs()
    os.environ.setdefault("TRL_EXPERIMENTAL_SILENCE", "1")
    trainer = GRPOTrainer(model=model, processing_class=tokenizer, reward_funcs=reward_funcs, args=config,
                          train_dataset=rows, callbacks=[logs], rollout_func=rollout_func)
    trainer.remove_callback(PrinterCallback)
    trainer.train()
    after = dict(trainer.accelerator.unwrap_model(trainer.model).named_parameters())
    return before, after, tokenizer, [entry for entry in logs.logs if any(k.startswith("reward") for k in entry)]


def assert_all_changed(before, after):
    unchanged = [n for n, p in before.items() if torch.equal(p, after[n].detach())]
    assert not unchanged, f"parameters not trained: {unchanged}"


def test_grpo_trains_the_tiny_model_on_an_envgym_reward(tmp_path, warm):
    env_id, env_kwargs = GAME
    rows = envgym_trl.dataset(env_id, 4, seed=0, held_out_tasks=1, **env_kwargs)
    reward = Recorder(envgym_trl.env_reward(env_id, **env_kwargs))
    before, after, _, logs = grpo(tmp_path, warm, rows, [reward])
    assert_all_changed(before, after)
    assert len(reward.calls) == 2 and len(logs) == 2
    env = envgym.make(env_id, **env_kwargs)
    scored = []
    for (_, kwargs, out), log in zip(reward.calls, logs):
        direct = []
        for completion, seed in zip(kwargs["completions"], kwargs["seed"]):
            env.reset(seed=seed)  # the move's reward straight from the environment
            direct.append(env.step(completion[-1]["content"])[1])
        assert out == direct
        assert math.isclose(log[f"rewards/{env_id}/mean"], sum(out) / len(out), rel_tol=1e-5)
        scored += out
    assert len(set(scored)) > 1  # the rewards differ, or GRPO would have had nothing to learn from


def test_grpo_trains_on_multi_turn_episodes_through_rollout_func(tmp_path, warm):
    env_id, env_kwargs = GAME
    rows = envgym_trl.dataset(env_id, 4, seed=0, held_out_tasks=1, **env_kwargs)
    rollout = Recorder(envgym_trl.EpisodeRollout(env_id, rows, context_tokens=512, **env_kwargs))
    before, after, tokenizer, logs = grpo(tmp_path, warm, rows, [envgym_trl.episode_return], rollout_func=rollout)
    assert_all_changed(before, after)
    assert len(rollout.calls) == 2 and len(logs) == 2
    env = envgym.make(env_id, **env_kwargs)
    turns, returns = [], []
    for (prompts, _), _, out in rollout.calls:
        assert len(prompts) == 8 == len(out["completion_ids"])
        for i, prompt in enumerate(prompts):
            ids, mask, logprobs = out["completion_ids"][i], out["env_mask"][i], out["logprobs"][i]
            assert out["prompt_ids"][i] == tokenizer.apply_chat_template(prompt, add_generation_prompt=True,
                                                                          tokenize=True, return_dict=False)
            assert len(ids) == len(mask) == len(logprobs) and mask[0] == 1
            assert all((lp is not None and lp <= 0) == bool(m) for lp, m in zip(logprobs, mask))
            # Replay the episode: each run of policy tokens is one move, decoded as it was sampled.
            moves, run = [], []
            for token, m in zip(ids, mask):
                if m:
                    run.append(token)
                elif run:
                    moves.append(run)
                    run = []
            moves += [run] if run else []
            env.reset(seed=rollout.fn.seed_of(prompt))
            rewards = [env.step(completion_text(tokenizer, move))[1] for move in moves]
            assert len(moves) == out["env_turns"][i] <= 3
            assert math.isclose(sum(rewards), out["env_return"][i], abs_tol=1e-9)
            turns.append(len(moves))
            returns.append(out["env_return"][i])
    assert max(turns) > 1 and len(set(returns)) > 1  # several turns were played, and their returns differ
    mean = [log["rewards/episode_return/mean"] for log in logs]
    assert all(math.isclose(m, sum(returns[k * 8:(k + 1) * 8]) / 8, rel_tol=1e-5) for k, m in enumerate(mean))


def test_envgym_plugins_lists_the_integration_without_importing_trl():
    from conftest import envgym_cli

    listed = envgym_cli("plugins")
    row = next((line for line in listed.stdout.splitlines() if " trl " in line), "")
    assert "envgym-trl" in row and " 0 " in row, listed.stdout + listed.stderr  # installed, registers nothing
    import subprocess
    import sys

    probe = subprocess.run([sys.executable, "-c", "import sys, envgym; envgym.host(); print('trl' in sys.modules)"],
                           capture_output=True, text=True, timeout=120)
    assert probe.stdout.strip() == "False", probe.stderr[-2000:]
