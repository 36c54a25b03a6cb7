#!/usr/bin/env bash
# The project's test command (`npm test`, also run by CI through .ci/run): makes sure the test
# services can be started, runs the quality gates, then the suite. PostgreSQL and Dovecot are
# started by vitest's globalSetup (test/global-setup.ts), so `npx vitest run <file>` works too.
# Arguments are passed to `vitest run`.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }
fail() {
  printf '\nnpm test FAILED: %s\n' "$*" >&2
  exit 1
}

ensure_postgres() {
  if [ -z "${SENIM_PG_BIN:-}" ] && ! compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; then
    fail "PostgreSQL server binaries not found: install postgresql-15 (or set SENIM_PG_BIN)"
  fi
}

ensure_dovecot() {
  command -v dovecot >/dev/null && return
  [ "$(id -u)" -eq 0 ] || fail "Dovecot is not installed: sudo apt-get install dovecot-imapd"
  step "Installing dovecot-imapd"
  # The package would start a system Dovecot listening on every interface. Our tests run their
  # own instance (own config, port and base_dir), so forbid service starts during the install.
  local policy=/usr/sbin/policy-rc.d added_policy=
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && added_policy=1
  fi
  local status=0
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dovecot-imapd \
    >/dev/null; } || status=$?
  [ -n "$added_policy" ] && rm -f "$policy"
  [ "$status" -eq 0 ] || fail "could not install dovecot-imapd (apt-get exit $status)"
  if command -v systemctl >/dev/null; then systemctl disable --now dovecot.service >/dev/null 2>&1 || true; fi
  # Belt and braces: a system Dovecot that got started anyway is ours to stop.
  if [ -s /run/dovecot/master.pid ]; then doveadm stop >/dev/null 2>&1 || true; fi
  command -v dovecot >/dev/null || fail "dovecot-imapd installed but no dovecot binary on PATH"
}

gate() {
  local name=$1
  shift
  step "$name: $*"
  "$@" || fail "$name ($*)"
}

ensure_postgres
ensure_dovecot
gate typecheck npx tsc --noEmit
gate lint npx eslint .
gate format npx prettier --check .
gate build npm run build
mkdir -p .tmp
gate tests npx vitest run --reporter=default --reporter=json --outputFile.json=.tmp/vitest-results.json "$@"
# The plain closing line CI reads: counts from vitest's own JSON report.
node -e 'const r = require("./.tmp/vitest-results.json");
  console.log(`\n${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);'
printf 'npm test passed\n'
