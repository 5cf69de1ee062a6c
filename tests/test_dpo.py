"""The ``dpo`` learner: pair losses checked by hand, the shared loss's gradient checked against the pair
loss's own, every parameter moved, preference files checked line by line, and a pipeline stage."""

from __future__ import annotations

import json
import math

import pytest

torch = pytest.importorskip("torch")

import envgym  # noqa: E402
from envgym.learn.loss import LossConfig, LossInputs, PairLogprobs, PreferenceLossConfig, policy_loss, preference_advantages  # noqa: E402
from envgym.learn.loss import PREFERENCE_LOSSES  # noqa: E402
from envgym.learn.preference import DPOConfig, Pair, group_pairs  # noqa: E402
from envgym.learn.sequences import pad  # noqa: E402
from envgym.learn.trainer import TrainConfig, Trainer  # noqa: E402
from envs_for_learn import LETTER  # noqa: E402


@pytest.fixture(scope="module", autouse=True)
def letter_env():
    if LETTER not in envgym.list_envs():
        envgym.register(LETTER, "envs_for_learn:Letter")


def write_pairs(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return str(path)


PAIRS = [{"prompt": f"Say the letter {c}.", "chosen": f"The letter is {c}.", "rejected": f"The letter is {d}{d}.",
          "task_id": f"pair-{c}"} for c, d in zip("abcdef", "uvwxyz")]


def trainer_for(tmp_path, config, **overrides):
    settings = dict(steps=1, lr=1e-3, max_tokens=24, eval_tasks=4, progress=False) | overrides
    return Trainer(TrainConfig(env=LETTER, learner="dpo", learner_config=config, output_dir=str(tmp_path / "dpo"), **settings))


# ---- the pair losses, by hand ------------------------------------------------------------------------

# Two pairs: whole-answer log-probs under the policy and the reference, and answer lengths.
CHOSEN, REJECTED = [-3.0, -6.0], [-4.0, -2.0]
REF_CHOSEN, REF_REJECTED = [-3.5, -4.0], [-3.0, -2.5]
CHOSEN_TOKENS, REJECTED_TOKENS = [3, 5], [2, 4]


def log_sigmoid(x: float) -> float:
    return -math.log1p(math.exp(-x))


def by_hand(loss_type: str, beta: float, gamma: float, smoothing: float) -> list[float]:
    """TRL's formulas, written out: logits from the log-ratios, then the loss of each type."""
    out = []
    for pc, pr, rc, rr, lc, lr in zip(CHOSEN, REJECTED, REF_CHOSEN, REF_REJECTED, CHOSEN_TOKENS, REJECTED_TOKENS):
        logits = (pc - rc) - (pr - rr)  # chosen log-ratio minus rejected log-ratio
        if loss_type == "dpo":
            out.append(-log_sigmoid(beta * logits) * (1 - smoothing) - log_sigmoid(-beta * logits) * smoothing)
        elif loss_type == "ipo":
            out.append((logits - 1 / (2 * beta)) ** 2)
        else:  # simpo: length-averaged log-probs, no reference, margin gamma
            out.append(-log_sigmoid(beta * (pc / lc - pr / lr) - gamma))
    return out


@pytest.mark.parametrize(("loss_type", "beta", "gamma", "smoothing"), [
    ("dpo", 0.1, 0.0, 0.0), ("dpo", 0.5, 0.0, 0.2), ("ipo", 0.1, 0.0, 0.0), ("ipo", 1.0, 0.0, 0.0),
    ("simpo", 2.0, 0.5, 0.0), ("simpo", 2.5, 1.4, 0.0)])
def test_pair_losses_equal_the_formulas_worked_out_by_hand(loss_type, beta, gamma, smoothing):
    pairs = PairLogprobs(torch.tensor(CHOSEN), torch.tensor(REJECTED), torch.tensor(CHOSEN_TOKENS), torch.tensor(REJECTED_TOKENS),
                         torch.tensor(REF_CHOSEN), torch.tensor(REF_REJECTED))
    config = PreferenceLossConfig(loss_type, beta, gamma, smoothing)
    expected = by_hand(loss_type, beta, gamma, smoothing)
    losses, d_chosen, d_rejected = preference_advantages(pairs, config)
    assert losses.tolist() == pytest.approx(expected, rel=1e-5)
    # the derivatives of the mean loss, against central differences of the hand formula
    eps = 1e-3
    for values, derivative in ((CHOSEN, d_chosen), (REJECTED, d_rejected)):
        for i in range(2):
            saved = values[i]
            values[i] = saved + eps
            up = sum(by_hand(loss_type, beta, gamma, smoothing)) / 2
            values[i] = saved - eps
            down = sum(by_hand(loss_type, beta, gamma, smoothing)) / 2
            values[i] = saved
            assert derivative[i].item() == pytest.approx((up - down) / (2 * eps), rel=1e-3, abs=1e-6)


def test_dpo_values_at_known_points():
    # equal log-ratios: -log sigmoid(0) = log 2; IPO then pays the whole target margin (1 / (2 * 0.1))^2 = 25
    zero = torch.zeros(1)
    pairs = PairLogprobs(zero - 1, zero - 2, zero + 1, zero + 1, zero - 1, zero - 2)
    assert PREFERENCE_LOSSES["dpo"](pairs, PreferenceLossConfig()).item() == pytest.approx(math.log(2))
    assert PREFERENCE_LOSSES["ipo"](pairs, PreferenceLossConfig("ipo")).item() == pytest.approx(25.0)


# ---- the learner on the tiny model -------------------------------------------------------------------


def answer_logprob(model, ids, first):
    """log pi of ids[first:] given ids[:first], summed, straight from the model's logits."""
    logits = model(input_ids=torch.tensor([ids])).logits[0].float()
    logp = torch.log_softmax(logits, dim=-1)
    return sum(logp[t - 1, ids[t]] for t in range(first, len(ids)))


@pytest.mark.parametrize("normalization", ["token", "sequence"])
@pytest.mark.parametrize("loss_type", ["dpo", "ipo", "simpo"])
def test_the_shared_loss_has_the_pair_loss_gradient(tmp_path, loss_type, normalization):
    """The learner's advantages in the shared loss give exactly the gradient of the mean pair loss, computed
    here from the model's own logits; the logged preference_loss is that loss's value."""
    source = write_pairs(tmp_path / "pairs.jsonl", PAIRS[:3])
    config = DPOConfig(source=source, loss_type=loss_type, beta=0.5 if loss_type != "simpo" else 2.0, pairs_per_step=3)
    trainer = trainer_for(tmp_path, config, loss=LossConfig(normalization=normalization))
    model, pairs = trainer.model, trainer.learner._pairs
    with torch.no_grad():  # the reference is the starting policy: move the policy away from it first
        for p in model.parameters():
            p.add_(0.02 * torch.randn_like(p))
    samples, metrics = trainer.learner.weighted(trainer, pairs)

    batch = pad(samples, trainer.tokenizer.pad_token_id)
    model.zero_grad()
    shared, _ = policy_loss(LossInputs(batch.logprobs(model), batch.mask, advantages=batch.advantages), trainer.config.loss)
    shared.backward()
    via_shared = [p.grad.clone() for p in model.parameters()]

    model.zero_grad()
    losses = []
    for pair in pairs:
        c, r = pair.chosen.turns[0], pair.rejected.turns[0]
        pc = answer_logprob(model, list(c.prompt_ids) + list(c.completion_ids), len(c.prompt_ids))
        pr = answer_logprob(model, list(r.prompt_ids) + list(r.completion_ids), len(r.prompt_ids))
        rc, rr = pair.ref or (0.0, 0.0)  # simpo has none
        h = (pc - rc) - (pr - rr)
        if loss_type == "dpo":
            losses.append(-torch.nn.functional.logsigmoid(config.beta * h))
        elif loss_type == "ipo":
            losses.append((h - 1 / (2 * config.beta)) ** 2)
        else:
            avg = pc / len(c.completion_ids) - pr / len(r.completion_ids)
            losses.append(-torch.nn.functional.logsigmoid(config.beta * avg - config.simpo_gamma))
    direct = torch.stack(losses).mean()
    direct.backward()
    trainer.close()
    assert metrics["preference_loss"] == pytest.approx(direct.item(), rel=1e-4)
    assert direct.item() > 0
    for got, want in zip(via_shared, (p.grad for p in model.parameters())):  # equal up to float32 rounding
        assert (got - want).norm() <= 1e-4 * want.norm() + 1e-7


@pytest.mark.parametrize("loss_type", ["dpo", "ipo", "simpo"])
def test_one_step_changes_every_trainable_parameter(tmp_path, loss_type):
    config = DPOConfig(source=write_pairs(tmp_path / "pairs.jsonl", PAIRS), loss_type=loss_type, pairs_per_step=4)
    trainer = trainer_for(tmp_path, config)
    before = {k: v.detach().clone() for k, v in trainer.model.named_parameters() if v.requires_grad}
    metrics = trainer.train_step()
    trainer.close()
    assert metrics["samples"] == 8 and metrics["pairs"] == 4
    unchanged = [k for k, v in trainer.model.named_parameters() if v.requires_grad and torch.equal(v, before[k])]
    assert unchanged == []
    assert trainer.policy.version == 1


def test_pairs_from_the_runs_groups_against_a_frozen_reference(tmp_path):
    config = DPOConfig(prompts_per_step=3, group_size=4, pairs_per_group=2, max_sampling_rounds=2,
                       keep_truncated=True)  # the untrained model never stops
    trainer = trainer_for(tmp_path, config, steps=2, max_tokens=16)
    frozen = trainer.learner._frozen
    assert frozen is not None and frozen is not trainer.model and not any(p.requires_grad for p in frozen.parameters())
    start = {k: v.detach().clone() for k, v in frozen.state_dict().items()}
    first = trainer.train_step()
    second = trainer.train_step()
    trainer.close()
    assert first["pairs"] > 0 and first["samples"] == 2 * first["pairs"]
    assert first["reward_margin"] == pytest.approx(0.0, abs=1e-5)  # the first step's policy is the reference
    assert all(torch.equal(v, start[k]) for k, v in frozen.state_dict().items())  # the reference never moves
    if second["pairs"]:
        assert second["reward_margin"] != 0.0


def test_group_pairs_take_verified_answers_that_ended_against_unverified_ones():
    from envgym.types import Provenance, Trajectory, Turn, Verdict

    def answer(text, correct, finish="stop", sample=0):
        turn = Turn((1,), (2,), None, text, float(correct), verdict=Verdict.ok() if correct else Verdict.fail("no"),
                    finish_reason=finish)
        return Trajectory("e", "t", 0, (), (turn,), float(correct), correct, Provenance("on_policy", policy_id="p"),
                          group_id="g", sample=sample)

    group = [answer("a b", True), answer("a b", True, sample=1), answer("x", False, sample=2),
             answer("a but cut", True, finish="length", sample=3), answer("y", False, sample=4), answer("x", False, sample=5),
             answer("a c", True, sample=6)]
    pairs = group_pairs(group, 5)
    assert [(p.chosen.sample, p.rejected.sample) for p in pairs] == [(0, 2), (6, 4)]  # distinct texts, none cut off
    assert [(p.chosen.sample, p.rejected.sample) for p in group_pairs(group, 1)] == [(0, 2)]
    assert [p.chosen.sample for p in group_pairs(group, 5, keep_truncated=True)] == [0, 3]  # two distinct wrong answers
    assert group_pairs([answer("x", False), answer("y", False)], 3) == []


def test_reference_log_probs_are_computed_once_and_can_be_stored(tmp_path):
    source = write_pairs(tmp_path / "pairs.jsonl", PAIRS)
    trainer = trainer_for(tmp_path, DPOConfig(source=source, pairs_per_step=6))
    computed = {p.chosen.task_id: p.ref for p in trainer.learner._pairs}
    assert trainer.learner._frozen is None  # a file's references are computed before the first step, with no copy kept
    trainer.close()
    written = tmp_path / "dpo" / "preferences-reference.jsonl"
    rows = [json.loads(line) for line in written.read_text().splitlines()]
    assert {r["task_id"]: (r["ref_chosen"], r["ref_rejected"]) for r in rows} == computed
    assert all(r["ref_chosen"] < 0 and r["ref_rejected"] < 0 for r in rows)

    stored = trainer_for(tmp_path / "again", DPOConfig(source=str(written), reference="stored", pairs_per_step=6))
    assert {p.chosen.task_id: p.ref for p in stored.learner._pairs} == computed
    samples, metrics = stored.learner.batch(stored, 0)
    stored.close()
    assert metrics["reward_margin"] == pytest.approx(0.0, abs=1e-5) and len(samples) == 12


def test_pairs_on_held_out_tasks_are_left_out(tmp_path):
    from envgym.heldout import held_out

    held = sorted(held_out(LETTER, {}, 4).task_ids)
    rows = PAIRS[:2] + [{**PAIRS[2], "task_id": held[0]}]
    trainer = trainer_for(tmp_path, DPOConfig(source=write_pairs(tmp_path / "pairs.jsonl", rows)))
    trainer.close()
    assert sorted(p.chosen.task_id for p in trainer.learner._pairs) == ["pair-a", "pair-b"]


# ---- bad input -----------------------------------------------------------------------------------


GOOD = json.dumps(PAIRS[0])


@pytest.mark.parametrize(("line", "message"), [
    ('{"prompt": "Say a.", "chosen": "a"', r"line 2: not valid JSON"),
    ('["Say a.", "a", "b"]', r"line 2: expected a JSON object"),
    ('{"prompt": "Say a.", "choosen": "a", "rejected": "b"}', r"line 2: missing field 'chosen'"),
    ('{"prompt": "Say a.", "chosen": 3, "rejected": "b"}', r"line 2: field 'chosen' must be the answer's text"),
    ('{"prompt": "Say a.", "chosen": "a", "rejected": ""}', r"line 2: field 'rejected' must be"),
    ('{"prompt": "Say a.", "chosen": "a", "rejected": "a"}', r"line 2: fields 'chosen' and 'rejected' hold the same text"),
    ('{"prompt": {"role": "user"}, "chosen": "a", "rejected": "b"}', r"line 2: field 'prompt' must be a string"),
    ('{"prompt": [{"role": "robot", "content": "x"}], "chosen": "a", "rejected": "b"}', r"line 2: field 'prompt', message 0"),
    ('{"prompt": [{"role": "user", "content": "x"}, {"role": "assistant", "content": "y"}], "chosen": "a", "rejected": "b"}',
     r"line 2: field 'prompt' ends with an assistant message"),
])
def test_a_bad_preference_file_names_the_line_and_the_field(tmp_path, line, message):
    path = tmp_path / "bad.jsonl"
    path.write_text(GOOD + "\n" + line + "\n")
    with pytest.raises(ValueError, match=message) as error:
        trainer_for(tmp_path, DPOConfig(source=str(path)))
    assert str(path) in str(error.value)


def test_stored_references_must_be_on_every_line(tmp_path):
    path = write_pairs(tmp_path / "pairs.jsonl", [{**PAIRS[0], "ref_chosen": -3.0, "ref_rejected": -4.0},
                                                  {**PAIRS[1], "ref_chosen": -3.0}])
    with pytest.raises(ValueError, match=r"line 2: field 'ref_rejected' must be a log-prob.*reference='model'"):
        trainer_for(tmp_path, DPOConfig(source=path, reference="stored"))


def test_missing_and_empty_preference_files(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"preference file .*nowhere.jsonl does not exist"):
        trainer_for(tmp_path, DPOConfig(source=str(tmp_path / "nowhere.jsonl")))
    (tmp_path / "empty.jsonl").write_text("\n\n")
    with pytest.raises(ValueError, match="holds no pairs"):
        trainer_for(tmp_path, DPOConfig(source=str(tmp_path / "empty.jsonl")))


@pytest.mark.parametrize(("settings", "message"), [
    ({"beta": 0.0}, "beta must be above 0"),
    ({"loss_type": "kto"}, r"unknown preference loss 'kto'; choose one of 'dpo', 'ipo', 'simpo'"),
    ({"simpo_gamma": -1.0}, "simpo_gamma must be >= 0"),
    ({"label_smoothing": 0.5}, r"label_smoothing must be in \[0, 0.5\)"),
    ({"label_smoothing": 0.1, "loss_type": "ipo"}, "label_smoothing applies to loss_type='dpo' only"),
    ({"group_size": 1}, "group_size must be at least 2"),
    ({"reference": "stored"}, "with source='rollouts' use reference='model'"),
    ({"reference": "copy"}, "reference must be 'model' or 'stored'"),
])
def test_settings_are_checked(settings, message):
    with pytest.raises(ValueError, match=message):
        DPOConfig(**settings)


def test_dpo_is_listed_with_what_it_consumes():
    from conftest import envgym_cli
    from envgym.learn.learners import make_learner

    learner = make_learner("dpo", {"loss_type": "simpo", "beta": 2.0})
    assert learner.consumes == {"on_policy", "off_policy"} and learner.config.loss_type == "simpo"
    listing = envgym_cli("learners")
    assert listing.returncode == 0, listing.stderr
    line = next(line for line in listing.stdout.splitlines() if line.startswith("dpo "))
    assert "consumes off_policy, on_policy" in line
    assert "loss_type = 'dpo'" in listing.stdout and "simpo_gamma = 0.5" in listing.stdout



# ---- learning, measured --------------------------------------------------------------------------

ARITHMETIC = dict(env="envgym/Arithmetic-v0", env_kwargs={"difficulty": 1}, max_tokens=32, eval_tasks=200, progress=False)
DPO_STEPS, DPO_LR = 100, 1e-4


@pytest.mark.parametrize("seed", [0, 1])
def test_dpo_raises_held_out_pass_at_1_over_the_sft_checkpoint(tmp_path, seed):
    """SFT on gold traces (as tests/test_learning.py), then DPO on pairs from the SFT policy's own groups
    (a verified answer against an unverified one, the SFT checkpoint as the reference): sampled pass@1 on
    the 200 held-out problems, 8 samples each, rises; the paired 95% interval of the change is above zero."""
    from envgym.evaluate import evaluate
    from envgym.heldout import held_out
    from envgym.learn.learners import SFTConfig
    from envgym.models import hf_policy
    from envgym.stats import paired_difference

    def train(config):
        trainer = Trainer(config)
        trainer.train()
        trainer.close()
        return [json.loads(line) for line in (trainer.out / "metrics.jsonl").read_text().splitlines()]

    sft = tmp_path / "sft"
    train(TrainConfig(**ARITHMETIC, learner="sft", learner_config=SFTConfig(examples_per_step=32), steps=600, lr=1e-3,
                      checkpoint_every=600, seed=seed, output_dir=str(sft)))
    dpo = tmp_path / "dpo"
    metrics = train(TrainConfig(**ARITHMETIC, learner="dpo", model=str(sft / "checkpoint"), steps=DPO_STEPS, lr=DPO_LR,
                                checkpoint_every=DPO_STEPS, seed=seed, output_dir=str(dpo),
                                learner_config=DPOConfig(beta=0.1, prompts_per_step=16, group_size=8, pairs_per_group=2)))
    steps = [m for m in metrics if "pairs" in m]
    assert sum(m["pairs"] for m in steps) > 10 * DPO_STEPS  # the SFT policy's groups hold pairs
    assert steps[0]["reward_margin"] == pytest.approx(0.0, abs=1e-4)  # it starts at its reference

    partition = held_out("envgym/Arithmetic-v0", {"difficulty": 1}, 200)

    def sampled(model):
        result = evaluate(hf_policy(model), "envgym/Arithmetic-v0", samples=8, max_tokens=32, partition=partition,
                          env_kwargs={"difficulty": 1})
        return [c / n for n, c in (result.outcomes()[task] for task in partition.task_ids)]

    before, after = sampled(str(sft / "checkpoint")), sampled(str(dpo / "checkpoint"))
    change = paired_difference(before, after)
    print(f"seed {seed}: held-out sampled pass@1 after sft {sum(before) / 200:.3f}, after dpo {sum(after) / 200:.3f}; "
          f"change {change}; last step's reward accuracy {steps[-1]['reward_accuracy']:.2f}")
    assert change.low > 0, change

# ---- in a pipeline -----------------------------------------------------------------------------------


def test_the_dpo_example_pipeline_runs(tmp_path):
    from envgym import pipeline
    from test_examples import EXAMPLES, scaled

    spec = pipeline.load(EXAMPLES / "dpo.yaml")
    assert [s.learner for s in spec.stages] == ["sft", "dpo"]
    report = pipeline.run(scaled(spec), tmp_path, progress=False)
    assert [s.stage for s in report.stages] == ["sft", "dpo"]
    dpo = json.loads((tmp_path / "dpo" / "stage.json").read_text())
    assert dpo["learner"] == "dpo" and dpo["checkpoint"].endswith("dpo/train/checkpoint")
    metrics = [json.loads(line) for line in (tmp_path / "dpo" / "train" / "metrics.jsonl").read_text().splitlines()]
    assert [m["step"] for m in metrics if "groups" in m] == [1, 2]  # both steps sampled groups for pairs


def test_a_pipeline_stage_trains_on_a_preference_file(tmp_path):
    from envgym import pipeline

    source = write_pairs(tmp_path / "pairs.jsonl", PAIRS)
    config = tmp_path / "pipeline.yaml"
    config.write_text(f"""
name: letters
env: {LETTER}
eval: {{tasks: 4, samples: 2, max_tokens: 12}}
stages:
  - name: prefer
    learner: dpo
    steps: 2
    lr: 3.0e-3
    settings: {{source: {source}, loss_type: ipo, beta: 0.5, pairs_per_step: 3}}
    train: {{max_tokens: 12, eval_tasks: 4}}
""")
    report = pipeline.run(pipeline.load(config), tmp_path / "run", progress=False)
    assert report.stages[0].learner == "dpo"
    metrics = [json.loads(line) for line in (tmp_path / "run" / "prefer" / "train" / "metrics.jsonl").read_text().splitlines()]
    trained = [m for m in metrics if "pairs" in m]
    assert [m["pairs"] for m in trained] == [3, 3] and trained[1]["preference_loss"] < trained[0]["preference_loss"]
    bad = config.read_text().replace("loss_type: ipo", "loss_type: kto")
    config.write_text(bad)
    with pytest.raises(pipeline.PipelineError, match="prefer.*loss_type|preference loss 'kto'"):
        pipeline.load(config)
