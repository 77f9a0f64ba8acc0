"""The committed PyTorch record (docs/practice/pytorch-record.json) against a live PyTorch.

The book shows PyTorch's outputs from that record; here every case of tests/pytorch_record.py
runs again with the pinned CPU build (CI installs it) and each recorded output must match.
"""

import json

import pytest

import pytorch_record
from npbackprop._book import load_record, to_record

from helpers import assert_same

RECORD = json.loads(pytorch_record.RECORD.read_text(encoding="utf-8"))


def test_the_record_holds_every_case_and_nothing_else():
    assert sorted(RECORD["cases"]) == sorted(pytorch_record.CASES), (
        "the record's cases differ from tests/pytorch_record.py's: run `make pytorch-record`"
    )


def test_the_record_was_written_by_the_pinned_pytorch():
    assert RECORD["torch"] == pytorch_record.TORCH_VERSION


@pytest.mark.parametrize("name", sorted(pytorch_record.CASES))
def test_a_live_run_gives_the_recorded_outputs(name, tmp_path, torch_live):
    # both sides through the same encoding, so that dtypes and shapes compare as recorded
    path = tmp_path / "live.json"
    path.write_text(json.dumps(to_record(torch_live[name])), encoding="utf-8")
    live = load_record(path)
    recorded = load_record(pytorch_record.RECORD)["cases"][name]
    assert_same(live, recorded, name)


def test_the_comparison_can_fail():
    """A changed output is caught (so a passing run means the record matches)."""
    recorded = load_record(pytorch_record.RECORD)["cases"]["mse"]
    changed = {**recorded, "outputs": {**recorded["outputs"], "loss": recorded["outputs"]["loss"]
                                       * (1 + 1e-8)}}  # fmt: skip
    with pytest.raises(AssertionError):
        assert_same(changed, recorded, "mse")
