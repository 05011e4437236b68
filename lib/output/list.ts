// --format list (-l): the paths of the files that change, one a line, in path order.
import type { Printer } from './printer.js';

export const listPrinter: Printer = {
  name: 'list',
  description: 'the paths of the files that change',
  needsDiffs: false,
  *print(doc) {
    for (const f of doc.files) if (f.status === 'changed') yield f.path + '\n';
  },
};
