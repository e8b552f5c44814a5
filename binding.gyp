{
  "targets": [
    {
      "target_name": "locedit_fast_math",
      "type": "static_library",
      "sources": ["native/fast/activations.c", "native/fast/softmax.c", "native/fast/norms.c", "native/fast/loss.c"],
      "cflags": ["-O3", "-march=native", "-std=c11", "-ffast-math", "-fPIC", "-Wall", "-Wextra"]
    },
    {
      "target_name": "locedit_native",
      "dependencies": ["locedit_fast_math"],
      "sources": ["native/addon.c", "native/args.c", "native/blas.c", "native/lapack.c", "native/kernels.c", "native/attention.c", "native/training.c", "native/half.c", "native/half-convert.c", "native/half-napi.c", "native/attention-prefix.c", "native/fs.c"],
      "cflags": ["-O3", "-march=native", "-std=c11", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "include_dirs": ["native"],
      "libraries": ["-llapacke", "-lopenblas", "-lm"]
    }
  ]
}
