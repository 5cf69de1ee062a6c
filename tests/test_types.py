import dataclasses

import pytest

from envgym import Cost, Message, Provenance, Verdict


def test_message_round_trips_and_rejects_bad_roles():
    m = Message("tool", "42", name="calculator", tool_call_id="c1")
    assert Message.from_dict(m.to_dict()) == m
    assert Message("user", "hi").to_dict() == {"role": "user", "content": "hi"}
    with pytest.raises(ValueError, match="role"):
        Message.from_dict({"role": "robot", "content": "x"})
    with pytest.raises(ValueError, match="content"):
        Message.from_dict({"role": "user", "content": 3})


def test_data_is_frozen():
    v = Verdict.fail("no answer", extracted=None)
    assert (v.reward, v.correct, v.reason, v.details) == (0.0, False, "no answer", {"extracted": None})
    with pytest.raises(dataclasses.FrozenInstanceError):
        v.reward = 1.0  # type: ignore[misc]


def test_provenance_requires_its_identifying_field():
    assert Provenance("on_policy", policy_id="tiny", policy_version=3).policy_version == 3
    with pytest.raises(ValueError, match="policy_id"):
        Provenance("on_policy")
    with pytest.raises(ValueError, match="source"):
        Provenance("off_policy")
    with pytest.raises(ValueError, match="teacher_id"):
        Provenance("teacher")
    with pytest.raises(ValueError, match="kind"):
        Provenance("mystery", source="x")  # type: ignore[arg-type]


def test_costs_add_up():
    total = Cost(10, 5, 1, 0, 0.5) + Cost(3, 2, 1, 2, 0.25)
    assert total == Cost(13, 7, 2, 2, 0.75)
