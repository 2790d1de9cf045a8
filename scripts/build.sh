#!/usr/bin/env bash
# Configures and builds Flotilla into build/ (binary: build/bin/flotilla). Idempotent.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
jobs="${FLOTILLA_JOBS:-$(nproc)}"
default_type=RelWithDebInfo
# CI builds without debug info: a third less compile time on two cores.
if [ "${CI:-}" = "true" ]; then default_type=Release; fi
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE="${FLOTILLA_BUILD_TYPE:-$default_type}" >/dev/null
ninja -C build -j "$jobs" "$@"
