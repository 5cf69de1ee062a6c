#!/bin/bash
# The file must hold exactly "Hello, world!" and a newline.
mkdir -p /logs/verifier
if [ -f /app/hello.txt ] && [ "$(od -c /app/hello.txt | head -n 2)" = "$(printf 'Hello, world!\n' | od -c | head -n 2)" ]; then
  echo 1 > /logs/verifier/reward.txt
else
  echo 0 > /logs/verifier/reward.txt
fi
