#!/bin/bash
# Runs the checks in test_outputs.py against /app and writes the reward Harbor reads.
mkdir -p /logs/verifier
cd /app
if pytest -q -p no:cacheprovider /tests/test_outputs.py; then
  echo 1 > /logs/verifier/reward.txt
else
  echo 0 > /logs/verifier/reward.txt
fi
