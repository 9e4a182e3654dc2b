#!/usr/bin/env bash
# The AVX-512 linear tile cannot run on an AVX2-only CPU. This compiles Sources/CKernels/linear.c
# with its AVX-512 intrinsics emulated by pairs of AVX2 registers (emu.h) and checks that the
# AVX-512 path gives the AVX2 path's bits (ckernels.h's contract), which tests the tile's logic, not
# the hardware. On an AVX-512 CPU, LinearKernelTests runs the real path.
#   bash Scripts/avx512_emulated/run.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"; root="$here/../.."
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
sed 's/#include "dispatch.h"/#include "emu.h"/' "$root/Sources/CKernels/linear.c" > "$tmp/linear_emu.c"
echo 'void set_path(int p) { emu_path = p; }' >> "$tmp/linear_emu.c"
${CC:-clang} -O2 -I"$root/Sources/CKernels/include" -I"$here" "$tmp/linear_emu.c" "$here/main.c" -lm -o "$tmp/emu"
"$tmp/emu" | tail -1
