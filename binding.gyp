{
  # The native CPU backend (native/*.cc), built by scripts/build-native.mjs during
  # `npm install`. The AVX2 and AVX-512 kernels live in their own static libraries
  # because only those files may be compiled for those instruction sets (the AVX-512
  # elementwise math in its own, built without FP contraction as the rest of the addon;
  # no libm call there reads errno, which -fno-math-errno lets sqrt skip);
  # the rest is built for the baseline CPU and picks the kernels with cpuid.
  "targets": [
    {
      "target_name": "torchlette",
      "sources": [
        "native/addon.cc",
        "native/parallel.cc",
        "native/scratch.cc",
        "native/gemm.cc",
        "native/matmul.cc",
        "native/elementwise.cc",
        "native/simd_math.cc",
        "native/reduce.cc",
        "native/indexing.cc",
        "native/conv.cc",
        "native/conv_winograd.cc",
        "native/pool.cc",
        "native/loss.cc",
        "native/norm.cc",
        "native/ternary.cc",
        "native/rnn.cc",
        "native/random.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")", "native"],
      "defines": ["NAPI_DISABLE_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags_cc": ["-O3", "-fvisibility=hidden", "-ffp-contract=off", "-Wno-psabi"],
      "xcode_settings": {
        "OTHER_CPLUSPLUSFLAGS": ["-O3", "-std=c++17", "-fvisibility=hidden"]
      },
      "msvs_settings": {
        "VCCLCompilerTool": { "AdditionalOptions": ["/O2", "/std:c++17"] }
      },
      "conditions": [
        ["target_arch=='x64' and OS!='win'", {
          "defines": ["TL_HAVE_X86_KERNELS"],
          "dependencies": ["torchlette_avx2", "torchlette_avx512", "torchlette_avx512_math"]
        }]
      ]
    }
  ],
  "conditions": [
    ["target_arch=='x64' and OS!='win'", {
      "targets": [
        {
          "target_name": "torchlette_avx2",
          "type": "static_library",
          "sources": ["native/gemm_avx2.cc", "native/ternary_fma.cc", "native/random_avx2.cc", "native/conv_small_avx2.cc", "native/unary_fma.cc"],
          "cflags_cc": ["-O3", "-mavx2", "-mfma", "-ffp-contract=off", "-fno-math-errno", "-fvisibility=hidden"],
          "xcode_settings": { "OTHER_CPLUSPLUSFLAGS": ["-O3", "-mavx2", "-mfma", "-ffp-contract=off", "-fno-math-errno", "-std=c++17"] }
        },
        {
          "target_name": "torchlette_avx512",
          "type": "static_library",
          "sources": ["native/gemm_avx512.cc"],
          "cflags_cc": ["-O3", "-mavx512f", "-mfma", "-fvisibility=hidden"],
          "xcode_settings": { "OTHER_CPLUSPLUSFLAGS": ["-O3", "-mavx512f", "-mfma", "-std=c++17"] }
        },
        {
          "target_name": "torchlette_avx512_math",
          "type": "static_library",
          "sources": ["native/unary_avx512.cc"],
          "cflags_cc": ["-O3", "-mavx512f", "-mfma", "-ffp-contract=off", "-fno-math-errno", "-fvisibility=hidden"],
          "xcode_settings": { "OTHER_CPLUSPLUSFLAGS": ["-O3", "-mavx512f", "-mfma", "-ffp-contract=off", "-fno-math-errno", "-std=c++17"] }
        }
      ]
    }]
  ]
}
