#!/usr/bin/env bash
# The README's "run all tests" command: installs dependencies, builds everything and runs the whole
# suite (unit, integration and end-to-end tests) with ctest, printing ctest's summary.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
bash scripts/install-deps.sh
bash scripts/build.sh
export PATH="$here/.tools/bin:$PATH"
jobs="${FLOTILLA_TEST_JOBS:-$(nproc)}"
# Tests start servers on ports chosen at run time, so they can run in parallel.
ctest --test-dir build --output-on-failure -j "$jobs" --timeout 900 "$@"
