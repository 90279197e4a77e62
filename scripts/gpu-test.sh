#!/bin/bash
# Builds the GPU test and benchmark binaries here, and runs them on a
# machine with an NVIDIA GPU that has no Go.
#
#   scripts/gpu-test.sh build        # here: binaries into .gpu/
#   scripts/gpu-test.sh run [what]   # there, from the repository root:
#                                    # what = all (default), tests, bench, or a -test.run pattern
#
# Logs go to $OUT when it is set (else .gpu/logs). Tests skip with a
# message where no GPU is found.
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-}" in
build)
	mkdir -p .gpu
	export CGO_ENABLED=0
	go test -ldflags="-s -w" -c -o .gpu/mx.test ./mx
	go test -ldflags="-s -w" -c -o .gpu/random.test ./mx/random
	go test -ldflags="-s -w" -c -o .gpu/cuda.test ./internal/cuda
	go build -ldflags="-s -w" -o .gpu/gpubench ./bench/gpubench
	go build -ldflags="-s -w" -o .gpu/compilebench ./bench/compile
	go build -ldflags="-s -w" -o .gpu/mlxgo ./cmd/mlxgo
	cp bench/torch_bench.py .gpu/
	ls -la .gpu
	;;
run)
	what=${2:-all}
	logs=${OUT:-.gpu/logs}
	mkdir -p "$logs"
	export MLXGO_CUDA_CACHE=${MLXGO_CUDA_CACHE:-/tmp/mlxgo-cuda-cache}
	./.gpu/mlxgo info | tee "$logs/info.txt"
	nvidia-smi --query-gpu=name,memory.total,clocks.max.sm --format=csv,noheader || true
	rc=0
	if [ "$what" = all ] || [ "$what" = tests ]; then
		# The whole mx suite with the GPU as the default device (its TestMain
		# compiles every kernel module first, on all cores); the op table's
		# GPU rows run whatever the default.
		# In three runs, so that a test that panics hides no other.
		tables='TestOpTable|TestGradTable|TestVmapTable'
		(cd mx && MLXGO_TEST_DEVICE=gpu ../.gpu/mx.test -test.count=1 -test.run TestOpTable >"$logs/mx-gpu-ops.log" 2>&1) || rc=1
		(cd mx && MLXGO_TEST_DEVICE=gpu ../.gpu/mx.test -test.count=1 -test.run 'TestGradTable|TestVmapTable' >"$logs/mx-gpu-grads.log" 2>&1) || rc=1
		(cd mx && MLXGO_TEST_DEVICE=gpu ../.gpu/mx.test -test.count=1 -test.skip "$tables" -test.timeout=6m >"$logs/mx-gpu.log" 2>&1) || rc=1
		for f in mx-gpu-ops mx-gpu-grads mx-gpu; do
			echo "== $f: $(grep -c -- '--- PASS' "$logs/$f.log") passed, $(grep -c -- '--- FAIL' "$logs/$f.log") failed"
			grep -E "^(--- FAIL|FAIL|ok|PASS|CUDA|panic)" "$logs/$f.log" | head -20 || true
		done
		(cd mx/random && MLXGO_TEST_DEVICE=gpu ../../.gpu/random.test -test.count=1 >"$logs/random-gpu.log" 2>&1) || rc=1
		tail -3 "$logs/random-gpu.log"
		./.gpu/cuda.test -test.count=1 >"$logs/cuda.log" 2>&1 || rc=1
		grep -E "^(--- FAIL|FAIL|ok|PASS)" "$logs/cuda.log" | head -20
	elif [ "$what" != bench ]; then
		(cd mx && MLXGO_TEST_DEVICE=gpu ../.gpu/mx.test -test.count=1 -test.run "$what" >"$logs/mx-gpu.log" 2>&1) || rc=1
		grep -E "^(--- FAIL|FAIL|ok|PASS)" "$logs/mx-gpu.log" | head -60 || true
	fi
	if [ "$what" = all ] || [ "$what" = bench ]; then
		./.gpu/gpubench -python python3 2>&1 | tee "$logs/bench.txt" || rc=1
		./.gpu/compilebench -device gpu -runs 9 2>&1 | tee "$logs/compile.txt" || rc=1
	fi
	exit $rc
	;;
*)
	sed -n '2,10p' "$0"
	exit 2
	;;
esac
