from buildplan.graph import topo_order


def plan(targets, deps):
    """The build order for ``targets``: them and everything they need, dependencies first."""
    needed, stack = set(), list(targets)
    while stack:
        node = stack.pop()
        if node not in needed:
            needed.add(node)
            stack.extend(deps.get(node, ()))
    return [n for n in topo_order({n: deps.get(n, []) for n in needed}) if n in needed]
