#!/usr/bin/env bash
# Runs every test from a fresh Debian machine: installs what is missing, then the suite.
# Ends with the plain line "N passed, N failed" that CI reads.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v ffmpeg >/dev/null 2>&1 || missing+=(ffmpeg)
command -v ffprobe >/dev/null 2>&1 || missing+=(ffmpeg)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# npm ci refuses a lock that lacks some optional platform builds (biome's and msgpackr's for macOS/Windows),
# which a partial registry mirror leaves out; npm install then installs the same locked versions.
if ! npm ci --no-fund --no-audit --loglevel=error 2>/dev/null; then
  echo "npm ci refused the lock (optional platform builds missing from the registry); installing the locked versions with npm install"
  npm install --no-fund --no-audit --loglevel=error
fi
npx tsc --noEmit
npx biome check .

results="$(mktemp -d)/vitest.json"
set +e
npx vitest run --reporter=default --reporter=json --outputFile.json="$results"
status=$?
set -e
node scripts/summarize-tests.mjs "$results"
exit $status
