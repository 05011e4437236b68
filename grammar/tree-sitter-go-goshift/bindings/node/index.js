// Built from src/ by `npm install` (node-gyp-build: build/Release, compiled against the local Node headers).
const root = require("path").join(__dirname, "..", "..");

module.exports = require("node-gyp-build")(root);

try {
  module.exports.nodeTypeInfo = require("../../src/node-types.json");
} catch (_) {}
