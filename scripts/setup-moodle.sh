#!/usr/bin/env bash
# Set up the Moodle that tests/lms imports, plays and grades packages in; idempotent, seconds when done.
#
#   MOODLE_TARBALL  the Moodle source tarball (default: ../shared/moodle/moodle-5.0.6plus.tar.xz
#                   beside the checkout), unpacked once into .moodle/moodle
#   MOODLE_PGDATA   where the private PostgreSQL cluster lives (default: .moodle/pgdata, or a folder
#                   under /var/tmp when the postgres user cannot reach the checkout)
#
# `setup-moodle.sh stop` stops the cluster (scripts/test-lms.sh does when its suite ends).
#
# Everything lives in the git-ignored .moodle/ folder of the checkout: the code (its config.php is ours),
# the data folder, PHP's settings for it and the cluster. PostgreSQL runs as the postgres user on
# 127.0.0.1 only, on a port free when the cluster starts (.moodle/pgport); the cluster is left running.
# The web server for the browser tests is started by the tests themselves (tests/lms/moodle.py).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="$ROOT/.moodle"
TARBALL="${MOODLE_TARBALL:-$ROOT/../shared/moodle/moodle-5.0.6plus.tar.xz}"
CODE="$STATE/moodle"
DATA="$STATE/data"
PHP_INI_DIR="$STATE/php"
PORT_FILE="$STATE/pgport"
DB_NAME=moodle
DB_USER=moodle
ADMIN_PASSWORD='Admin-pass-1'
PHP_PACKAGES=(php8.2-cli php8.2-pgsql php8.2-xml php8.2-mbstring php8.2-zip php8.2-gd php8.2-intl php8.2-curl php8.2-soap)
PHP_EXTENSIONS=(pgsql dom xml mbstring zip gd intl curl soap)

say() { printf 'setup-moodle: %s\n' "$*"; }
die() { printf 'setup-moodle: error: %s\n' "$*" >&2; exit 1; }

# ------------------------------------------------------------------ Debian packages (PHP, PostgreSQL)
missing_packages() {
    local installed
    installed="$(php -m 2>/dev/null | tr 'A-Z' 'a-z' || true)"
    for extension in "${PHP_EXTENSIONS[@]}"; do
        grep -qx "$extension" <<<"$installed" || { echo php; return; }
    done
    compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || echo postgresql
}
as_root() { if [[ "$(id -u)" == 0 ]]; then "$@"; else sudo "$@"; fi; }
if [[ -n "$(missing_packages)" ]]; then
    say "installing ${PHP_PACKAGES[*]} postgresql"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
        "${PHP_PACKAGES[@]}" postgresql >/dev/null
    [[ -z "$(missing_packages)" ]] || die "PHP extensions still missing after apt-get: need ${PHP_EXTENSIONS[*]}"
fi
PG_BIN="$(dirname "$(compgen -G '/usr/lib/postgresql/*/bin/initdb' | sort -V | tail -n 1)")"
mkdir -p "$STATE"
# PostgreSQL refuses to run as root: root runs it as the postgres user, anyone else as themselves.
if [[ "$(id -u)" == 0 ]]; then
    as_postgres() { runuser -u postgres -- "$@"; }
else
    as_postgres() { "$@"; }
fi
PGDATA="${MOODLE_PGDATA:-$STATE/pgdata}"
if [[ -z "${MOODLE_PGDATA:-}" ]] && ! as_postgres test -x "$STATE"; then
    # The postgres user cannot enter this checkout (e.g. one under /root).
    PGDATA="/var/tmp/cmacourse-moodle-$(printf '%s' "$ROOT" | sha1sum | cut -c1-12)/pgdata"
fi
if [[ "${1:-}" == stop ]]; then
    if as_postgres "$PG_BIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
        as_postgres "$PG_BIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null
        say "PostgreSQL stopped"
    fi
    exit 0
fi

# ------------------------------------------------------------------ the Moodle code, unpacked once
[[ -f "$TARBALL" ]] || die "Moodle tarball not found at $TARBALL (set MOODLE_TARBALL)"
TARBALL_ID="$(stat -c '%s %Y' "$TARBALL") $(basename "$TARBALL")"
if [[ ! -f "$CODE/.unpacked-from" || "$(cat "$CODE/.unpacked-from")" != "$TARBALL_ID" ]]; then
    say "unpacking $TARBALL"
    rm -rf "$CODE" "$STATE/unpacking" "$DATA" "$STATE/installed"
    mkdir -p "$STATE/unpacking"
    tar -xJf "$TARBALL" -C "$STATE/unpacking"
    [[ -f "$STATE/unpacking/moodle/version.php" ]] || die "$TARBALL holds no moodle/version.php"
    mv "$STATE/unpacking/moodle" "$CODE"
    rmdir "$STATE/unpacking"
    echo "$TARBALL_ID" >"$CODE/.unpacked-from"
fi

# ------------------------------------------------------------------ PHP settings for Moodle's processes
# Read through PHP_INI_SCAN_DIR by this script and by tests/lms (a leading ':' keeps Debian's own folder).
mkdir -p "$PHP_INI_DIR" "$STATE/opcache"
cat >"$PHP_INI_DIR/moodle.ini" <<INI
; Moodle 5.0 requires max_input_vars >= 5000; the installer and restores need more than 128M.
max_input_vars = 5000
memory_limit = -1
display_errors = stderr
error_reporting = E_ALL
; Moodle compiles thousands of files per process: keep the compiled code between CLI processes.
opcache.enable_cli = 1
opcache.file_cache = $STATE/opcache
opcache.file_cache_only = 1
INI
export PHP_INI_SCAN_DIR=":$PHP_INI_DIR"

# ------------------------------------------------------------------ config.php (ours; Moodle's installer reads it)
cat >"$CODE/config.php" <<'PHP'
<?php
// Written by scripts/setup-moodle.sh for the test suite in tests/lms; never for a production site.
unset($CFG);
global $CFG;
$CFG = new stdClass();
$state = dirname(__DIR__);
$CFG->dbtype = 'pgsql';
$CFG->dblibrary = 'native';
$CFG->dbhost = '127.0.0.1';
$CFG->dbname = 'moodle';
$CFG->dbuser = 'moodle';
$CFG->dbpass = 'moodle';
$CFG->prefix = 'mdl_';
$CFG->dboptions = ['dbport' => (int) trim((string) @file_get_contents($state . '/pgport'))];
// The tests start PHP's web server on a port free at the time and say so here.
$CFG->wwwroot = getenv('CMACOURSE_MOODLE_WWWROOT') ?: 'http://127.0.0.1';
$CFG->dataroot = $state . '/data';
$CFG->admin = 'admin';
$CFG->directorypermissions = 02777;
// Every PHP notice and Moodle debugging message shown: the tests count each one as a failure.
$CFG->debug = E_ALL; // DEBUG_DEVELOPER, which lib/setuplib.php defines only after this file
$CFG->debugdisplay = 1;
// On web pages a debugging message becomes a PHP notice, so that the web server's error log has it too.
$CFG->debug_developer_debugging_as_error = true;
$CFG->noemailever = true;
$CFG->passwordpolicy = 0;
$CFG->lang = 'en';
require_once(__DIR__ . '/lib/setup.php');
PHP
mkdir -p "$DATA"

# ------------------------------------------------------------------ the private PostgreSQL cluster
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
if [[ ! -f "$PGDATA/PG_VERSION" ]]; then
    say "creating a PostgreSQL cluster in $PGDATA"
    mkdir -p "$PGDATA"
    [[ "$(id -u)" != 0 ]] || chown postgres:postgres "$PGDATA"
    chmod 700 "$PGDATA"
    as_postgres "$PG_BIN/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    # A throw-away test database: durability traded for speed.
    cat >>"$PGDATA/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 128MB
CONF
    rm -f "$STATE/installed"
fi
psql_admin() { psql -X -q -h 127.0.0.1 -p "$(cat "$PORT_FILE")" -U postgres -v ON_ERROR_STOP=1 "$@"; }
if ! as_postgres "$PG_BIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
    free_port >"$PORT_FILE"
    say "starting PostgreSQL on 127.0.0.1:$(cat "$PORT_FILE")"
    as_postgres "$PG_BIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w -t 60 \
        -o "-p $(cat "$PORT_FILE")" start >/dev/null || die "PostgreSQL did not start: see $PGDATA/server.log"
fi
if [[ -z "$(psql_admin -d postgres -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$DB_USER'")" ]]; then
    psql_admin -d postgres -c "CREATE ROLE $DB_USER LOGIN PASSWORD 'moodle'"
fi
if [[ -z "$(psql_admin -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" ]]; then
    psql_admin -d postgres -c "CREATE DATABASE $DB_NAME OWNER $DB_USER ENCODING 'UTF8' TEMPLATE template0"
    rm -f "$STATE/installed"
fi

# ------------------------------------------------------------------ the site, installed by Moodle's CLI installer
site_installed() {
    [[ -f "$STATE/installed" ]] && [[ -n "$(psql_admin -d "$DB_NAME" -tAc \
        "SELECT value FROM mdl_config WHERE name = 'version'" 2>/dev/null || true)" ]]
}
if ! site_installed; then
    say "installing Moodle (several minutes)"
    # A half-finished earlier install leaves tables and files behind: start both afresh.
    psql_admin -d postgres -c "DROP DATABASE IF EXISTS $DB_NAME" \
        -c "CREATE DATABASE $DB_NAME OWNER $DB_USER ENCODING 'UTF8' TEMPLATE template0"
    rm -rf "$DATA" && mkdir -p "$DATA"
    # install_database.php is the installer's database step, for a site whose config.php exists
    # (install.php would write its own config.php). Unlimited memory_limit (moodle.ini): the
    # installer can exhaust 2 GB once every plugin is installed.
    (cd "$CODE" && php admin/cli/install_database.php --agree-license --lang=en \
        --adminuser=admin --adminpass="$ADMIN_PASSWORD" --adminemail=admin@example.com \
        --fullname="cmacourse test site" --shortname=cmacourse >"$STATE/install.log" 2>&1) \
        || { tail -n 30 "$STATE/install.log" >&2; die "Moodle's installer failed: see $STATE/install.log"; }
    grep -q 'Installation completed successfully' "$STATE/install.log" \
        || { tail -n 30 "$STATE/install.log" >&2; die "Moodle's installer did not finish: see $STATE/install.log"; }
    date -u +%FT%TZ >"$STATE/installed"
fi
say "Moodle $(sed -n "s/^\$release *= *'\([^']*\)'.*/\1/p" "$CODE/version.php") ready (PostgreSQL on 127.0.0.1:$(cat "$PORT_FILE"))"
