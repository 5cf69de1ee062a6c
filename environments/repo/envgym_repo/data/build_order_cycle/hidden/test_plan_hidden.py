from observe import observe, observe_raises
from buildplan import plan, topo_order


def test_two_node_cycle_raises_with_path():
    observe_raises(lambda: plan(["app"], {"app": ["lib"], "lib": ["app"]}), match=r"app -> lib -> app|lib -> app -> lib")


def test_longer_cycle_named_in_order():
    deps = {"a": ["b"], "b": ["c"], "c": ["a"], "d": []}
    error = observe_raises(lambda: topo_order(deps))
    cycle = str(error).split(": ", 1)[1].split(" -> ")
    observe(cycle[0] == cycle[-1])
    ring = cycle[:-1]
    start = ring.index(min(ring))
    observe(ring[start:] + ring[:start])  # the cycle read from its smallest name: any starting point will do
    observe([y in deps[x] for x, y in zip(cycle, cycle[1:])])


def test_no_false_alarm_and_self_loop():
    observe(plan(["d"], {"d": ["b", "c"], "b": ["a"], "c": ["a"]}))
    observe_raises(lambda: plan(["x"], {"x": ["x"]}))
