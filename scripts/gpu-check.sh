#!/usr/bin/env bash
# The engine on a GPU machine, following ../shared/GPU.md (no Node.js, no network, no node_modules there).
#
#   scripts/gpu-check.sh prepare [DIR]   here: bundle the checks and the benchmark with esbuild, pack Node.js,
#                                        onnxruntime-node (linux x64 binding only) and Vulkan's loader into DIR
#                                        (default .gpu-check, git-ignored; ~40 MB, under the 64 MiB a device run carries)
#   scripts/gpu-check.sh run [DIR]       there: unpack, point Vulkan at the NVIDIA driver, then run every engine
#                                        check on webgpu (each in its own process: a native abort fails one line),
#                                        then `bench engine --provider webgpu` at the small and medium sizes
#
# One line per result: `PASS|FAIL <check>: <detail>`, then `BENCH <size> <placement> <json>`. Environment: PROVIDER
# (webgpu), SIZES ("small medium"), PLACEMENTS ("device": state kept on the GPU between runs; "device cpu" also
# benches it placed in CPU memory, as before), ROUNDS (5), CHECK_TIMEOUT (seconds per check, 300), SKIP_VULKAN
# (1: leave / alone).
set -uo pipefail
cmd=${1:-}
dir=${2:-.gpu-check}
root=$(cd "$(dirname "$0")/.." && pwd)

prepare() {
  rm -rf "$dir" && mkdir -p "$dir/app/node_modules" "$dir/debs"
  local esbuild="$root/node_modules/.bin/esbuild"
  local banner="import{createRequire as __cr}from'module';const require=__cr(import.meta.url);"
  local common=(--bundle --platform=node --format=esm --target=node20 --external:onnxruntime-node "--banner:js=$banner" --log-level=warning)
  "$esbuild" "$root/test/bench/gpu-main.ts" "${common[@]}" --outfile="$dir/app/gpu-main.mjs" || return 1
  # The engine looks for its worker and the provider check's child beside the module that starts it.
  "$esbuild" "$root/core/engine/worker.ts" "${common[@]}" --outfile="$dir/app/engine-worker.js" || return 1
  "$esbuild" "$root/core/engine/provider-check-child.ts" "${common[@]}" --outfile="$dir/app/provider-check.js" || return 1
  echo '{"type":"module"}' > "$dir/app/package.json"
  for pkg in onnxruntime-node onnxruntime-common; do cp -r "$root/node_modules/$pkg" "$dir/app/node_modules/"; done
  local bin="$dir/app/node_modules/onnxruntime-node/bin/napi-v6"
  find "$bin" -mindepth 1 -maxdepth 1 ! -name linux -exec rm -rf {} +
  find "$bin/linux" -mindepth 1 -maxdepth 1 ! -name x64 -exec rm -rf {} +
  tar -cJf "$dir/app.tar.xz" -C "$dir" app && rm -rf "$dir/app"
  tar -cJf "$dir/node.tar.xz" -C "$(dirname "$(readlink -f "$(command -v node)")")" node
  (cd "$dir/debs" && apt-get download libvulkan1 libglvnd0 libegl1 libgl1 libglx0 libopengl0 libgles2 >/dev/null) || return 1
  du -sh "$dir"
}

run() {
  local work; work=$(mktemp -d)
  tar -xJf "$dir/app.tar.xz" -C "$work" && tar -xJf "$dir/node.tar.xz" -C "$work" || return 1
  # SKIP_VULKAN=1: a dry run on a machine without a GPU (PROVIDER=cpu) leaves its system libraries alone.
  if [ "${SKIP_VULKAN:-}" != 1 ]; then
    for deb in "$dir"/debs/*.deb; do dpkg -x "$deb" /; done
    ldconfig
  fi
  local icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
  [ -f "$icd" ] || icd=$(ls /usr/share/vulkan/icd.d/nvidia_icd*.json /etc/vulkan/icd.d/nvidia_icd*.json 2>/dev/null | head -1)
  [ -n "$icd" ] && export VK_DRIVER_FILES=$icd
  echo "INFO VK_DRIVER_FILES=${VK_DRIVER_FILES:-unset} $(nvidia-smi --query-gpu=name,driver_version --format=csv,noheader 2>/dev/null | head -1)"
  local node="$work/node" main="$work/app/gpu-main.mjs"
  local provider=${PROVIDER:-webgpu}
  "$node" "$main" list | while IFS= read -r name; do
    out=$(timeout "${CHECK_TIMEOUT:-300}" "$node" "$main" check "$provider" "$name" 2>"$work/stderr")
    status=$?
    if [ -n "$out" ]; then echo "$out"
    else echo "FAIL $name: the check process ended with status $status: $(grep -v '^\s*$' "$work/stderr" | grep -v '^-----' | head -2 | tr '\n' ' ')"; fi
  done
  for size in ${SIZES:-small medium}; do
    for placement in ${PLACEMENTS:-device}; do
      out=$("$node" "$main" bench "$provider" "$size" "${ROUNDS:-5}" "$placement" 2>"$work/stderr")
      if [ -n "$out" ]; then echo "BENCH $size $placement $out"
      else echo "FAIL bench $size $placement: $(tail -2 "$work/stderr" | tr '\n' ' ')"; fi
    done
  done
  rm -rf "$work"
}

case "$cmd" in
  prepare) prepare ;;
  run) run ;;
  *) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
