#!/usr/bin/env bash
# Installs the Debian packages the app and its tests use, when they are missing: apt-get as root, otherwise one
# clear line per missing package and the command that installs them. Idempotent and quiet when all is there.
# `install-system.sh main` installs only what the main job (the loop on the embedded Python set) needs.
set -euo pipefail

# package:command-or-path that proves it is installed
wanted=(
  "chromium:/usr/bin/chromium"
  "bubblewrap:/usr/bin/bwrap"
  "python3:/usr/bin/python3"
  "pyflakes3:/usr/bin/pyflakes3"
  "g++:/usr/bin/g++"
  "openjdk-17-jdk-headless:/usr/lib/jvm/java-17-openjdk-amd64/bin/javac"
  "mono-devel:/usr/bin/mcs"
  "php-cli:/usr/bin/php"
  "golang-go:/usr/bin/go"
  "rustc:/usr/bin/rustc"
  "libssl-dev:/usr/include/openssl/md5.h"
  "python3-numpy:/usr/lib/python3/dist-packages/numpy/__init__.py"
  "lua5.4:/usr/bin/lua5.4"
  "lua-unit:/usr/share/lua/5.4/luaunit.lua"
  "ruby:/usr/bin/ruby"
  "python3-torch:/usr/lib/python3/dist-packages/torch/__init__.py"
  "python3-jinja2:/usr/lib/python3/dist-packages/jinja2/__init__.py"
  "python3-onnx:/usr/lib/python3/dist-packages/onnx/__init__.py"
  "libopenblas0-openmp:/usr/lib/x86_64-linux-gnu/openblas-openmp"
  "fonts-dejavu-core:/usr/share/fonts/truetype/dejavu"
)

if [ "${1:-}" = main ]; then
  wanted=("bubblewrap:/usr/bin/bwrap" "python3:/usr/bin/python3")
fi

missing=()
for entry in "${wanted[@]}"; do
  pkg=${entry%%:*}
  probe=${entry#*:}
  [ -e "$probe" ] || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "install-system: missing Debian packages: ${missing[*]}" >&2
  echo "install-system: install them with: sudo apt-get install -y ${missing[*]} (tests that need them will fail)" >&2
  exit 0
fi

echo "install-system: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=600 update -q >/dev/null
apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "${missing[@]}" >/tmp/rewardranker-apt.log 2>&1 || {
  echo "install-system: apt-get failed; see /tmp/rewardranker-apt.log" >&2
  tail -20 /tmp/rewardranker-apt.log >&2
  exit 1
}
