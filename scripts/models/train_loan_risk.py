#!/usr/bin/env python3
"""Trains the example tabular model, a loan-default risk classifier, and
exports it in the engine's MLP format: `model.safetensors` (f32 weights named
`layers.{i}.weight` [out, in] and `layers.{i}.bias` [out]) and `config.json`.

    python3 scripts/models/train_loan_risk.py node/engine/fixtures/loan-risk

Pure Python, no dependencies, fixed seed: the same files every run. The data
is synthetic: applicants drawn at random, defaulting with a probability set by
a known rule (high debt-to-income, low credit score, past defaults and short
employment raise the risk), so that what the model learned can be checked.
"""

import json
import math
import random
import struct
import sys
from pathlib import Path

FEATURES = [
    "income_thousands",
    "debt_to_income",
    "credit_score",
    "loan_thousands",
    "years_employed",
    "previous_defaults",
]
HIDDEN = 12
SEED = 20261125


def applicant(rng):
    income = rng.lognormvariate(4.0, 0.5)  # about 55k
    debt_to_income = min(max(rng.gauss(0.35, 0.15), 0.0), 1.5)
    credit = min(max(rng.gauss(680, 70), 300), 850)
    loan = income * rng.uniform(0.1, 1.2)
    years = max(rng.gauss(6, 4), 0.0)
    defaults = float(rng.random() < 0.15) + float(rng.random() < 0.05)
    return [income, debt_to_income, credit, loan, years, defaults]


def true_risk(x):
    income, dti, credit, loan, years, defaults = x
    z = (-1.0 + 4.0 * (dti - 0.35) - 0.012 * (credit - 680) + 0.8 * defaults
         + 0.6 * (loan / income - 0.6) - 0.08 * (years - 6))
    return 1.0 / (1.0 + math.exp(-z))


def train():
    rng = random.Random(SEED)
    xs = [applicant(rng) for _ in range(3000)]
    ys = [1 if rng.random() < true_risk(x) else 0 for x in xs]
    mean = [sum(col) / len(xs) for col in zip(*xs)]
    std = [math.sqrt(sum((v - m) ** 2 for v in col) / len(xs)) or 1.0
           for col, m in zip(zip(*xs), mean)]
    norm = [[(v - m) / s for v, m, s in zip(x, mean, std)] for x in xs]

    n_in, n_out = len(FEATURES), 2
    w1 = [[rng.gauss(0, 1 / math.sqrt(n_in)) for _ in range(n_in)] for _ in range(HIDDEN)]
    b1 = [0.0] * HIDDEN
    w2 = [[rng.gauss(0, 1 / math.sqrt(HIDDEN)) for _ in range(HIDDEN)] for _ in range(n_out)]
    b2 = [0.0] * n_out
    rate = 0.1
    for epoch in range(60):
        order = list(range(len(norm)))
        rng.shuffle(order)
        for i in order:
            x, y = norm[i], ys[i]
            h_pre = [sum(w * v for w, v in zip(row, x)) + b for row, b in zip(w1, b1)]
            h = [max(v, 0.0) for v in h_pre]
            logits = [sum(w * v for w, v in zip(row, h)) + b for row, b in zip(w2, b2)]
            top = max(logits)
            exps = [math.exp(l - top) for l in logits]
            probs = [e / sum(exps) for e in exps]
            d_logits = [p - (1.0 if k == y else 0.0) for k, p in enumerate(probs)]
            d_h = [sum(d_logits[k] * w2[k][j] for k in range(n_out)) * (h_pre[j] > 0)
                   for j in range(HIDDEN)]
            for k in range(n_out):
                for j in range(HIDDEN):
                    w2[k][j] -= rate * d_logits[k] * h[j]
                b2[k] -= rate * d_logits[k]
            for j in range(HIDDEN):
                for f in range(n_in):
                    w1[j][f] -= rate * d_h[j] * x[f]
                b1[j] -= rate * d_h[j]
        rate *= 0.95
    return mean, std, (w1, b1), (w2, b2)


def safetensors(tensors):
    """The safetensors format: an 8-byte little-endian header length, a JSON
    header naming each tensor's dtype, shape and byte range, then the data."""
    header, data = {}, b""
    for name, shape, values in tensors:
        raw = struct.pack(f"<{len(values)}f", *values)
        header[name] = {"dtype": "F32", "shape": shape, "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    encoded = json.dumps(header, separators=(",", ":")).encode()
    encoded += b" " * (-len(encoded) % 8)
    return struct.pack("<Q", len(encoded)) + encoded + data


def main():
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "node/engine/fixtures/loan-risk")
    out.mkdir(parents=True, exist_ok=True)
    mean, std, (w1, b1), (w2, b2) = train()
    flat = lambda rows: [v for row in rows for v in row]
    (out / "model.safetensors").write_bytes(safetensors([
        ("layers.0.weight", [HIDDEN, len(FEATURES)], flat(w1)),
        ("layers.0.bias", [HIDDEN], b1),
        ("layers.1.weight", [2, HIDDEN], flat(w2)),
        ("layers.1.bias", [2], b2),
    ]))
    config = {
        "architecture": "mlp",
        "task": "classification",
        "inputs": len(FEATURES),
        "hidden": [HIDDEN],
        "outputs": 2,
        "feature_names": FEATURES,
        "class_names": ["repays", "defaults"],
        "input_mean": mean,
        "input_std": std,
    }
    (out / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    print(f"wrote {out}/model.safetensors and {out}/config.json")


if __name__ == "__main__":
    main()
