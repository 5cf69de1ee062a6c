r"""Question/answer records from a JSONL file, a Parquet file or a saved Hugging Face data set.

Which reader runs is decided by the path: a directory is a ``datasets`` folder written by
``save_to_disk`` (a ``Dataset``, or a ``DatasetDict`` whose split is chosen by ``split``),
``.parquet`` is Parquet, ``.jsonl``/``.ndjson`` is one JSON object per line. Parquet and
``datasets`` come with the ``envgym[data]`` extra and are imported only when needed.

The answer field may hold a bare answer (``\frac{1}{2}``), a worked solution whose final answer
is in ``\boxed{}`` (the MATH data set's ``solution``), or a GSM8K rationale ending in
``#### 42``; ``reference_answer`` reduces each to the answer.

>>> reference_answer(r"So $x = 2$ and the area is $\boxed{\frac{1}{2}}$.")
'\\frac{1}{2}'
>>> reference_answer("48 / 2 = 24 clips in May.\n#### 1,072")
'1072'
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

from envgym.verify.extract import boxed_contents

ENV_ID = "envgym/MathQA-v0"
SAMPLE = "mathqa_sample.jsonl"
_SET_FIELDS = "set question_field= and answer_field= to the data set's column names"
JSONL_SUFFIXES = (".jsonl", ".ndjson")


@dataclass(frozen=True)
class QARecord:
    """One question and its reference answer. source: the answer field as stored."""

    question: str
    answer: str
    source: str


def sample_path() -> Path:
    """The sample set shipped inside this package (about forty questions)."""
    return Path(str(files("envgym_math") / "data" / SAMPLE))


def reference_answer(text: str) -> str:
    r"""The final answer in an answer field: the last ``\boxed{}``, the text after ``####``,
    or the whole text, stripped."""
    boxes = boxed_contents(text)
    if boxes:
        return boxes[-1].strip()
    if "####" in text:
        return text.rsplit("####", 1)[1].strip().replace(",", "")
    return text.strip()


def load_records(path: str | Path, question_field: str, answer_field: str, split: str | None) -> list[QARecord]:
    """Read every record of ``path``; records whose answer is empty are dropped."""
    path = Path(path)
    if not path.exists():
        raise ValueError(f"{ENV_ID}: path {str(path)!r} does not exist")
    if split is not None and not path.is_dir():
        raise ValueError(f"{ENV_ID}: split={split!r} applies only to a `datasets` folder, and {str(path)!r} is a file")
    if path.is_dir():
        rows = _read_datasets(path, split, (question_field, answer_field))
    elif path.suffix == ".parquet":
        rows = _read_parquet(path, (question_field, answer_field))
    elif path.suffix in JSONL_SUFFIXES:
        rows = _read_jsonl(path)
    else:
        raise ValueError(
            f"{ENV_ID}: cannot tell the format of {str(path)!r}: use a {'/'.join(JSONL_SUFFIXES)} file, "
            "a .parquet file, or a folder written by datasets' save_to_disk"
        )
    records = []
    for i, row in enumerate(rows):
        question, answer = (_field(row, name, i, path) for name in (question_field, answer_field))
        record = QARecord(question.strip(), reference_answer(answer), answer)
        if record.question and record.answer:
            records.append(record)
    if not records:
        raise ValueError(f"{ENV_ID}: {str(path)!r} has no record with both a question and an answer")
    return records


def _field(row: Mapping[str, Any], name: str, index: int, path: Path) -> str:
    if name not in row:
        raise ValueError(
            f"{ENV_ID}: record {index} of {str(path)!r} has no field {name!r} (it has {sorted(row)}); "
            + _SET_FIELDS
        )
    value = row[name]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise ValueError(f"{ENV_ID}: field {name!r} of record {index} in {str(path)!r} is a {type(value).__name__}, not text")
    return value


def _require(module: str, what: str) -> Any:
    """Import an optional dependency, or say which extra provides it."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ImportError(f"{ENV_ID}: reading {what} needs {module.split('.')[0]}; pip install envgym[data]") from exc


def _read_jsonl(path: Path) -> Iterable[Mapping[str, Any]]:
    rows = []
    with path.open(encoding="utf-8") as f:
        for line_no, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{ENV_ID}: line {line_no} of {str(path)!r} is not JSON: {exc.msg}") from None
            if not isinstance(row, dict):
                raise ValueError(f"{ENV_ID}: line {line_no} of {str(path)!r} is not a JSON object")
            rows.append(row)
    return rows


def _read_parquet(path: Path, columns: tuple[str, str]) -> Iterable[Mapping[str, Any]]:
    parquet = _require("pyarrow.parquet", "Parquet files")
    names = parquet.read_schema(path).names
    _check_columns(names, columns, path)
    return parquet.read_table(path, columns=list(columns)).to_pylist()


def _read_datasets(path: Path, split: str | None, columns: tuple[str, str]) -> Iterable[Mapping[str, Any]]:
    datasets = _require("datasets", "a `datasets` folder")
    try:
        loaded = datasets.load_from_disk(str(path))
    except FileNotFoundError as exc:
        raise ValueError(f"{ENV_ID}: {str(path)!r} is not a folder written by datasets' save_to_disk ({exc})") from None
    if isinstance(loaded, datasets.DatasetDict):
        loaded = loaded[_pick_split(list(loaded), split, path)]
    elif split is not None:
        raise ValueError(f"{ENV_ID}: {str(path)!r} holds one Dataset, not a DatasetDict; leave split unset")
    _check_columns(loaded.column_names, columns, path)
    return loaded.select_columns(list(columns)).to_list()


def _check_columns(names: list[str], columns: tuple[str, str], path: Path) -> None:
    missing = [c for c in columns if c not in names]
    if missing:
        raise ValueError(
            f"{ENV_ID}: {str(path)!r} has no column {missing[0]!r} (it has {names}); " + _SET_FIELDS
        )


def _pick_split(splits: list[str], split: str | None, path: Path) -> str:
    """The requested split; by default "train", or the only split there is."""
    if split is None:
        if "train" in splits or len(splits) == 1:
            return "train" if "train" in splits else splits[0]
        raise ValueError(f"{ENV_ID}: {str(path)!r} has splits {splits}; choose one with split=")
    if split not in splits:
        raise ValueError(f"{ENV_ID}: {str(path)!r} has no split {split!r}; it has {splits}")
    return split
