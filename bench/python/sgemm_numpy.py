"""numpy baseline for the sgemm rows of `npm run bench`: C = A·B (or A·Bᵀ) in float32.

Arguments (one JSON string): {"cases": [{"name", "m", "n", "k", "transB"}], "warmup", "reps"}.
Answer: results = {name: [seconds per call, one per sample]}. `np.matmul(a, b, out=c)` on C-contiguous (or
transposed-view) float32 arrays goes straight to cblas_sgemm, writing into a preallocated C
like ours; the thread count comes from OPENBLAS_NUM_THREADS set by the caller.
"""

import os
import sys

# the helpers next to this script, whatever the interpreter's sys.path; no __pycache__ in bench/
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_common import answer, args, environment, fail, seconds_per_call_samples  # noqa: E402

try:
    import numpy as np
except ImportError as error:
    fail(f"numpy is not installed ({error})")


def main():
    spec = args()
    rng = np.random.default_rng(0)
    results = {}
    for case in spec["cases"]:
        m, n, k = case["m"], case["n"], case["k"]
        a = rng.standard_normal((m, k), dtype=np.float32)
        if case["transB"]:
            b = rng.standard_normal((n, k), dtype=np.float32).T  # a view: sgemm with transB
        else:
            b = rng.standard_normal((k, n), dtype=np.float32)
        c = np.empty((m, n), dtype=np.float32)
        results[case["name"]] = seconds_per_call_samples(
            lambda: np.matmul(a, b, out=c), spec["warmup"], spec["reps"]
        )
    answer(results, environment(numpy=np.__version__))


main()
