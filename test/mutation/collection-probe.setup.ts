// Setup of the collection probe (test/mutation/collection-probe.config.ts): records each src function
// that runs while no test is running, that is while a test file loads or a describe body runs.
import { appendFileSync } from 'node:fs';
import { afterEach, beforeEach, expect } from 'vitest';

const probe = globalThis as { __grantsyncInTest?: boolean; __grantsyncProbe?: (where: string) => void };
const out = process.env.GRANTSYNC_COLLECTION_PROBE_OUT;
const seen = new Set<string>();
probe.__grantsyncInTest = false;
probe.__grantsyncProbe = (where) => {
  if (probe.__grantsyncInTest || out === undefined) return;
  const line = `${expect.getState().testPath ?? '(no test file)'} → src/${where}`;
  if (seen.has(line)) return;
  seen.add(line);
  appendFileSync(out, `${line}\n`);
};
beforeEach(() => {
  probe.__grantsyncInTest = true;
});
afterEach(() => {
  probe.__grantsyncInTest = false;
});
