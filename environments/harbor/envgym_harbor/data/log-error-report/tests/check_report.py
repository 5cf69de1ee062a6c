"""Three checks on /app/report.json; reward 1 only when all pass."""

import json

EXPECTED = {"api": 2, "auth": 1, "worker": 2, "db": 1}
checks = {"parses": False, "errors": False, "total": False}
try:
    with open("/app/report.json") as f:
        report = json.load(f)
    checks["parses"] = isinstance(report, dict)
    checks["errors"] = report.get("errors") == EXPECTED
    checks["total"] = report.get("total") == sum(EXPECTED.values())
except (OSError, ValueError, AttributeError) as e:
    print("report.json:", e)
passed = sum(checks.values())
print(checks)
with open("/logs/verifier/reward.json", "w") as f:
    json.dump({"reward": 1.0 if passed == len(checks) else 0.0, "checks_passed": passed}, f)
