"""Timing and reporting helpers shared by the Python baselines of `npm run bench`.

Same protocol as bench/timing.ts: untimed warm-up calls, then timed samples (the median is the
figure); fast kernels are grouped so that one sample lasts at least `min_sample` seconds, and
their samples go back to the caller, which pools them with other rounds. Each script prints
exactly one JSON line on stdout: {"ok": true, "results": ..., "environment": ...} or
{"ok": false, "reason": ...} (a missing numpy/torch is reported, not raised).
"""

import json
import os
import platform
import statistics
import sys
import time


def median_seconds(fn, warmup, reps):
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(reps):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def seconds_per_call_samples(fn, warmup, reps, min_sample=0.05):
    for _ in range(warmup):
        fn()
    inner = 1
    while True:
        start = time.perf_counter()
        for _ in range(inner):
            fn()
        elapsed = time.perf_counter() - start
        if elapsed >= min_sample or inner >= 1 << 20:
            break
        inner = max(inner * 2, int(inner * min_sample / max(elapsed, 1e-6)) + 1)
    samples = []
    for _ in range(reps):
        start = time.perf_counter()
        for _ in range(inner):
            fn()
        samples.append((time.perf_counter() - start) / inner)
    return samples


def environment(**extra):
    keys = ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"]
    env = {key: os.environ.get(key, "unset") for key in keys}
    env["python"] = platform.python_version()
    env.update(extra)
    return env


def args():
    return json.loads(sys.argv[1]) if len(sys.argv) > 1 else {}


def answer(results, env):
    print(json.dumps({"ok": True, "results": results, "environment": env}))


def fail(reason):
    print(json.dumps({"ok": False, "reason": reason}))
    sys.exit(0)
