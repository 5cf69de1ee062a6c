"""envgym/Harbor-v0: tasks in Harbor's (Terminal-Bench 2's) directory layout, run with shell and edit tools."""
