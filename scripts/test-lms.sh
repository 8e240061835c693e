#!/usr/bin/env bash
# The Moodle suite (tests/lms): set Moodle up (scripts/setup-moodle.sh), then import, play and grade
# the flagship packages in it. The main suite (scripts/test.sh) leaves tests/lms out.
# Usage: bash scripts/test-lms.sh [pytest arguments]     (MOODLE_TARBALL: see setup-moodle.sh)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/test-venv.sh"
bash "$ROOT/scripts/setup-moodle.sh"
# The cluster runs only while the suite does.
trap 'bash "$ROOT/scripts/setup-moodle.sh" stop' EXIT
# pyproject's addopts ignore tests/lms for the main suite; here the same options without that.
"$VENV/bin/python" -m pytest -o addopts="-ra --strict-markers" tests/lms "$@"
