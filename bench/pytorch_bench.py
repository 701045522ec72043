"""PyTorch twins of bench/torchlette.ts (BENCHMARKS.md), run with /usr/bin/python3.

    python3 bench/pytorch_bench.py <workload> [arg]

prints one JSON line: {value, unit, threads, ...}. Same warm-ups, repeats and medians
as the torchlette side. Threads: all cores (torch.set_num_threads), as BENCHMARKS.md
asks; TORCH_THREADS overrides it.
"""
import gzip
import json
import os
import resource
import statistics
import struct
import sys
import time

import torch

FASHION_DIR = os.environ.get("FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist")
THREADS = int(os.environ.get("TORCH_THREADS", os.cpu_count() or 1))
torch.set_num_threads(THREADS)


def report(value, unit, **extra):
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(dict(value=value, unit=unit, threads=torch.get_num_threads(), peakRssMB=peak_mb,
                          version=torch.__version__, **extra)))


def gemm(n):
    torch.manual_seed(0)
    a = torch.randn(n, n)
    b = torch.randn(n, n)
    inner = 20 if n <= 256 else 1
    repeats = 3 if n >= 4096 else 7
    # warm-up: products for 0.5 s at least (as bench/torchlette.ts), so both measure steady state
    t0 = time.perf_counter()
    while True:
        a @ b
        if time.perf_counter() - t0 >= 0.5:
            break
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(inner):
            a @ b
        times.append((time.perf_counter() - t0) / inner)
    report(2 * n ** 3 / statistics.median(times) / 1e9, "GFLOP/s")


def eager():
    x = torch.tensor([0.5], requires_grad=True)

    def step():
        y = ((x * 2 + 1).relu() * x).sum()
        y.backward()

    for _ in range(2000):
        step()
    iters = 10000
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(iters):
            step()
        times.append((time.perf_counter() - t0) * 1e6 / iters)
    report(statistics.median(times), "us/iter")


def read_idx(name):
    with gzip.open(os.path.join(FASHION_DIR, name)) as f:
        return f.read()


def load_fashion(train):
    prefix = "train" if train else "t10k"
    img = read_idx(prefix + "-images-idx3-ubyte.gz")
    lab = read_idx(prefix + "-labels-idx1-ubyte.gz")
    n = struct.unpack(">I", img[4:8])[0]
    x = torch.frombuffer(bytearray(img[16:]), dtype=torch.uint8).float().div_(255).sub_(0.286).div_(0.353).view(n, 784)
    y = torch.frombuffer(bytearray(lab[8:]), dtype=torch.uint8).long()
    return x, y


def train_chunks(model, opt, get, steps, chunks):
    loss_fn = torch.nn.CrossEntropyLoss()
    per = steps // chunks
    rates = []
    step = 0
    for c in range(chunks):
        samples = 0
        end = steps if c == chunks - 1 else step + per
        t0 = time.perf_counter()
        while step < end:
            x, y = get(step)
            opt.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            opt.step()
            samples += x.shape[0]
            step += 1
        rates.append(samples / (time.perf_counter() - t0))
    return rates


def fashion_batches(shape):
    x, y = load_fashion(True)
    g = torch.Generator().manual_seed(1)
    perm = torch.randperm(x.shape[0], generator=g)
    steps = (x.shape[0] + 63) // 64
    # Batches gathered ahead of time, as the JS runners gather theirs from the same arrays.
    def get(s):
        idx = perm[(s % steps) * 64:(s % steps + 1) * 64]
        return x[idx].view(shape(len(idx))), y[idx]
    return steps, get


def accuracy(model, shape):
    x, y = load_fashion(False)
    with torch.no_grad():
        pred = torch.cat([model(x[i:i + 1000].view(shape(len(x[i:i + 1000])))).argmax(1) for i in range(0, len(x), 1000)])
    return (pred == y).float().mean().item()


def mlp():
    torch.manual_seed(0)
    steps, get = fashion_batches(lambda n: (n, 784))
    make = lambda: torch.nn.Sequential(torch.nn.Linear(784, 128), torch.nn.ReLU(), torch.nn.Linear(128, 64),
                                       torch.nn.ReLU(), torch.nn.Linear(64, 10))
    warm = make()
    train_chunks(warm, torch.optim.SGD(warm.parameters(), lr=0.01, momentum=0.9), get, 50, 1)
    model = make()
    rates = train_chunks(model, torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9), get, steps, 5)
    report(statistics.median(rates), "samples/s", accuracy=accuracy(model, lambda n: (n, 784)), chunks=[round(r) for r in rates])


def lenet5():
    nn = torch.nn
    return nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(),
                         nn.MaxPool2d(2), nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
                         nn.Linear(84, 10))


def lenet():
    torch.manual_seed(0)
    steps, get = fashion_batches(lambda n: (n, 1, 28, 28))
    warm = lenet5()
    train_chunks(warm, torch.optim.Adam(warm.parameters(), lr=1e-3), get, 20, 1)
    model = lenet5()
    rates = train_chunks(model, torch.optim.Adam(model.parameters(), lr=1e-3), get, 200, 4)
    report(statistics.median(rates), "samples/s", chunks=[round(r) for r in rates])


def resnet(train):
    import torchvision
    torch.manual_seed(0)
    model = torchvision.models.resnet18(num_classes=10)
    x = torch.randn(8, 3, 224, 224)
    y = torch.randint(0, 10, (8,))
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    loss_fn = torch.nn.CrossEntropyLoss()
    if not train:
        model.eval()

    def step():
        if train:
            opt.zero_grad()
            loss_fn(model(x), y).backward()
            opt.step()
        else:
            with torch.no_grad():
                model(x)

    step()
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    report(8 / statistics.median(times), "images/s")


def construct(name):
    """B6 construction: torchvision.models.<name>() after torch.manual_seed(0), seconds;
    one warm-up build, then the median of 3."""
    import torchvision
    build = getattr(torchvision.models, name)
    times = []
    for i in range(4):
        torch.manual_seed(0)
        t0 = time.perf_counter()
        build()
        if i > 0:
            times.append(time.perf_counter() - t0)
    report(statistics.median(times), "s", builds=[round(t, 3) for t in times])


def program(name):
    """B6 programs (bench/pytorch_programs.py), each timed whole; the median of 3 runs in one
    process, the first (cold) run reported beside it."""
    import pytorch_programs
    run = pytorch_programs.PROGRAMS[name]
    times, out = [], None
    for _ in range(3):
        t0 = time.perf_counter()
        out = run()
        times.append(time.perf_counter() - t0)
    report(statistics.median(times), "s", first=round(times[0], 3), runs=[round(t, 3) for t in times], result=out)


def main():
    workload = sys.argv[1]
    arg = sys.argv[2] if len(sys.argv) > 2 else None
    if workload in ("mlp", "lenet", "program") and not os.path.exists(os.path.join(FASHION_DIR, "train-images-idx3-ubyte.gz")):
        print(json.dumps(dict(error="Fashion-MNIST not found")))
        return
    {"gemm": lambda: gemm(int(arg)), "eager": eager, "mlp": mlp, "lenet": lenet,
     "resnet-train": lambda: resnet(True), "resnet-eval": lambda: resnet(False),
     "construct": lambda: construct(arg), "program": lambda: program(arg)}[workload]()


if __name__ == "__main__":
    main()
