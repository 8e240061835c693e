#!/usr/bin/env bash
# Set up everything the tests need on a fresh machine, then run the whole suite.
# Usage: bash scripts/test.sh [pytest arguments]
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/test-venv.sh"
PYTHON="$PYTHON" bash "$ROOT/scripts/setup-tests.sh"

exec "$VENV/bin/python" -m pytest "$@"
