// Every page kenshu writes is valid HTML5: html-validate's "standard" preset
// (the rules about what the HTML specification allows, not style), run over
// each .html file of the built site on disk. No browser needed.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { HtmlValidate } from 'html-validate';
import { PUBLIC_DIR } from './support.mjs';

function htmlFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return htmlFiles(full);
    return entry.name.endsWith('.html') ? [full] : [];
  });
}

test('every page is valid HTML5', async () => {
  const validator = new HtmlValidate({ extends: ['html-validate:standard'] });
  const files = htmlFiles(PUBLIC_DIR);
  assert.ok(files.length > 40, `expected the whole portal, found ${files.length} pages`);
  const problems = [];
  for (const file of files) {
    const report = await validator.validateFile(file);
    for (const result of report.results) {
      for (const m of result.messages) {
        problems.push(`${path.relative(PUBLIC_DIR, file)}:${m.line}:${m.column}: ${m.ruleId}: ${m.message}`);
      }
    }
  }
  assert.deepEqual(problems, [], `invalid HTML:\n${problems.join('\n')}`);
});
