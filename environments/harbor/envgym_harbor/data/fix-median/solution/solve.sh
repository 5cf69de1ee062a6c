#!/bin/bash
cd /app
python3 - <<'PY'
from pathlib import Path
path = Path("stats.py")
text = path.read_text()
old = """    middle = len(values) // 2
    if len(values) % 2:
        return values[middle]
    return (values[middle] + values[middle + 1]) / 2
"""
new = """    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2
"""
assert old in text
path.write_text(text.replace(old, new))
PY
