"""PyTorch's side of the per-layer convolution table (bench/conv-layers.mjs).

ResNet18's convolution shapes at batch 8, each timed forward, backward-input and
backward-weight (aten::convolution_backward with one output asked for, as autograd
calls it), ms per call: the median of repeats after 0.5 s of warm-up calls. Prints one JSON
line per (layer, pass). Threads: TORCH_THREADS (default all cores); the runner sets
OMP/BLAS threads per setup. CONV_LAYERS=substr[,substr...] keeps only the layers
whose name contains one of them (CONV_PASSES likewise for the passes).
"""
import json
import os
import statistics
import time

import torch

THREADS = int(os.environ.get("TORCH_THREADS", os.cpu_count() or 1))
torch.set_num_threads(THREADS)

# name, in channels, out channels, kernel, stride, padding, input size (batch 8)
LAYERS = [
    ("stem 7x7 s2 3->64 @224", 3, 64, 7, 2, 3, 224),
    ("3x3 s1 64 @56", 64, 64, 3, 1, 1, 56),
    ("3x3 s2 64->128 @56", 64, 128, 3, 2, 1, 56),
    ("1x1 s2 64->128 @56", 64, 128, 1, 2, 0, 56),
    ("3x3 s1 128 @28", 128, 128, 3, 1, 1, 28),
    ("3x3 s2 128->256 @28", 128, 256, 3, 2, 1, 28),
    ("1x1 s2 128->256 @28", 128, 256, 1, 2, 0, 28),
    ("3x3 s1 256 @14", 256, 256, 3, 1, 1, 14),
    ("3x3 s2 256->512 @14", 256, 512, 3, 2, 1, 14),
    ("1x1 s2 256->512 @14", 256, 512, 1, 2, 0, 14),
    ("3x3 s1 512 @7", 512, 512, 3, 1, 1, 7),
]
BATCH = 8


def timed(fn):
    # Warm-up: calls for 0.5 s at least, as bench/conv-layers.ts (steady state on both sides).
    calls = 0
    w0 = time.perf_counter()
    while calls < 2 or time.perf_counter() - w0 < 0.5:
        fn()
        calls += 1
    once = (time.perf_counter() - w0) / calls
    repeats = max(5, min(25, int(0.4 / max(once, 1e-6))))
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def pick(env, name):
    value = os.environ.get(env)
    return not value or any(s in name for s in value.split(","))


def main():
    torch.manual_seed(0)
    for name, cin, cout, k, s, p, size in LAYERS:
        if not pick("CONV_LAYERS", name):
            continue
        x = torch.randn(BATCH, cin, size, size)
        w = torch.randn(cout, cin, k, k) * 0.05
        with torch.no_grad():
            y = torch.nn.functional.conv2d(x, w, None, s, p)
        g = torch.randn_like(y)

        def back(mask):
            return lambda: torch.ops.aten.convolution_backward(g, x, w, None, [s, s], [p, p], [1, 1], False, [0, 0], 1, mask)

        with torch.no_grad():
            passes = [
                ("forward", lambda: torch.nn.functional.conv2d(x, w, None, s, p)),
                ("backward-input", back([True, False, False])),
                ("backward-weight", back([False, True, False])),
            ]
            for pass_name, fn in passes:
                if not pick("CONV_PASSES", pass_name):
                    continue
                print(json.dumps({"layer": name, "pass": pass_name, "ms": timed(fn), "threads": THREADS}), flush=True)


if __name__ == "__main__":
    main()
