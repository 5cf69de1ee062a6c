#!/bin/bash
cd /app/inbox
for f in *; do
  new=$(printf '%s' "$f" | tr '[:upper:]' '[:lower:]' | tr -s ' ' '_')
  [ "$f" = "$new" ] || mv -- "$f" "$new"
done
