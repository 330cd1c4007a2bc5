#!/usr/bin/env bash
# NumPy for the .npz interop tests of @molap/tasks. Uses python3's NumPy when it has one, otherwise
# installs Debian's python3-numpy (root only; the tests look at python3, then /usr/bin/python3).
set -euo pipefail
for python in python3 /usr/bin/python3; do
  if command -v "$python" >/dev/null 2>&1 && "$python" -c 'import numpy' 2>/dev/null; then
    echo "NumPy found for $python"
    exit 0
  fi
done
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-numpy >/dev/null
  /usr/bin/python3 -c 'import numpy; print("NumPy", numpy.__version__, "installed for /usr/bin/python3")'
else
  echo "NumPy is missing: run 'sudo apt-get install python3-numpy' (or 'pip install numpy')" >&2
  exit 1
fi
