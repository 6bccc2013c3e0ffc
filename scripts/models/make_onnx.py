#!/usr/bin/env python3
"""Makes the example ONNX models that publishers' models are tested against,
from data sets that scikit-learn ships, with fixed seeds:

- `wine-forest`: a scikit-learn random forest (20 trees of depth 4) on the
  wine data set (13 measurements in, 3 cultivars out), exported by skl2onnx
  as an ONNX-ML `TreeEnsembleClassifier` with a plain probability tensor
  (no ZipMap);
- `digits-cnn`: a small PyTorch convolutional network on the 8x8 digits
  (one 1x8x8 image in, 10 digit probabilities out), exported by
  `torch.onnx.export`.

    python3 scripts/models/make_onnx.py OUT_DIR

Each model lands in `OUT_DIR/<name>/` as `model.onnx`, with `model.json`
(the task and input shape a publisher declares for it, and the same as the
engine's `OnnxSignature`) and
`reference.json`: held-out inputs, each with the output onnxruntime computes
for it, which the engine's tests compare with tract's.
"""

import json
import sys
from pathlib import Path

import numpy as np
import onnxruntime
from sklearn.datasets import load_digits, load_wine
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import train_test_split

SEED = 20261207
REFERENCE_INPUTS = 24


def write_model(out, name, onnx_bytes, declared, inputs):
    """Writes a model with its declaration and onnxruntime's outputs."""
    folder = out / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "model.onnx").write_bytes(onnx_bytes)
    (folder / "model.json").write_text(json.dumps(declared, indent=2) + "\n")
    session = onnxruntime.InferenceSession(onnx_bytes, providers=["CPUExecutionProvider"])
    feed_name = session.get_inputs()[0].name
    shape = declared["input_shape"]
    cases = []
    for row in inputs:
        feed = np.asarray(row, dtype=np.float32).reshape(shape)
        outputs = session.run(None, {feed_name: feed})
        floats = [o for o in outputs if o.dtype == np.float32]
        output = floats[0].reshape(-1)
        cases.append({
            "input": [float(x) for x in np.asarray(row, dtype=np.float32)],
            "output": [float(x) for x in output],
        })
    (folder / "reference.json").write_text(json.dumps({
        "runtime": f"onnxruntime {onnxruntime.__version__}",
        "cases": cases,
    }) + "\n")
    print(f"    {name}: {len(onnx_bytes)} bytes, {len(cases)} reference outputs")


def wine_forest(out):
    from skl2onnx import to_onnx

    x, y = load_wine(return_X_y=True)
    x = x.astype(np.float32)
    x_train, x_test, y_train, _ = train_test_split(x, y, test_size=0.3, random_state=SEED,
                                                   stratify=y)
    forest = RandomForestClassifier(n_estimators=20, max_depth=4, random_state=SEED)
    forest.fit(x_train, y_train)
    accuracy = forest.score(x_test, _)
    model = to_onnx(
        forest,
        x_train[:1],
        options={id(forest): {"zipmap": False}},
        target_opset={"": 17, "ai.onnx.ml": 3},
    )
    declared = {
        "task": f"classification:{x.shape[1]}:3",
        "input_shape": [1, x.shape[1]],
        "signature": {"input_shape": [1, x.shape[1]],
                      "output": {"classification": {"classes": 3}}},
        "test_accuracy": round(accuracy, 3),
    }
    write_model(out, "wine-forest", model.SerializeToString(), declared,
                x_test[:REFERENCE_INPUTS])


def digits_cnn(out):
    import torch
    from torch import nn

    torch.manual_seed(SEED)
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)
    x, y = load_digits(return_X_y=True)
    x = (x / 16.0).astype(np.float32)
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.2,
                                                        random_state=SEED, stratify=y)

    class DigitsCnn(nn.Module):
        def __init__(self):
            super().__init__()
            self.features = nn.Sequential(
                nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            )
            self.classifier = nn.Linear(16 * 2 * 2, 10)

        def forward(self, image):
            hidden = self.features(image).flatten(1)
            return torch.softmax(self.classifier(hidden), dim=1)

    network = DigitsCnn()
    images = torch.from_numpy(x_train).reshape(-1, 1, 8, 8)
    labels = torch.from_numpy(y_train).long()
    optimizer = torch.optim.Adam(network.parameters(), lr=0.01)
    for _ in range(30):
        for start in range(0, len(images), 64):
            batch = slice(start, start + 64)
            optimizer.zero_grad()
            probabilities = network(images[batch])
            loss = nn.functional.nll_loss(torch.log(probabilities + 1e-9), labels[batch])
            loss.backward()
            optimizer.step()
    network.eval()
    with torch.no_grad():
        predicted = network(torch.from_numpy(x_test).reshape(-1, 1, 8, 8)).argmax(dim=1)
    accuracy = float((predicted.numpy() == y_test).mean())
    path = out / "digits-cnn.export.onnx"
    torch.onnx.export(network, (torch.zeros(1, 1, 8, 8),), str(path), input_names=["image"],
                      output_names=["probabilities"], opset_version=18, dynamo=True,
                      external_data=False)
    onnx_bytes = path.read_bytes()
    path.unlink()
    declared = {
        "task": "classification:64:10",
        "input_shape": [1, 1, 8, 8],
        "signature": {"input_shape": [1, 1, 8, 8],
                      "output": {"classification": {"classes": 10}}},
        "test_accuracy": round(accuracy, 3),
    }
    write_model(out, "digits-cnn", onnx_bytes, declared, x_test[:REFERENCE_INPUTS])


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    wine_forest(out)
    digits_cnn(out)


if __name__ == "__main__":
    main()
