#!/usr/bin/env bash
# Installs the Debian 12 packages btk builds with, plus any named as
# arguments (`setup.sh clang` for the fuzzers). Idempotent: quiet and quick
# when nothing is missing.
set -euo pipefail

packages=(
  cmake ninja-build g++ ccache pkg-config python3
  libfmt-dev libcli11-dev nlohmann-json3-dev zlib1g-dev libdeflate-dev catch2
  libcaf-dev capnproto libcapnp-dev librocksdb-dev libssl-dev
  libboost1.74-dev libtomlplusplus-dev openssl
  "$@"
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
((${#missing[@]} == 0)) && exit 0

echo "setup: installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
  "${missing[@]}" >/dev/null
