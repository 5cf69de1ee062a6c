"""Pipeline results as dataclasses: their JSON round-trips, and runs written before them (the dicts
of earlier versions, ``tests/runs_v1``: a real tiny run, one seed and two) load, resume and re-report
the same."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from envgym.results import PipelineReport, SeedsReport, StageRecord, read_report

OLD = Path(__file__).parent / "runs_v1"
REPORTS = sorted(OLD.rglob("report.json"))
STAGES = sorted(OLD.rglob("stage.json"))


def test_the_old_files_are_there():
    assert len(REPORTS) == 4 and len(STAGES) == 6


@pytest.mark.parametrize("path", STAGES, ids=lambda p: str(p.relative_to(OLD)))
def test_a_stage_record_round_trips_and_writes_the_old_file_again(path):
    record = StageRecord.from_json(json.loads(path.read_text()))
    assert StageRecord.from_json(record.to_json()) == record
    assert json.dumps(record.to_json(), indent=2) == path.read_text()  # the same keys, in the same order
    assert record.after.interval("pass@1") is not None and record.before.scaffold == record.scaffold == "none"


@pytest.mark.parametrize("path", REPORTS, ids=lambda p: str(p.relative_to(OLD)))
def test_a_report_round_trips_and_writes_the_old_file_again(path):
    report = read_report(path)
    assert isinstance(report, SeedsReport if path.parent.name == "seeds" else PipelineReport)
    assert type(report).from_json(report.to_json()) == report
    assert json.dumps(report.to_json(), indent=2) == path.read_text()


def test_old_reports_render_the_same_markdown(tmp_path):
    from envgym.report import write_report

    shutil.copytree(OLD, tmp_path / "old")
    for run in ("one", "seeds", "seeds/seed-1"):
        md, _ = write_report(tmp_path / "old" / run)
        assert md.read_text() == (OLD / run / "report.md").read_text()


def test_an_old_run_resumes_without_training(tmp_path):
    """Every stage's stage.json, the start's measurement and eval.json are there: nothing is trained
    or measured again, and the report is the one the old code wrote."""
    pytest.importorskip("torch")
    import envgym
    from envs_for_learn import LETTER

    from envgym.pipeline import load, run

    if LETTER not in envgym.list_envs():  # the CLI tests load it as a plugin module instead
        envgym.register(LETTER, "envs_for_learn:Letter")
    for name, seeds in (("one", None), ("seeds", 2)):
        folder = tmp_path / name
        shutil.copytree(OLD / name, folder)
        report = run(load(OLD / "pipeline.yaml", seeds=seeds), folder, progress=False)
        assert report == read_report(OLD / name / "report.json")
        assert (folder / "report.json").read_text() == (OLD / name / "report.json").read_text()
        assert (folder / "report.md").read_text() == (OLD / name / "report.md").read_text()
        assert not list(folder.rglob("checkpoint"))  # nothing was trained
