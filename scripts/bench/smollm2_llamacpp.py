"""SmolLM2 generation speed in llama.cpp (llama-cpp-python) on CPU: the same
GGUF file, the same prompt tokens and the same greedy decoding as the
Veritas engine's `generation_speed` example, for the same number of new
tokens (a stop token does not end a run early, so both sides do the same
work). Prints the median over RUNS as one JSON line, like the example.

    python smollm2_llamacpp.py GGUF PROMPT_TOKENS_JSON TOKENS THREADS [RUNS]
"""

import json
import sys

from llama_cpp import Llama

from timing import median_ms


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    path, prompt, tokens, threads = sys.argv[1], json.loads(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    runs = int(sys.argv[5]) if len(sys.argv) > 5 else 10
    model = Llama(model_path=path, n_ctx=512, n_threads=threads, n_threads_batch=threads,
                  n_batch=512, verbose=False)

    generated = 0

    def generate():
        nonlocal generated
        # No reuse of an earlier run's cache: every run evaluates the prompt.
        model.reset()
        generated = 0
        for _ in model.generate(prompt, temp=0.0, top_k=1, reset=True):
            generated += 1
            if generated == tokens:
                break

    median = median_ms(runs, generate)
    print(json.dumps({
        "engine": "llama.cpp",
        "threads": threads,
        "generated": generated,
        "median_ms": round(median, 1),
        "tokens_per_second": round(generated * 1000.0 / median, 2),
    }))


if __name__ == "__main__":
    main()
