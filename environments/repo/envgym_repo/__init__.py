"""envgym/Repo-v0: repository-level coding tasks solved with shell and edit tools, judged by hidden tests."""
