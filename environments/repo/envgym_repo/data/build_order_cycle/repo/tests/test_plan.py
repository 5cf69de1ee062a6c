from buildplan import plan, topo_order


def test_dependencies_first():
    deps = {"app": ["lib", "assets"], "lib": ["core"], "tests": ["app"]}
    assert plan(["app"], deps) == ["assets", "core", "lib", "app"]


def test_topo_order_includes_leaves():
    assert topo_order({"b": ["a"]}) == ["a", "b"]
