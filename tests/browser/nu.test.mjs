// Every page kenshu writes passes the Nu HTML checker (vnu.jar from the npm
// package vnu-jar, run with the system's Java), errors only: the checker
// the W3C runs, stricter than html-validate on ARIA roles and attributes.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { PUBLIC_DIR } from './support.mjs';

const require = createRequire(import.meta.url);

test('every page passes the Nu HTML checker (errors only)', () => {
  const jar = String(require('vnu-jar'));
  let output = '';
  try {
    output = execFileSync('java', ['-jar', jar, '--errors-only', '--skip-non-html', '--format', 'gnu', PUBLIC_DIR], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (err) {
    output = `${err.stdout || ''}${err.stderr || ''}` || String(err);
  }
  const problems = output.split('\n').filter((line) => line.trim() !== '');
  assert.deepEqual(problems, [], `the Nu checker found:\n${problems.join('\n')}`);
});
