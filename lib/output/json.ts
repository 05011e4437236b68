// --format json (--json): the Document itself, one JSON value (schema/goshift.schema.json).
import type { Printer } from './printer.js';

export const jsonPrinter: Printer = {
  name: 'json',
  description: 'one JSON document of the run (schema/goshift.schema.json)',
  needsDiffs: true,
  *print(doc) {
    yield JSON.stringify(doc, null, 2) + '\n';
  },
};
