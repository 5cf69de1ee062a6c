"""Templates written by `envgym new`."""
