#!/usr/bin/env bash
# SmolLM2-135M-Instruct generation speed: the Veritas engine against
# llama.cpp on CPU, the same GGUF file (Q4_1), the same prompt tokens, the
# same greedy decoding, the same number of new tokens and threads, on the
# same machine. The two sides take turns (Veritas, llama.cpp, Veritas, …)
# for ROUNDS rounds of RUNS runs each, so that a machine that drifts slows
# both alike. Prints each round and the medians over rounds of each side's
# tokens a second and of the ratio (Veritas / llama.cpp; above 1.0 means
# Veritas is faster).
#
#   scripts/bench/generation-vs-llamacpp.sh [RUNS] [ROUNDS] [TOKENS]   # default 10 runs, 5 rounds, 32 tokens
#
# Threads: THREADS (default: every core) for both sides. llama.cpp comes
# from llama-cpp-python's source package on PyPI, built on this machine
# into the virtualenv in the cache (the first time takes several minutes).
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
cd "$VERITAS_ROOT"

runs="${1:-10}"
rounds="${2:-5}"
tokens="${3:-32}"
threads="${THREADS:-$(nproc)}"
models=$(bash scripts/fetch-models.sh | tail -n 1)
gguf="$models/smollm2-135m-instruct/SmolLM2-135M-Instruct.Q4_1.gguf"

# llama.cpp itself is compiled from llama-cpp-python's source package, for
# this CPU's instructions (`-march=native`), without AMX: virtual machines
# report AMX that their kernel does not enable (llama.cpp's AMX kernel then
# dies of a general protection fault), and the engine uses none. A build
# cached from another CPU may use instructions this one lacks, so it is
# rebuilt when the CPU differs from the one it was built for.
no_amx='-mno-amx-tile -mno-amx-int8 -mno-amx-bf16'
build_flags="-DCMAKE_C_FLAGS='$no_amx' -DCMAKE_CXX_FLAGS='$no_amx'"
venv=$(CMAKE_ARGS="$build_flags" bench_venv llama_cpp --no-binary llama-cpp-python llama-cpp-python)
built_for="$(grep -m1 '^model name' /proc/cpuinfo) $(grep -m1 '^flags' /proc/cpuinfo | sha256sum | cut -c1-16) $build_flags"
if [ "$(cat "$venv/llama-cpp.built-for" 2>/dev/null)" != "$built_for" ]; then
	echo "==> building llama-cpp-python for this CPU"
	CMAKE_ARGS="$build_flags" CMAKE_BUILD_PARALLEL_LEVEL="$(nproc)" "$venv/bin/pip" install \
		--quiet --force-reinstall --no-cache-dir --no-deps --no-binary llama-cpp-python \
		llama-cpp-python
	printf '%s' "$built_for" >"$venv/llama-cpp.built-for"
fi

echo "==> building the engine's generation-speed example (release)"
cargo build --quiet --release -p veritas-engine --example generation_speed
example="$CARGO_TARGET_DIR/release/examples/generation_speed"

echo "==> $rounds rounds of $runs runs of $tokens tokens, taking turns, $threads threads, on $(nproc) cores"
results=()
for round in $(seq 1 "$rounds"); do
	veritas=$(RAYON_NUM_THREADS="$threads" "$example" "$gguf" "$runs" "$tokens")
	prompt=$(python3 -c 'import json, sys; print(json.dumps(json.loads(sys.argv[1])["prompt_tokens"]))' "$veritas")
	llamacpp=$("$venv/bin/python" scripts/bench/smollm2_llamacpp.py "$gguf" "$prompt" "$tokens" "$threads" "$runs")
	echo "    round $round: veritas $veritas"
	echo "    round $round: llama.cpp $llamacpp"
	results+=("$veritas" "$llamacpp")
done
python3 - "${results[@]}" <<'PY'
import json, statistics, sys
lines = [json.loads(line) for line in sys.argv[1:]]
veritas, llamacpp = lines[0::2], lines[1::2]
for side in (veritas, llamacpp):
    if any(run["generated"] != side[0]["generated"] for run in side):
        sys.exit("the runs generated different numbers of tokens")
ratios = [v["tokens_per_second"] / l["tokens_per_second"] for v, l in zip(veritas, llamacpp)]
v = statistics.median(r["tokens_per_second"] for r in veritas)
l = statistics.median(r["tokens_per_second"] for r in llamacpp)
ratio = statistics.median(ratios)
print(f"veritas {v:.1f} tokens/s, llama.cpp {l:.1f} tokens/s (medians of rounds); "
      f"ratio {ratio:.2f}x (median; rounds {min(ratios):.2f}x to {max(ratios):.2f}x)")
print(json.dumps({"rounds": len(ratios), "tokens": veritas[0]["generated"],
                  "veritas_tokens_per_second": round(v, 2), "llamacpp_tokens_per_second": round(l, 2),
                  "ratio": round(ratio, 2), "ratio_min": round(min(ratios), 2), "ratio_max": round(max(ratios), 2)}))
PY
