# Sourced by scripts/test.sh and scripts/test-lms.sh: the project's virtualenv (.venv), made if missing,
# with the package (editable) and its test extras installed. Sets ROOT, PYTHON and VENV; leaves the
# working directory at the repository root.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3}"
VENV="$ROOT/.venv"

if [[ ! -x "$VENV/bin/python" ]]; then
    "$PYTHON" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet -e ".[test]"
