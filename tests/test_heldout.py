"""The held-out partition: distinct tasks, the whole of a small space, and never trained on."""

from __future__ import annotations

import pytest

import envgym
from envgym.heldout import EVAL_SEED_BASE, held_out, task_count


def test_arithmetic_level_1_has_713_problems_and_the_partition_finds_them_all():
    env = envgym.make("envgym/Arithmetic-v0", difficulty=1)
    assert task_count(env) == 713  # 19 x 19 operand pairs x (+, -), less the 9 differences equal to an operand
    whole = held_out("envgym/Arithmetic-v0", {"difficulty": 1}, 10_000)
    assert len(whole) == 713 and len(set(whole.task_ids)) == 713 and whole.whole_space
    # every held-out seed gives its task, and the seeds are evaluation seeds
    for seed, task in list(zip(whole.seeds, whole.task_ids))[::50]:
        assert env.reset(seed=seed)[1]["task_id"] == task and seed >= EVAL_SEED_BASE
    # the generator cannot draw a 714th problem: many more draws find none
    seen = {env.reset(seed=s)[1]["task_id"] for s in range(20_000)}
    assert seen == set(whole.task_ids)


def test_a_partition_is_distinct_tasks_and_a_prefix_of_a_longer_one():
    small = held_out("envgym/Arithmetic-v0", {"difficulty": 1}, 100)
    large = held_out("envgym/Arithmetic-v0", {"difficulty": 1}, 200)
    assert len(small) == 100 == len(set(small.task_ids))
    assert large.seeds[:100] == small.seeds and large.draws > 200  # seeds repeat tasks in a space of 713
    assert small.describe() == "100 distinct tasks of envgym/Arithmetic-v0, 14% of its task space of 713"
    unbounded = held_out("envgym/Arithmetic-v0", {"difficulty": 4}, 30)
    assert unbounded.space is None and "undeclared size" in unbounded.describe()
    assert envgym.make("envgym/Arithmetic-v0", difficulty=2).unwrapped.task_count() == sum(
        (a + b) not in (a, b) for a in range(2, 100) for b in range(2, 100)) + sum(
        (a - b) not in (a, b) for a in range(2, 100) for b in range(2, 100)) + sum(
        (a * b) not in (a, b) for a in range(2, 100) for b in range(2, 100))


def test_datasets_declare_their_size():
    assert task_count(envgym.make("envgym/MathQA-v0")) == 45
    assert task_count(envgym.make("envgym/PythonFunction-v0")) == 36
    assert task_count(envgym.make("envgym/Lookup-v0")) == 52
    part = held_out("envgym/PythonFunction-v0", {}, 500)  # more than there are: every task once
    assert len(part) == 36 and part.whole_space


def test_the_trainer_never_draws_a_held_out_task_and_refuses_a_whole_space(tmp_path):
    pytest.importorskip("torch")
    from envgym.learn.trainer import TrainConfig, Trainer

    trainer = Trainer(TrainConfig(env="envgym/Arithmetic-v0", learner="sft", steps=1, eval_tasks=300,
                                  output_dir=str(tmp_path / "a"), progress=False))
    held = trainer.held_out_tasks()
    assert len(held) == 300
    drawn = {trainer._task_id(s) for step in range(40) for s in trainer.task_seeds(step, 32)}
    assert drawn and not drawn & held and len(drawn) > 350  # most of the other 413 tasks are drawn
    trainer.close()
    whole = Trainer(TrainConfig(env="envgym/Arithmetic-v0", learner="sft", steps=1, eval_tasks=713,
                                output_dir=str(tmp_path / "b"), progress=False))
    with pytest.raises(ValueError, match="whole task space"):
        whole.task_seeds(0, 1)
    whole.close()
