class CycleError(ValueError):
    """The dependencies form a cycle."""


def topo_order(deps):
    """The nodes of ``deps`` ({node: [nodes it depends on]}), each after its dependencies;
    ties in name order. Nodes only named as dependencies are included."""
    nodes = set(deps) | {d for ds in deps.values() for d in ds}
    waiting = {n: set(deps.get(n, ())) for n in nodes}
    order = []
    ready = sorted(n for n, ds in waiting.items() if not ds)
    while ready:
        node = ready.pop(0)
        order.append(node)
        for other, ds in waiting.items():
            if node in ds:
                ds.discard(node)
                if not ds:
                    ready.append(other)
        ready.sort()
    return order
