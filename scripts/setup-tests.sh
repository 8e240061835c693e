#!/usr/bin/env bash
# Install the peers used by tests/browser: Debian's Chromium, the npm peers
# (scorm-again, axe-core) and the Ralph xAPI LRS in its own virtualenv.
# Idempotent: every step checks first and only installs what is missing.
#
# Python Playwright and pytest come from the project's own test extras; the
# browser Playwright drives is /usr/bin/chromium (never `playwright install`).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PEERS_DIR="$ROOT/tests/peers"
LRS_VENV="$ROOT/.venv-lrs"
PYTHON="${PYTHON:-python3}"
RALPH_VERSION="5.1.0"
# ralph.api imports `requests` (OIDC auth) although the `lrs` extra does not list it.
RALPH_REQUIREMENTS=("ralph-malph[cli,lrs]==$RALPH_VERSION" "requests==2.34.2")

log() { printf '[setup-tests] %s\n' "$*"; }

as_root() {
    if [[ $(id -u) -eq 0 ]]; then
        "$@"
    else
        sudo "$@"
    fi
}

install_chromium() {
    if [[ -x /usr/bin/chromium && -x /usr/bin/chromedriver ]]; then
        log "chromium present: $(/usr/bin/chromium --version 2>/dev/null || true)"
        return
    fi
    log "installing Debian chromium and chromium-driver"
    as_root apt-get update
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium chromium-driver
}

install_npm_peers() {
    log "installing npm peers in tests/peers (npm ci)"
    (cd "$PEERS_DIR" && npm ci --no-audit --no-fund)
}

# Exact versions of everything in .venv-lrs, as resolved for Ralph $RALPH_VERSION.
write_lrs_constraints() {
    cat >"$1" <<'EOF'
annotated-types==0.8.0
anyio==4.16.0
bcrypt==4.2.0
cachetools==5.5.0
certifi==2026.10.19.post1
charset-normalizer==3.5.2
click==8.2.0
click-option-group==0.5.9
dnspython==2.9.2
ecdsa==0.19.2
email-validator==2.4.0
fastapi==0.114.2
h11==0.16.0
httpcore==1.0.9
httptools==0.9.0
httpx==0.28.1
idna==3.20
importlib-metadata==8.5.0
langcodes==3.5.1
pyasn1==0.6.5
pydantic==2.14.4
pydantic-core==2.50.5
pydantic-settings==2.16.3
python-dotenv==1.2.4
python-jose==3.3.0
pyyaml==6.0.4
ralph-malph==5.1.0
requests==2.34.2
rfc3987==1.3.8
rsa==4.9.1
sentry-sdk==2.14.0
six==1.17.0
starlette==0.38.6
typing-extensions==4.16.0
typing-inspection==0.4.5
urllib3==2.8.0
uvicorn==0.30.6
uvloop==0.23.0
watchfiles==1.3.0
websockets==17.4
zipp==4.1.2
EOF
}

lrs_ready() {
    [[ -x "$LRS_VENV/bin/python" ]] || return 1
    "$LRS_VENV/bin/python" - "$RALPH_VERSION" <<'EOF' >/dev/null 2>&1
import sys
from importlib.metadata import version

import bcrypt, fastapi, requests, uvicorn  # noqa: F401  (imports ralph.api needs)

sys.exit(version("ralph-malph") != sys.argv[1])
EOF
}

install_lrs() {
    if lrs_ready; then
        log "Ralph LRS $RALPH_VERSION present in .venv-lrs"
        return
    fi
    log "installing Ralph LRS $RALPH_VERSION into .venv-lrs"
    rm -rf "$LRS_VENV"
    "$PYTHON" -m venv "$LRS_VENV"
    local constraints
    constraints="$(mktemp)"
    write_lrs_constraints "$constraints"
    "$LRS_VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
        -c "$constraints" "${RALPH_REQUIREMENTS[@]}"
    rm -f "$constraints"
    lrs_ready || { log "Ralph LRS install check failed"; exit 1; }
}

main() {
    install_chromium
    install_npm_peers
    install_lrs
    log "done"
}

main "$@"
