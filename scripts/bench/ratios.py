"""The summary of a benchmark whose two sides took turns: each argument is
one round's JSON line of median milliseconds (`{"NAME_ms": …}`), Veritas's
and the peer's alternating. For each measurement it prints the median of
each side over the rounds and the median of the rounds' ratios (Veritas /
peer: below 1.0 means Veritas is faster), then all of it as one JSON line.

    python3 ratios.py PEER VERITAS_1 PEER_1 VERITAS_2 PEER_2 …
"""

import json
import statistics
import sys


def main():
    peer_name = sys.argv[1]
    lines = [json.loads(line) for line in sys.argv[2:]]
    veritas, peer = lines[0::2], lines[1::2]
    key = peer_name.replace(".", "").lower()
    summary = {"rounds": len(veritas)}
    for measure in veritas[0]:
        name = measure.removesuffix("_ms")
        ratios = [v[measure] / p[measure] for v, p in zip(veritas, peer)]
        v = statistics.median(r[measure] for r in veritas)
        p = statistics.median(r[measure] for r in peer)
        ratio = statistics.median(ratios)
        print(f"{name:>12}: veritas {v:9.4f} ms, {peer_name} {p:9.4f} ms (medians of rounds); "
              f"ratio {ratio:.2f}x (median; rounds {min(ratios):.2f}x to {max(ratios):.2f}x)")
        summary[name] = {"veritas_ms": round(v, 4), f"{key}_ms": round(p, 4),
                         "ratio": round(ratio, 2), "ratio_min": round(min(ratios), 2),
                         "ratio_max": round(max(ratios), 2)}
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
