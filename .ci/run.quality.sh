#!/usr/bin/env bash
# Install what the quality gates (tests/quality) need: Debian's Chromium, Japanese fonts and a
# Java runtime and Node.js from apt (only those missing), then the npm packages of package-lock.json.
# Idempotent and quiet: prints only what it installs, or the log of a step that failed.
set -euo pipefail
cd "$(dirname "$0")/.."

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
run_quietly() {
  if ! "$@" >"$log" 2>&1; then
    echo "run.quality.sh: '$*' failed:" >&2
    cat "$log" >&2
    exit 1
  fi
}

installed() {
  [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

missing=()
for package in chromium fonts-ipafont-gothic; do
  installed "$package" || missing+=("$package")
done
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)

if [ "${#missing[@]}" -gt 0 ]; then
  echo "run.quality.sh: apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  run_quietly apt-get update -qq
  run_quietly apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Pagefind, vnu-jar and axe-core from package-lock.json, as `make html` installs them (no
# install scripts: vnu-jar's postinstall would download a Java runtime; the system one is used).
run_quietly make --no-print-directory node_modules/.installed
