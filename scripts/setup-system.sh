#!/usr/bin/env bash
# Installs the system libraries locedit's native addon links against (OpenBLAS, LAPACKE) and the
# compiler toolchain node-gyp needs, when missing. Debian/Ubuntu (apt-get); needs root or sudo.
set -euo pipefail

missing=()
for pkg in libopenblas-dev liblapacke-dev g++ make python3; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  SUDO="sudo"
else
  echo "locedit needs these system packages: ${missing[*]}" >&2
  echo "Install them as root:  sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "No apt-get here: install OpenBLAS and LAPACKE development files (${missing[*]}) with your package manager." >&2
  exit 1
fi
echo "installing ${missing[*]}" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
