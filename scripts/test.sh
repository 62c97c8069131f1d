#!/usr/bin/env bash
# Runs every test from a fresh Debian machine: installs what is missing, then the suite.
# Ends with the plain line "N passed, N failed" that CI reads.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v ffmpeg >/dev/null 2>&1 || missing+=(ffmpeg)
command -v ffprobe >/dev/null 2>&1 || missing+=(ffmpeg)
# Title fonts for the local engine's drawtext: Latin, and Chinese.
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf ] || missing+=(fonts-dejavu-core)
[ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || missing+=(fonts-wqy-microhei)
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# The image check (test/ops/image.test.ts) builds the Dockerfile with buildah through the shared image.sh (no
# Docker engine runs here): install buildah and make the stand-in base image up front, as root only.
IMAGE_SH="${IMAGE_SH:-$(pwd)/../shared/tools/image.sh}"
if [ -f "$IMAGE_SH" ] && [ "$(id -u)" -eq 0 ]; then
  if ! command -v buildah >/dev/null 2>&1 || ! command -v debootstrap >/dev/null 2>&1 || ! command -v podman >/dev/null 2>&1; then
    echo "installing: buildah debootstrap podman"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq buildah debootstrap podman >/dev/null
  fi
  bash "$IMAGE_SH" base
  export IMAGE_SH
fi

# Only npm ci: a lock it refuses must fail here, as it fails for a user and in docker build.
npm ci --no-fund --no-audit --loglevel=error
# The real ADK API server the conformance tests run against: its own package (~300 MB), kept out of the app's.
npm ci --prefix test/adk --no-fund --no-audit --loglevel=error
npx tsc --noEmit
npx biome check .

results="$(mktemp -d)/vitest.json"
# Figures of the property tests, the fault matrix and the bounds, and every log line, for test/FAULTS.md.
FAULT_RESULTS_DIR="$(mktemp -d)"
export FAULT_RESULTS_DIR
set +e
npx vitest run --reporter=default --reporter=json --outputFile.json="$results"
status=$?
# Renders test/FAULTS.md and scans the logs for secrets; a nonzero count fails the run as one more failure.
node scripts/faults-report.mjs "$FAULT_RESULTS_DIR" test/FAULTS.md
report=$?
set -e
[ $report -ne 0 ] && status=1
node scripts/summarize-tests.mjs "$results" "$report"
exit $status
