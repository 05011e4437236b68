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
Napi::Value FlatParse(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) {
    Napi::TypeError::New(env, "flatParse wants a string").ThrowAsJavaScriptException();
    return env.Null();
  }
  size_t length = 0;
  napi_get_value_string_utf16(env, info[0], nullptr, 0, &length);
  std::vector<char16_t> text(length + 1);
  napi_get_value_string_utf16(env, info[0], text.data(), length + 1, &length);

  TSParser *parser = parser_for_thread();
  std::vector<TSRange> ranges;
  if (info.Length() > 1 && info[1].IsTypedArray()) {
    Napi::Int32Array r = info[1].As<Napi::Int32Array>();
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
    for (size_t i = 0; i + 1 < r.ElementLength(); i += 2) {
      uint32_t a = (uint32_t)r[i], b = (uint32_t)r[i + 1];
      TSPoint pa = point(a);
      TSPoint pb = point(b);
      ranges.push_back(TSRange{pa, pb, a * 2, b * 2});
    }
    if (!ts_parser_set_included_ranges(parser, ranges.data(), (uint32_t)ranges.size())) return env.Null();
  } else {
    ts_parser_set_included_ranges(parser, nullptr, 0);
  }
  TSTree *tree = ts_parser_parse_string_encoding(parser, nullptr, (const char *)text.data(), (uint32_t)(length * 2), TSInputEncodingUTF16LE);
  ts_parser_set_included_ranges(parser, nullptr, 0);
  if (!tree) return env.Null();

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
  Napi::ArrayBuffer buffer = Napi::ArrayBuffer::New(env, n * 28);
  uint8_t *out = (uint8_t *)buffer.Data();
  for (auto *v : {&start, &end, &parent, &next, &prev, &children}) {
    std::memcpy(out, v->data(), n * 4);
    out += n * 4;
  }
  std::memcpy(out, type.data(), n * 2);
  out += n * 2;
  std::memcpy(out, field.data(), n);
  out += n;
  std::memcpy(out, flags.data(), n);
  Napi::Object result = Napi::Object::New(env);
  result["buffer"] = buffer;
  result["count"] = Napi::Number::New(env, (double)n);
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
  exports["flatParse"] = Napi::Function::New(env, FlatParse, "flatParse");
  exports["flatNames"] = Napi::Function::New(env, FlatNames, "flatNames");
}
