#!/usr/bin/env bash
# One-step set-up on a fresh Debian/Ubuntu machine: system libraries (OpenBLAS, LAPACKE, a C
# toolchain) when missing, npm dependencies, and the build (native addon + TypeScript).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-system.sh
npm ci --no-audit --no-fund --loglevel=notice
npm run build:ts
