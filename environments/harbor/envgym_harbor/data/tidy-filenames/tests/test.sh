#!/bin/bash
# Each renamed file must exist with its original content, and nothing else may be in the inbox.
mkdir -p /logs/verifier
cd /app/inbox || { echo 0 > /logs/verifier/reward.txt; exit 0; }
ok=1
check() { [ -f "$1" ] && [ "$(cat "$1")" = "$2" ] || { echo "wrong or missing: $1"; ok=0; }; }
check q3_report_final.txt "quarterly numbers"
check meeting_notes.md "meeting at noon"
check todo.txt "already tidy"
check budget_2024_draft.csv "$(printf 'a,b\n1,2')"
[ "$(ls -A | wc -l)" -eq 4 ] || { echo "the inbox holds $(ls -A | wc -l) entries, not 4"; ok=0; }
echo $ok > /logs/verifier/reward.txt
