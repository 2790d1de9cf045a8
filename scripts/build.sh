#!/usr/bin/env bash
# Configures and builds Flotilla into build/ (binary: build/bin/flotilla). Idempotent.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
jobs="${FLOTILLA_JOBS:-$(nproc)}"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE="${FLOTILLA_BUILD_TYPE:-RelWithDebInfo}" >/dev/null
ninja -C build -j "$jobs" "$@"
