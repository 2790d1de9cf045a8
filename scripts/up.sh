#!/usr/bin/env bash
# The README's "run the main job" command: installs dependencies, builds, and starts a whole
# federation on this machine with the bundled example (examples/federation.yaml), then applies the
# example workloads and policies. Ctrl-C stops everything.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
bash scripts/install-deps.sh
bash scripts/build.sh flotilla
exec "$here/build/bin/flotilla" up --config examples/federation.yaml --dir "${FLOTILLA_DIR:-$here/.flotilla}" --apply examples/workloads "$@"
