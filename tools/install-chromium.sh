#!/usr/bin/env bash
# Chromium for the report test of @molap/analysis (headless, driven by playwright-core). Uses a Chromium
# already installed, otherwise installs Debian's chromium (root only); the test skips when none is found.
set -euo pipefail
for browser in "${CHROMIUM_PATH:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
  if [ -n "$browser" ] && [ -x "$browser" ]; then
    echo "Chromium found: $browser"
    exit 0
  fi
done
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  echo "installed $(/usr/bin/chromium --version 2>/dev/null || echo chromium)"
else
  echo "Chromium is missing: run 'sudo apt-get install chromium' (or set CHROMIUM_PATH)" >&2
  exit 1
fi
