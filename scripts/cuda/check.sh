#!/bin/sh
# Checks the syntax and types of every CUDA module the backend generates,
# with clang (Debian's clang-16) in place of NVRTC, on a machine without
# CUDA. Usage: scripts/cuda/check.sh [module-name-filter]
set -e
cd "$(dirname "$0")/../.."
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
go test ./internal/cuda -run TestWriteModuleSources -count=1 -args -sources="$dir" >/dev/null
fail=0
for f in "$dir"/*.cu; do
	case "$f" in *"$1"*) ;; *) continue ;; esac
	if ! clang-16 -x cuda --cuda-device-only --cuda-gpu-arch=sm_90 -nocudainc -nocudalib \
		-std=c++17 -fsyntax-only -Wno-macro-redefined -include scripts/cuda/check-shim.h "$f" 2>"$f.log"; then
		echo "== $(basename "$f")"
		grep -E "error" "$f.log" | head -5
		fail=1
	fi
done
exit $fail
