"""envgym/MathQA-v0: the sample set, each data format, option errors and the restatement rule."""

from __future__ import annotations

import json
import sys

import pytest

import envgym
from envgym.check import check_environment
from envgym_math.records import reference_answer

ENV_ID = "envgym/MathQA-v0"
RECORDS = [
    {"question": "What is $6 \\times 7$?", "answer": "42"},
    {"question": "What is half of $3$?", "answer": "\\frac{3}{2}"},
    {"question": "Solve $x^2 < 4$ in interval notation.", "answer": "(-2, 2)"},
]


def write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def questions(env) -> set[str]:
    return {r.question for r in env.records}


def test_sample_set_has_varied_answers_and_every_probe_holds_on_every_record():
    env = envgym.make(ENV_ID)
    answers = [r.answer for r in env.records]
    assert len(env.records) >= 40 and len(questions(env)) == len(env.records)
    for marker in ["\\frac", "\\sqrt", "\\pi", "\\infty", "%", "(", "pmatrix", "x", ".", "="]:
        assert any(marker in a for a in answers), marker
    env.reset(seed=0)
    for i in range(len(env.records)):
        env.task = env.task_at(i)
        assert env.score(env.gold_action()).correct, env.task.reference
        for name, action in env.hack_actions().items():
            verdict = env.score(action)
            assert verdict.reward == 0 and not verdict.correct, (name, env.task.reference, verdict)


def test_restating_the_question_scores_zero_but_the_answer_scores_one(tmp_path):
    env = envgym.make(ENV_ID, path=write_jsonl(tmp_path / "qa.jsonl", RECORDS[:1]))
    env.reset(seed=0)
    verdict = env.score("It is \\boxed{6 \\times 7}.")
    assert not verdict.correct and "restates the question" in verdict.reason
    assert env.score("6 times 7 is \\boxed{42}.").correct
    assert env.score("The answer is 42").correct  # no box needed: the verifier finds the answer


def test_jsonl_loads_and_task_ids_are_stable_hashes_of_the_question(tmp_path):
    env = envgym.make(ENV_ID, path=str(write_jsonl(tmp_path / "a.jsonl", RECORDS)))
    assert questions(env) == {r["question"] for r in RECORDS}
    shuffled = envgym.make(ENV_ID, path=write_jsonl(tmp_path / "b.jsonl", RECORDS[::-1]))
    ids = {env.task_at(i).id: env.task_at(i).prompt[-1].content for i in range(3)}
    assert ids == {shuffled.task_at(i).id: shuffled.task_at(i).prompt[-1].content for i in range(3)}
    obs, info = env.reset(seed=1)
    assert [m["role"] for m in obs] == ["system", "user"] and info["task_id"].startswith("mathqa-")
    assert env.step(env.gold_action())[1] == 1.0


def test_parquet_loads(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pylist([{**r, "level": i} for i, r in enumerate(RECORDS)])
    pq.write_table(table, tmp_path / "qa.parquet")
    env = envgym.make(ENV_ID, path=tmp_path / "qa.parquet")
    assert questions(env) == {r["question"] for r in RECORDS}
    env.reset(seed=0)
    assert env.step(env.gold_action())[1] == 1.0


def test_datasets_folder_and_dataset_dict_splits_load(tmp_path):
    import datasets
    datasets.Dataset.from_list(RECORDS).save_to_disk(str(tmp_path / "plain"))
    env = envgym.make(ENV_ID, path=tmp_path / "plain")
    assert questions(env) == {r["question"] for r in RECORDS}

    splits = datasets.DatasetDict({"train": datasets.Dataset.from_list(RECORDS[:2]),
                                   "test": datasets.Dataset.from_list(RECORDS[2:])})
    splits.save_to_disk(str(tmp_path / "dict"))
    assert len(envgym.make(ENV_ID, path=tmp_path / "dict").records) == 2  # "train" by default
    test = envgym.make(ENV_ID, path=tmp_path / "dict", split="test")
    assert questions(test) == {RECORDS[2]["question"]}
    test.reset(seed=0)
    assert test.step(test.gold_action())[1] == 1.0
    with pytest.raises(ValueError, match=f"{ENV_ID}: .* has no split 'validation'; it has"):
        envgym.make(ENV_ID, path=tmp_path / "dict", split="validation")
    with pytest.raises(ValueError, match="holds one Dataset, not a DatasetDict"):
        envgym.make(ENV_ID, path=tmp_path / "plain", split="train")
    datasets.DatasetDict({"a": splits["train"], "b": splits["test"]}).save_to_disk(str(tmp_path / "ab"))
    with pytest.raises(ValueError, match=r"has splits \['a', 'b'\]; choose one with split="):
        envgym.make(ENV_ID, path=tmp_path / "ab")


def test_problem_solution_data_takes_the_boxed_answer(tmp_path):
    import datasets
    rows = [{"problem": "What is $\\frac{1}{2} + \\frac{1}{3}$?",
             "solution": "Use the common denominator $6$: $\\frac{3}{6} + \\frac{2}{6} = \\boxed{\\frac{5}{6}}$."},
            {"problem": "How many sides does a hexagon have?", "solution": "A hexagon has $\\boxed{6}$ sides."}]
    datasets.Dataset.from_list(rows).save_to_disk(str(tmp_path / "math"))
    env = envgym.make(ENV_ID, path=tmp_path / "math", question_field="problem", answer_field="solution")
    assert sorted(r.answer for r in env.records) == ["6", "\\frac{5}{6}"]
    env.reset(seed=0)
    assert env.task.metadata["answer_source"].startswith(("Use", "A hexagon"))
    assert env.step(env.gold_action())[1] == 1.0


def test_reference_answer_forms():
    assert reference_answer("  7 ") == "7"
    assert reference_answer("Natalia sold 48/2 = 24 clips in May.\n#### 72") == "72"
    assert reference_answer("first \\boxed{1} then \\boxed{\\sqrt{2}}") == "\\sqrt{2}"


def test_gsm8k_style_numbers_and_records_without_answers(tmp_path):
    rows = [{"question": "A box holds 12 eggs. How many eggs are in 3 boxes?", "answer": "12 * 3 = 36\n#### 36"},
            {"question": "Unanswered?", "answer": "  "}, {"question": "Integer answer?", "answer": 5}]
    env = envgym.make(ENV_ID, path=write_jsonl(tmp_path / "gsm.jsonl", rows))
    assert sorted(r.answer for r in env.records) == ["36", "5"]


@pytest.mark.parametrize("options, match", [
    ({"path": "/nonexistent/qa.jsonl"}, "does not exist"),
    ({"path": 3}, "path must be a file or folder path"),
    ({"question_field": ""}, "question_field must be a column name"),
    ({"question_field": "answer"}, "question_field and answer_field are both 'answer'"),
    ({"split": 3}, "split must be a split name or None"),
    ({"split": "train"}, "applies only to a `datasets` folder"),
])
def test_bad_options_name_the_environment(options, match):
    with pytest.raises(ValueError, match=f"{ENV_ID}: .*{match}"):
        envgym.make(ENV_ID, **options)


def test_bad_files_name_the_environment_and_the_fix(tmp_path):
    (tmp_path / "qa.csv").write_text("question,answer\n")
    with pytest.raises(ValueError, match=f"{ENV_ID}: cannot tell the format of .*qa.csv"):
        envgym.make(ENV_ID, path=tmp_path / "qa.csv")
    (tmp_path / "bad.jsonl").write_text('{"question": "q", "answer": "1"}\nnot json\n')
    with pytest.raises(ValueError, match="line 2 of .* is not JSON"):
        envgym.make(ENV_ID, path=tmp_path / "bad.jsonl")
    write_jsonl(tmp_path / "fields.jsonl", [{"problem": "q", "solution": "\\boxed{1}"}])
    with pytest.raises(ValueError, match=r"has no field 'question' \(it has \['problem', 'solution'\]\); set question_field="):
        envgym.make(ENV_ID, path=tmp_path / "fields.jsonl")
    write_jsonl(tmp_path / "empty.jsonl", [{"question": "q", "answer": ""}])
    with pytest.raises(ValueError, match="has no record with both a question and an answer"):
        envgym.make(ENV_ID, path=tmp_path / "empty.jsonl")
    (tmp_path / "folder").mkdir()
    with pytest.raises(ValueError, match="not a folder written by datasets' save_to_disk"):
        envgym.make(ENV_ID, path=tmp_path / "folder")


def test_parquet_with_other_columns_says_which(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.Table.from_pylist([{"prompt": "q", "answer": "1"}]), tmp_path / "qa.parquet")
    with pytest.raises(ValueError, match=r"no column 'question' \(it has \['prompt', 'answer'\]\)"):
        envgym.make(ENV_ID, path=tmp_path / "qa.parquet")


def test_missing_data_extra_says_how_to_install_it(tmp_path, monkeypatch):
    (tmp_path / "qa.parquet").write_bytes(b"PAR1")
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)  # makes `import pyarrow.parquet` fail
    with pytest.raises(ImportError, match=r"envgym/MathQA-v0: reading Parquet files needs pyarrow; pip install envgym\[data\]"):
        envgym.make(ENV_ID, path=tmp_path / "qa.parquet")
    (tmp_path / "ds").mkdir()
    monkeypatch.setitem(sys.modules, "datasets", None)
    with pytest.raises(ImportError, match=r"needs datasets; pip install envgym\[data\]"):
        envgym.make(ENV_ID, path=tmp_path / "ds")


def test_system_prompt_is_optional():
    env = envgym.make(ENV_ID, system_prompt=None)
    assert [m["role"] for m in env.reset(seed=0)[0]] == ["user"]


def test_envgym_check_passes():
    report = check_environment(ENV_ID)
    assert report.ok, [item for item in report.items if not item.ok]


def test_answer_mode_final_answer_by_default_boxed_on_request(tmp_path):
    path = write_jsonl(tmp_path / "qa.jsonl", RECORDS[2:])
    loose, strict = envgym.make(ENV_ID, path=path), envgym.make(ENV_ID, path=path, answer_mode="boxed")
    for env in (loose, strict):
        env.reset(seed=0)
        assert env.score("So the solution set is $\\boxed{(-2, 2)}$.").correct
    unboxed = "Since $x^2 < 4$ means $|x| < 2$, the answer is $(-2, 2)$."
    assert loose.score(unboxed).correct
    verdict = strict.score(unboxed)
    assert not verdict.correct and "\\boxed" in verdict.reason
    with pytest.raises(ValueError, match="mode"):
        envgym.make(ENV_ID, path=path, answer_mode="loose")
