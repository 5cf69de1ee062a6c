"""Learners on the tiny model: each one's step moves every trainable weight; errors are clear."""

from __future__ import annotations

import dataclasses

import pytest

torch = pytest.importorskip("torch")

import envgym  # noqa: E402
from envgym.learn.learners import (  # noqa: E402
    DistillConfig, GuidedConfig, ProcessConfig, RefineConfig, RLVRConfig, SFTConfig, make_learner,
)
from envgym.learn.trainer import TrainConfig, Trainer  # noqa: E402
from envgym.models import build_model, build_tokenizer, save_tiny  # noqa: E402
from envs_for_learn import LETTER  # noqa: E402

SMALL = dict(prompts_per_step=4, group_size=4, overlong="none")  # random text runs to max_tokens


@pytest.fixture(scope="module", autouse=True)
def letter_env():
    if LETTER not in envgym.list_envs():  # the CLI tests load it as a plugin module instead
        envgym.register(LETTER, "envs_for_learn:Letter")
    assert LETTER in envgym.list_envs()


@pytest.fixture(scope="module")
def teacher(tmp_path_factory):
    return str(save_tiny(tmp_path_factory.mktemp("teacher") / "model", seed=11, hidden_size=192, heads=3))


def trainer_for(tmp_path, learner, learner_config, **overrides):
    settings = dict(steps=1, lr=1e-3, max_tokens=24, eval_tasks=4, progress=False) | overrides
    config = TrainConfig(env=LETTER, learner=learner, learner_config=learner_config, output_dir=str(tmp_path / learner),
                         **settings)
    return Trainer(config)


LEARNERS = {
    "sft": SFTConfig(examples_per_step=4),
    "rlvr": RLVRConfig(**SMALL),
    "process": ProcessConfig(**SMALL),
    "refine": RefineConfig(prompts_per_step=4, group_size=2, keep_truncated=True),  # an untrained model never stops
    "guided": GuidedConfig(prompts_per_step=6, group_size=2, dynamic_sampling=False, overlong="none"),
    "distill": None,  # the teacher fixture fills it in
}


@pytest.mark.parametrize("name", sorted(LEARNERS))
def test_one_step_changes_every_trainable_parameter(tmp_path, teacher, name):
    config = LEARNERS[name] or DistillConfig(teacher=teacher, prompts_per_step=4, samples_per_prompt=2)
    trainer = trainer_for(tmp_path, name, config)
    before = {k: v.detach().clone() for k, v in trainer.model.named_parameters() if v.requires_grad}
    metrics = trainer.train_step()
    trainer.close()
    assert metrics["samples"] > 0, metrics
    unchanged = [k for k, v in trainer.model.named_parameters() if v.requires_grad and torch.equal(v, before[k])]
    assert unchanged == []
    assert trainer.policy.version == 1  # pushed to the rollout engine


def test_guided_puts_a_verified_trace_into_groups_that_all_failed(tmp_path):
    config = GuidedConfig(prompts_per_step=8, group_size=1, dynamic_sampling=False, overlong="none")
    trainer = trainer_for(tmp_path, "guided", config, max_tokens=3)  # short answers rarely hold the letter
    samples, metrics = trainer.learner.batch(trainer, 0)
    trainer.close()
    assert metrics["guided_groups"] > 0
    gold = [s for s in samples if all(lp is None for lp in s.rollout_logprobs)]
    assert len(gold) == metrics["guided_groups"]


def test_process_puts_step_rewards_on_their_own_tokens():
    from envgym.learn.learners import _token_spans

    tokenizer = build_tokenizer()
    text = "12 * 3 = 36\n36 + 1 = 38\nThe answer is \\boxed{38}."
    ids = tokenizer.encode(text, add_special_tokens=False) + [tokenizer.eos_token_id]
    steps = ["12 * 3 = 36", "36 + 1 = 38", "The answer is \\boxed{38}."]
    spans = _token_spans(tokenizer, ids, text, steps)
    assert [tokenizer.decode(ids[a:b]).strip() for a, b in spans] == steps
    verdict = envgym.make_verifier("math-steps").verify(text, None)
    assert verdict.step_rewards[:2] == (1.0, 0.0)  # the second step's arithmetic is wrong


def test_distill_refuses_a_teacher_with_another_tokenizer(tmp_path):
    from transformers import PreTrainedTokenizerFast

    other = build_tokenizer(corpus=["completely different text " * 50], vocab_size=300)
    path = tmp_path / "teacher"
    build_model(other).save_pretrained(path)
    other.save_pretrained(path)
    assert isinstance(other, PreTrainedTokenizerFast)
    with pytest.raises(ValueError, match="different tokenizer"):
        trainer_for(tmp_path, "distill", DistillConfig(teacher=str(path)))


def test_learner_settings_are_checked():
    with pytest.raises(ValueError, match="unknown settings.*grop_size"):
        make_learner("rlvr", {"grop_size": 4})
    with pytest.raises(TypeError, match="RLVRConfig"):
        make_learner("rlvr", SFTConfig())
    with pytest.raises(envgym.ComponentNotFoundError):
        make_learner("ppo-from-the-future")
    assert make_learner("rlvr", {"group_size": 4}).config.group_size == 4
    for name in LEARNERS:
        learner = make_learner(name)
        assert learner.consumes <= {"on_policy", "off_policy", "teacher"} and learner.consumes


def test_kl_anchor_loads_a_frozen_reference_and_counts(tmp_path):
    from envgym.learn.loss import LossConfig

    trainer = trainer_for(tmp_path, "rlvr", RLVRConfig(**SMALL), loss=LossConfig(kl_coef=0.1))
    assert trainer.learner.reference is not None
    assert not any(p.requires_grad for p in trainer.learner.reference.parameters())
    first = trainer.train_step()
    trainer.close()
    assert first["kl"] == pytest.approx(0.0, abs=1e-6)  # the first step starts at the reference


def test_checkpoint_is_a_plain_hugging_face_directory(tmp_path):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    trainer = trainer_for(tmp_path, "sft", SFTConfig(examples_per_step=4))
    trainer.train()
    trainer.close()
    path = tmp_path / "sft" / "checkpoint"
    model, tokenizer = AutoModelForCausalLM.from_pretrained(path), AutoTokenizer.from_pretrained(path)
    for (name, saved), live in zip(model.state_dict().items(), trainer.model.state_dict().values()):
        assert torch.equal(saved, live), name
    text = "Say the letter q.\nThe letter is q."
    assert tokenizer.encode(text, add_special_tokens=False) == trainer.tokenizer.encode(text, add_special_tokens=False)
    assert dataclasses.asdict(trainer.config)["steps"] == 1


def test_lora_trains_adapters_only_and_exports_a_merged_plain_model(tmp_path):
    pytest.importorskip("peft")
    from transformers import AutoModelForCausalLM

    trainer = trainer_for(tmp_path, "sft", SFTConfig(examples_per_step=4), lora_rank=4)
    trainable = {k: v.detach().clone() for k, v in trainer.model.named_parameters() if v.requires_grad}
    frozen = {k: v.detach().clone() for k, v in trainer.model.named_parameters() if not v.requires_grad}
    assert trainable and all("lora_" in k for k in trainable)
    trainer.train()
    trainer.close()
    params = dict(trainer.model.named_parameters())
    assert all(not torch.equal(params[k], v) for k, v in trainable.items() if "lora_B" in k)  # B starts at 0
    assert all(torch.equal(params[k], v) for k, v in frozen.items())
    exported = AutoModelForCausalLM.from_pretrained(tmp_path / "sft" / "checkpoint")
    assert not any("lora" in k for k in exported.state_dict())
    ids = torch.tensor([trainer.tokenizer.encode("Say the letter q.", add_special_tokens=False)])
    with torch.no_grad():
        assert torch.allclose(exported(ids).logits, trainer.model(input_ids=ids).logits, atol=1e-4)
    again = trainer_for(tmp_path, "sft", SFTConfig(examples_per_step=4), lora_rank=4)
    again._resume()
    assert again.step == 1
    resumed = dict(again.model.named_parameters())
    assert all(torch.equal(resumed[k], params[k]) for k in trainable)
    again.close()


def test_metrics_reach_tensorboard(tmp_path):
    pytest.importorskip("tensorboard")
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    trainer = trainer_for(tmp_path, "sft", SFTConfig(examples_per_step=4), tensorboard=True, steps=2)
    trainer.train()
    trainer.close()
    events = EventAccumulator(str(tmp_path / "sft" / "tensorboard"))
    events.Reload()
    assert [e.step for e in events.Scalars("ce_loss")] == [1, 2]
    assert [e.step for e in events.Scalars("eval_pass@1")] == [0, 2]


def test_sft_from_a_trajectory_store_trains_on_verified_traces_only(tmp_path):
    import json

    from envgym.learn.traces import gold_traces
    from envgym.rollout.store import TrajectoryStore

    env = envgym.make(LETTER)
    tokenizer = build_tokenizer()
    good = gold_traces(env, [1, 2, 3], tokenizer)
    bad = [dataclasses.replace(t, correct=False, reward=0.0, group_id=f"bad-{t.seed}") for t in gold_traces(env, [4, 5], tokenizer)]
    store = TrajectoryStore(tmp_path / "traces.jsonl")
    store.append(good + bad)
    trainer = trainer_for(tmp_path, "sft", SFTConfig(source=str(store.path), examples_per_step=3), steps=2)
    trainer.train()
    trainer.close()
    trained = [json.loads(line)["keys"] for line in (tmp_path / "sft" / "trained.jsonl").read_text().splitlines()]
    assert all(sorted(keys) == sorted(f"{t.group_id}#0" for t in good) for keys in trained)  # one epoch per step


def test_bf16_autocast_step(tmp_path):
    trainer = trainer_for(tmp_path, "sft", SFTConfig(examples_per_step=4), precision="bf16")
    before = {k: v.detach().clone() for k, v in trainer.model.named_parameters()}
    metrics = trainer.train_step()
    trainer.close()
    assert metrics["ce_loss"] > 0 and all(v.dtype == torch.float32 for v in trainer.model.parameters())
    assert not any(torch.equal(v, before[k]) for k, v in trainer.model.named_parameters())


def test_sft_from_a_dataset_file_of_chat_messages(tmp_path):
    import json

    rows = [{"messages": [{"role": "user", "content": f"Say the letter {c}."},
                          {"role": "assistant", "content": f"The letter is {c}."}], "task_id": f"t{c}", "correct": c != "z"}
            for c in "abz"]
    path = tmp_path / "demos.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    trainer = trainer_for(tmp_path, "sft", SFTConfig(source=str(path), examples_per_step=2))
    assert sorted(t.task_id for t in trainer.learner._stored) == ["ta", "tb"]  # "correct": false is left out
    assert {t.provenance.source for t in trainer.learner._stored} == {str(path)}
    samples, _ = trainer.learner.batch(trainer, 0)
    trainer.close()
    text = trainer.tokenizer.decode([i for i, m in zip(samples[0].ids, samples[0].mask) if m])
    assert text.startswith("The letter is ") and text.endswith("<|im_end|>")
    (tmp_path / "bad.jsonl").write_text(json.dumps({"prompt": "x"}) + "\n")
    with pytest.raises(ValueError, match="messages"):
        trainer_for(tmp_path, "sft", SFTConfig(source=str(tmp_path / "bad.jsonl")))


def test_reward_hacking_monitors_are_logged(tmp_path):
    trainer = trainer_for(tmp_path, "rlvr", RLVRConfig(**SMALL), steps=2)
    first, second = trainer.train_step(), trainer.train_step()
    trainer.close()
    assert first["length_drift"] == 1.0
    assert second["length_drift"] == pytest.approx(second["completion_tokens"] / first["completion_tokens"])
    assert first["unearned_reward"] == 0.0  # this verifier gives reward only with correctness


def test_unearned_reward_counts_rewards_without_correctness():
    from envgym.learn.learners import _outcomes
    from envgym.types import Cost, Provenance, Trajectory

    def traj(reward, correct):
        return Trajectory("e", "t", 0, (), (), reward, correct, Provenance("on_policy", policy_id="p"), Cost(completion_tokens=4))

    metrics = _outcomes([traj(1.0, True), traj(0.5, False), traj(0.0, False), traj(0.2, False)])
    assert metrics["unearned_reward"] == 0.5 and metrics["correct"] == 0.25


def test_a_second_verifier_that_disagrees_is_measured(tmp_path):
    # Letter's verifier is lenient (the letter anywhere in the answer); ``exact`` wants the letter
    # alone, which random text never is: every episode the environment calls correct is a disagreement.
    trainer = trainer_for(tmp_path, "rlvr", RLVRConfig(**SMALL), second_verifier="exact")
    metrics = trainer.train_step()
    trainer.close()
    assert metrics["correct"] > 0
    assert metrics["verifier_disagreement"] == pytest.approx(metrics["correct"])


def test_a_second_verifier_that_agrees_reports_zero(tmp_path):
    from envgym.learn.monitors import SecondVerifier
    from envgym.rollout.collector import RolloutConfig, collect
    from envgym.rollout.pool import LocalEnvPool
    from scripted import ScriptedPolicy

    def letter_alone(prompt, call):  # right on even calls, wrong on odd ones
        asked = prompt.split("Say the letter ")[-1][0]
        return asked if call % 2 == 0 else "?"

    policy = ScriptedPolicy(build_tokenizer(), letter_alone)
    episodes = collect(LocalEnvPool(LETTER, {}), policy, list(range(8)), RolloutConfig())
    assert 0 < sum(t.correct for t in episodes) < len(episodes)
    assert SecondVerifier(LETTER, {}, "exact").disagreements(episodes) == [False] * 8
    with pytest.raises(Exception, match="no-such-verifier"):
        SecondVerifier(LETTER, {}, "no-such-verifier")


def test_refine_keeps_only_answers_worth_training_on():
    """Verified answers cut off by max_tokens, reached through false steps, or repeated are not token targets."""
    from envgym.types import Provenance, Trajectory, Turn, Verdict

    def attempt(text, correct=True, finish="stop", task="t1"):
        turn = Turn((1,), (2,), None, text, float(correct), verdict=Verdict.ok() if correct else Verdict.fail("no"),
                    finish_reason=finish)
        return Trajectory("e", task, 0, (), (turn,), float(correct), correct, Provenance("on_policy", policy_id="p"))

    good = attempt("3 + 8 = 11\nThe answer is \\boxed{11}.")
    attempts = [good, attempt(good.turns[0].text), attempt("4 + 8 = 11\nThe answer is \\boxed{11}."),
                attempt("\\boxed{11} and then some more text that", finish="length"), attempt("12", correct=False),
                attempt(good.turns[0].text, task="t2")]
    plain = make_learner("refine", RefineConfig(distinct=False))  # keeps repeats and false steps, never cut-off answers
    plain._steps = None
    assert len(plain._keep(attempts)) == 4
    strict = make_learner("refine", RefineConfig(check_steps="math-steps"))
    import envgym

    strict._steps = envgym.make_verifier("math-steps")
    kept = strict._keep(attempts)
    assert [(t.task_id, t.turns[0].text) for t in kept] == [("t1", good.turns[0].text), ("t2", good.turns[0].text)]


def test_the_trainer_is_a_learner_context():
    """Learners reach the run only through LearnerContext; the trainer provides every member of it."""
    import inspect

    from envgym.learn import learners
    from envgym.learn.context import LearnerContext
    from envgym.learn.trainer import TrainConfig, Trainer

    members = [m for m in vars(LearnerContext) if not m.startswith("_")] + list(LearnerContext.__annotations__)
    assert {"rollout", "task_seeds", "environment", "full_model", "config", "tokenizer"} <= set(members)
    trainer = Trainer(TrainConfig(env="envgym/Arithmetic-v0", learner="sft", steps=1, eval_tasks=20, progress=False,
                                  output_dir=str(__import__("tempfile").mkdtemp())))
    try:
        assert isinstance(trainer, LearnerContext)
        assert trainer.environment().reset(seed=1)[1]["task_id"]
    finally:
        trainer.close()
    source = inspect.getsource(learners)
    assert "trainer: Any" not in source and "._probe" not in source and "trainer._" not in source
