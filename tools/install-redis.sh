#!/usr/bin/env bash
# Redis for the tests of @molap/distributed (each test starts its own redis-server on a free port, with
# persistence off). Uses a redis-server already installed, otherwise installs Debian's redis-server (root
# only); the tests skip with a message when none is found. Idempotent.
set -euo pipefail
for server in "${REDIS_SERVER:-}" redis-server /usr/bin/redis-server; do
  if [ -n "$server" ] && command -v "$server" >/dev/null 2>&1; then
    echo "redis-server found: $("$server" --version)"
    exit 0
  fi
done
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  echo "installed $(/usr/bin/redis-server --version)"
else
  echo "redis-server is missing: run 'sudo apt-get install redis-server' (or set REDIS_SERVER)" >&2
  exit 1
fi
