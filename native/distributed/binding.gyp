{
  # torch.distributed's optional addon (Gloo). Built by scripts/build-distributed.mjs
  # only when a test program compiles and links against Gloo (Debian: libgloo-dev);
  # without it torchlette works and torch.distributed.isAvailable() is false.
  "targets": [
    {
      "target_name": "torchlette_distributed",
      "sources": ["addon.cc", "store.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      # Gloo reports errors and timeouts with C++ exceptions.
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc": ["-O2", "-std=c++17", "-fexceptions", "-frtti", "-fvisibility=hidden"],
      "libraries": ["-lgloo", "-lpthread"]
    }
  ]
}
