{
  "targets": [
    {
      "target_name": "tree_sitter_go_goshift_binding",
      "dependencies": [
        "<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except",
      ],
      "variables": {
        # tree-sitter's runtime, from node-tree-sitter's own copy: flat.cc parses with it.
        "ts_runtime": "<!(node -p \"require('path').relative('.', require('path').join(require('path').dirname(require.resolve('tree-sitter/package.json')), 'vendor', 'tree-sitter', 'lib'))\")",
      },
      "include_dirs": [
        "src",
        "<(ts_runtime)/include",
        "<(ts_runtime)/src",
      ],
      "defines": [
        "_POSIX_C_SOURCE=200112L",
        "_DEFAULT_SOURCE",
      ],
      "sources": [
        "bindings/node/binding.cc",
        "bindings/node/flat.cc",
        "src/parser.c",
        "<(ts_runtime)/src/lib.c",
      ],
      "conditions": [
        ["OS!='win'", {
          "cflags_c": [
            "-std=c11",
            "-fvisibility=hidden",
          ],
          "cflags_cc": [
            "-std=c++17",
            "-fvisibility=hidden",
          ],
        }, { # OS == "win"
          "cflags_c": [
            "/std:c11",
            "/utf-8",
          ],
        }],
      ],
    }
  ]
}
