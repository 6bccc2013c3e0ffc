"""Publishers' ONNX models in onnxruntime, one request at a time, on one
thread: the same files and input the engine's `onnx_latency` example times,
printed the same way (one JSON line of median milliseconds).

    python onnx_onnxruntime.py MODELS_DIR [RUNS]
"""

import json
import sys

import numpy as np
import onnxruntime

from timing import median_ms

MODELS = ["wine-forest", "digits-cnn"]


def main():
    models_dir = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    timings = {}
    for name in MODELS:
        folder = f"{models_dir}/{name}"
        signature = json.load(open(f"{folder}/model.json"))["signature"]
        case = json.load(open(f"{folder}/reference.json"))["cases"][0]
        session = onnxruntime.InferenceSession(f"{folder}/model.onnx", options,
                                               providers=["CPUExecutionProvider"])
        feed = {session.get_inputs()[0].name:
                np.asarray(case["input"], dtype=np.float32).reshape(signature["input_shape"])}
        timings[f"{name}_ms"] = median_ms(runs, lambda: session.run(None, feed))
    print(json.dumps(timings))


if __name__ == "__main__":
    main()
