#!/usr/bin/env bash
# Lighthouse mobile scores of the demo site: installs Lighthouse 12 (npm registry) under bench/.lighthouse once.
set -euo pipefail
cd "$(dirname "$0")/.."
LH_DIR=bench/.lighthouse
if [ ! -x "$LH_DIR/node_modules/.bin/lighthouse" ]; then
  npm install --silent --no-audit --no-fund --prefix "$LH_DIR" lighthouse@12
fi
exec .venv/bin/python bench/lighthouse.py --lighthouse "$LH_DIR/node_modules/.bin/lighthouse" "$@"
