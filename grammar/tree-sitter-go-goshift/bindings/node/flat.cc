// goshift's flat parse: a Go file's text in, its whole syntax tree out as plain arrays (one
// ArrayBuffer), built here by one native call instead of one call per node and property from
// JavaScript. A flat tree is plain data: it can be built on a worker thread and handed to another
// (a tree-sitter tree cannot leave the thread that parsed it), and reading it costs no native call.
//
// The text is parsed as UTF-16, as node-tree-sitter parses a JavaScript string, so offsets and
// columns are in UTF-16 code units as node-tree-sitter gives them (lib/flat.ts reads the arrays).
// It compiles tree-sitter's runtime from node-tree-sitter's own copy (binding.gyp), so that the
// trees are those node-tree-sitter builds.
#include <napi.h>
#include <tree_sitter/api.h>

#include <cstring>
#include <vector>

extern "C" const TSLanguage *tree_sitter_go();

namespace {

const uint32_t NONE = 0xffffffff;

// Per node, in preorder; flags: named, missing, has error, extra.
enum { NAMED = 1, MISSING = 2, HAS_ERROR = 4, EXTRA = 8 };

struct Frame {
  uint32_t index;
  uint32_t last;
};

TSParser *parser_for_thread() {
  thread_local TSParser *parser = nullptr;
  if (!parser) {
    parser = ts_parser_new();
    ts_parser_set_language(parser, tree_sitter_go());
  }
  return parser;
}

// flatParse(text: string, ranges?: Int32Array): { buffer: ArrayBuffer, count: number } | null
// ranges: pairs of UTF-16 offsets, in order, the only text the parser reads (included ranges);
// null when tree-sitter refuses them.
//
// Node-API is called directly, its status checked, never through node-addon-api's throwing
// wrappers: on a worker thread being terminated every call fails, and a C++ exception thrown then
// ends the whole process (std::terminate). A failed call returns undefined instead.
napi_value FlatParse(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc < 1) return nullptr;
  size_t length = 0;
  if (napi_get_value_string_utf16(env, argv[0], nullptr, 0, &length) != napi_ok) {
    napi_throw_type_error(env, nullptr, "flatParse wants a string");
    return nullptr;
  }
  std::vector<char16_t> text(length + 1);
  if (napi_get_value_string_utf16(env, argv[0], text.data(), length + 1, &length) != napi_ok) return nullptr;

  TSParser *parser = parser_for_thread();
  std::vector<TSRange> ranges;
  bool is_typed = false;
  if (argc > 1 && napi_is_typedarray(env, argv[1], &is_typed) == napi_ok && is_typed) {
    napi_typedarray_type type;
    size_t count = 0;
    void *data = nullptr;
    if (napi_get_typedarray_info(env, argv[1], &type, &count, &data, nullptr, nullptr) != napi_ok || type != napi_int32_array) return nullptr;
    const int32_t *r = (const int32_t *)data;
    // Points of the offsets, in order: rows by newline, columns in bytes of UTF-16 as tree-sitter counts them.
    uint32_t row = 0, line_start = 0, at = 0;
    auto point = [&](uint32_t offset) {
      for (; at < offset && at < length; at++) {
        if (text[at] == u'\n') {
          row++;
          line_start = at + 1;
        }
      }
      return TSPoint{row, (offset - line_start) * 2};
    };
    for (size_t i = 0; i + 1 < count; i += 2) {
      uint32_t a = (uint32_t)r[i], b = (uint32_t)r[i + 1];
      if (a > length || b > length || b < a || a < at) {
        napi_value null;
        napi_get_null(env, &null);
        return null;
      }
      TSPoint pa = point(a);
      TSPoint pb = point(b);
      ranges.push_back(TSRange{pa, pb, a * 2, b * 2});
    }
    if (!ts_parser_set_included_ranges(parser, ranges.data(), (uint32_t)ranges.size())) {
      napi_value null;
      napi_get_null(env, &null);
      return null;
    }
  } else {
    ts_parser_set_included_ranges(parser, nullptr, 0);
  }
  TSTree *tree = ts_parser_parse_string_encoding(parser, nullptr, (const char *)text.data(), (uint32_t)(length * 2), TSInputEncodingUTF16LE);
  ts_parser_set_included_ranges(parser, nullptr, 0);
  if (!tree) return nullptr;
  TSNode root = ts_tree_root_node(tree);
  std::vector<uint32_t> start, end, parent, next, prev, children;
  std::vector<uint16_t> type;
  std::vector<uint8_t> field, flags;
  const size_t guess = ts_node_descendant_count(root) + 1;
  for (auto *v : {&start, &end, &parent, &next, &prev, &children}) v->reserve(guess);
  type.reserve(guess);
  field.reserve(guess);
  flags.reserve(guess);

  TSTreeCursor c = ts_tree_cursor_new(root);
  std::vector<Frame> stack;
  for (;;) {
    TSNode node = ts_tree_cursor_current_node(&c);
    uint32_t i = (uint32_t)type.size();
    start.push_back(ts_node_start_byte(node) / 2);
    end.push_back(ts_node_end_byte(node) / 2);
    type.push_back(ts_node_is_error(node) ? 0xffff : ts_node_symbol(node));
    field.push_back((uint8_t)ts_tree_cursor_current_field_id(&c));
    flags.push_back((ts_node_is_named(node) ? NAMED : 0) | (ts_node_is_missing(node) ? MISSING : 0) | (ts_node_has_error(node) ? HAS_ERROR : 0) |
                    (ts_node_is_extra(node) ? EXTRA : 0));
    next.push_back(NONE);
    children.push_back(0);
    if (stack.empty()) {
      parent.push_back(NONE);
      prev.push_back(NONE);
    } else {
      Frame &f = stack.back();
      parent.push_back(f.index);
      prev.push_back(f.last);
      if (f.last != NONE) next[f.last] = i;
      f.last = i;
      children[f.index]++;
    }
    if (ts_tree_cursor_goto_first_child(&c)) {
      stack.push_back(Frame{i, NONE});
      continue;
    }
    bool done = false;
    while (!ts_tree_cursor_goto_next_sibling(&c)) {
      if (!ts_tree_cursor_goto_parent(&c)) {
        done = true;
        break;
      }
      stack.pop_back();
    }
    if (done) break;
  }
  ts_tree_cursor_delete(&c);
  ts_tree_delete(tree);

  // One buffer: six Uint32Arrays (start, end, parent, next, prev, children), then type (Uint16),
  // then field and flags (Uint8), each count long.
  const size_t n = type.size();
  napi_value buffer, result, count;
  void *bytes = nullptr;
  if (napi_create_arraybuffer(env, n * 28, &bytes, &buffer) != napi_ok) return nullptr;
  uint8_t *out = (uint8_t *)bytes;
  for (auto *v : {&start, &end, &parent, &next, &prev, &children}) {
    std::memcpy(out, v->data(), n * 4);
    out += n * 4;
  }
  std::memcpy(out, type.data(), n * 2);
  out += n * 2;
  std::memcpy(out, field.data(), n);
  out += n;
  std::memcpy(out, flags.data(), n);
  if (napi_create_object(env, &result) != napi_ok || napi_create_double(env, (double)n, &count) != napi_ok ||
      napi_set_named_property(env, result, "buffer", buffer) != napi_ok || napi_set_named_property(env, result, "count", count) != napi_ok) {
    return nullptr;
  }
  return result;
}

// The names of the grammar's node types and fields by id, as flat trees number them.
Napi::Value FlatNames(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  const TSLanguage *lang = tree_sitter_go();
  Napi::Array types = Napi::Array::New(env);
  uint32_t count = ts_language_symbol_count(lang);
  for (uint32_t i = 0; i < count; i++) types[i] = Napi::String::New(env, ts_language_symbol_name(lang, (TSSymbol)i));
  Napi::Array fields = Napi::Array::New(env);
  uint32_t fcount = ts_language_field_count(lang);
  for (uint32_t i = 0; i <= fcount; i++) {
    const char *name = ts_language_field_name_for_id(lang, (TSFieldId)i);
    fields[i] = name ? Napi::Value(Napi::String::New(env, name)) : env.Null();
  }
  Napi::Object result = Napi::Object::New(env);
  result["types"] = types;
  result["fields"] = fields;
  return result;
}

}  // namespace

void InitFlat(Napi::Env env, Napi::Object exports) {
  napi_value parse;
  if (napi_create_function(env, "flatParse", NAPI_AUTO_LENGTH, FlatParse, nullptr, &parse) == napi_ok) exports["flatParse"] = Napi::Value(env, parse);
  exports["flatNames"] = Napi::Function::New(env, FlatNames, "flatNames");
}
