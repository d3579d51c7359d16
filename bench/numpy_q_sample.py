#!/usr/bin/python3
# numpy's closed form at 1024x1024x3, single-threaded, for ddpm-bench's side-by-side ratio:
# prints the best of N runs in milliseconds of `a * x0 + b * rng.standard_normal(shape)` (numpy's
# default float64 draw) and of the same with dtype=float32, as "float64_ms float32_ms".
import os
os.environ.setdefault("OMP_NUM_THREADS", "1")
import sys
import time

import numpy as np

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1024
repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 15
rng = np.random.default_rng(0)
x0 = rng.uniform(-1, 1, (n, n, 3)).astype(np.float32)
a, b = np.float32(0.28), np.float32(0.96)


def best(f):
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times) * 1e3


f64 = best(lambda: a * x0 + b * rng.standard_normal(x0.shape))
f32 = best(lambda: a * x0 + b * rng.standard_normal(x0.shape, dtype=np.float32))
print(f"{f64:.3f} {f32:.3f}")
