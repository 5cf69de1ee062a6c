#!/usr/bin/env bash
# System packages and services the tests use, installed and started when missing (as root):
#   chromium    renders the HTML report (tests/test_report.py)
#   bubblewrap  the default sandbox (envgym/sandbox/bwrap.py)
#   docker.io   the docker sandbox; its engine is started here, offline (vfs storage, no bridge)
# Without root, it says what is missing; the tests that need it then say so too.
set -uo pipefail

need=()
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || need+=(chromium)
command -v bwrap >/dev/null 2>&1 || need+=(bubblewrap)
command -v dockerd >/dev/null 2>&1 || need+=(docker.io)

if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "installing ${need[*]}"
    apt-get install -y -q "${need[@]}" >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q "${need[@]}" >/dev/null; } \
      || echo "warning: could not install ${need[*]}"
  else
    echo "warning: missing ${need[*]} (apt-get install ${need[*]} as root)"
  fi
fi

# The Docker engine: started once, left running (its socket is how the tests find it).
if command -v dockerd >/dev/null 2>&1 && ! docker version >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    echo "starting dockerd (log: /tmp/envgym-dockerd.log)"
    nohup setsid dockerd --storage-driver=vfs --iptables=false --bridge=none >/tmp/envgym-dockerd.log 2>&1 &
    for _ in $(seq 60); do docker version >/dev/null 2>&1 && break; sleep 0.5; done
    docker version >/dev/null 2>&1 || { echo "warning: dockerd did not start:"; tail -5 /tmp/envgym-dockerd.log; }
  else
    echo "warning: no Docker engine answers; start one: dockerd --storage-driver=vfs --iptables=false --bridge=none &"
  fi
fi
exit 0
