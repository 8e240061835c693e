#!/usr/bin/env bash
# Set up cmacourse on a fresh machine and build the flagship course into every format.
# Usage: bash scripts/build-all.sh [OUT]   (default OUT: out/)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="$ROOT/.venv"
if [[ ! -x "$VENV/bin/python" ]]; then
    "${PYTHON:-python3}" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet -e .
"$VENV/bin/cmacourse" validate course_content
"$VENV/bin/cmacourse" build course_content --format all --out "${1:-out}"
