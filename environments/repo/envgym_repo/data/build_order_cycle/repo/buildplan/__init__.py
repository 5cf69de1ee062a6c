"""buildplan: the order to build targets in, from their dependencies."""
from buildplan.graph import CycleError, topo_order
from buildplan.plan import plan

__all__ = ["CycleError", "plan", "topo_order"]
