import pytest
from buildplan import CycleError, plan, topo_order


def test_two_node_cycle_raises_with_path():
    with pytest.raises(CycleError, match=r"app -> lib -> app|lib -> app -> lib"):
        plan(["app"], {"app": ["lib"], "lib": ["app"]})


def test_longer_cycle_named_in_order():
    deps = {"a": ["b"], "b": ["c"], "c": ["a"], "d": []}
    with pytest.raises(CycleError) as info:
        topo_order(deps)
    message = str(info.value)
    cycle = message.split(": ", 1)[1].split(" -> ")
    assert cycle[0] == cycle[-1] and sorted(cycle[:-1]) == ["a", "b", "c"]
    for x, y in zip(cycle, cycle[1:]):
        assert y in deps[x]


def test_no_false_alarm_and_self_loop():
    assert plan(["d"], {"d": ["b", "c"], "b": ["a"], "c": ["a"]}) == ["a", "b", "c", "d"]
    with pytest.raises(CycleError):
        plan(["x"], {"x": ["x"]})
