"""The module named by this package's ``envgym`` entry point.

envgym-trl registers no environment or component: what it offers (reward functions, a dataset
builder, a rollout function) are objects TRL takes, not parts envgym looks up by name. The entry
point is there so that ``envgym plugins`` shows the integration is installed, and which version;
importing this module imports neither TRL nor torch.
"""
