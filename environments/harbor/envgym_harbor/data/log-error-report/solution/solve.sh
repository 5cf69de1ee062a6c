#!/bin/bash
cd /app
python3 - <<'PY'
import collections, glob, json
errors = collections.Counter()
for path in sorted(glob.glob("logs/*.log")):
    for line in open(path):
        parts = line.split()
        if len(parts) >= 3 and parts[1] == "ERROR":
            errors[parts[2].rstrip(":")] += 1
json.dump({"errors": dict(errors), "total": sum(errors.values())}, open("report.json", "w"))
PY
