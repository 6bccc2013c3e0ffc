"""MiniLM (all-MiniLM-L6-v2) in PyTorch on CPU: a plain BERT forward pass over
the same safetensors and tokenizer.json the Veritas engine uses, with the same
mean pooling and L2 normalisation. Prints the median latency at batch 1 and
32 as one JSON line, like the engine's `embedding_latency` example.

    python minilm_pytorch.py MODEL_DIR [RUNS]
"""

import json
import math
import sys

import torch
from safetensors.torch import load_file
from tokenizers import Tokenizer

from timing import median_ms

SENTENCE = "A man is eating a piece of bread in the park on a sunny afternoon."


def load(model_dir):
    config = json.load(open(f"{model_dir}/config.json"))
    weights = {
        (name[len("bert."):] if name.startswith("bert.") else name): tensor.float()
        for name, tensor in load_file(f"{model_dir}/model.safetensors").items()
    }
    tokenizer = Tokenizer.from_file(f"{model_dir}/tokenizer.json")
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
    return config, weights, tokenizer


def layer_norm(x, w, prefix, eps):
    return torch.nn.functional.layer_norm(
        x, (x.shape[-1],), w[f"{prefix}.weight"], w[f"{prefix}.bias"], eps
    )


def linear(x, w, prefix):
    return torch.nn.functional.linear(x, w[f"{prefix}.weight"], w[f"{prefix}.bias"])


@torch.inference_mode()
def embed(model, texts):
    config, w, tokenizer = model
    encodings = tokenizer.encode_batch(texts)
    ids = torch.tensor([e.ids for e in encodings])
    mask = torch.tensor([e.attention_mask for e in encodings], dtype=torch.float32)
    types = torch.tensor([e.type_ids for e in encodings])
    eps = config["layer_norm_eps"]
    heads = config["num_attention_heads"]
    batch, length = ids.shape
    positions = torch.arange(length).unsqueeze(0)
    x = (
        w["embeddings.word_embeddings.weight"][ids]
        + w["embeddings.position_embeddings.weight"][positions]
        + w["embeddings.token_type_embeddings.weight"][types]
    )
    x = layer_norm(x, w, "embeddings.LayerNorm", eps)
    hidden = x.shape[-1]
    head_dim = hidden // heads
    bias = (1.0 - mask)[:, None, None, :] * torch.finfo(torch.float32).min
    for i in range(config["num_hidden_layers"]):
        p = f"encoder.layer.{i}"

        def split(t):
            return t.view(batch, length, heads, head_dim).transpose(1, 2)

        q = split(linear(x, w, f"{p}.attention.self.query"))
        k = split(linear(x, w, f"{p}.attention.self.key"))
        v = split(linear(x, w, f"{p}.attention.self.value"))
        scores = q @ k.transpose(-1, -2) / math.sqrt(head_dim) + bias
        attended = (scores.softmax(-1) @ v).transpose(1, 2).reshape(batch, length, hidden)
        x = layer_norm(
            linear(attended, w, f"{p}.attention.output.dense") + x,
            w,
            f"{p}.attention.output.LayerNorm",
            eps,
        )
        inner = torch.nn.functional.gelu(linear(x, w, f"{p}.intermediate.dense"))
        x = layer_norm(linear(inner, w, f"{p}.output.dense") + x, w, f"{p}.output.LayerNorm", eps)
    summed = (x * mask[:, :, None]).sum(1)
    mean = summed / mask.sum(1, keepdim=True)
    return torch.nn.functional.normalize(mean, dim=-1)


def main():
    model_dir = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    model = load(model_dir)
    pair = embed(model, ["A man is eating food.", "A man is eating a piece of bread."])
    cosine = float(pair[0] @ pair[1])
    if abs(cosine - 0.755) > 0.01:
        sys.exit(f"the PyTorch forward pass is wrong: cosine {cosine:.4f}, expected 0.755")
    one = median_ms(runs, lambda: embed(model, [SENTENCE]))
    thirty_two = median_ms(runs, lambda: embed(model, [SENTENCE] * 32))
    print(json.dumps({
        "engine": f"pytorch {torch.__version__}",
        "threads": torch.get_num_threads(),
        "batch_1_ms": round(one, 3),
        "batch_32_ms": round(thirty_two, 3),
        "reference_cosine": round(cosine, 4),
    }))


if __name__ == "__main__":
    main()
