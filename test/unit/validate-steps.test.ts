// A plan validates a large grant file in steps, so that the tenant's answers are let in meanwhile
// (src/engine-reads.ts): the steps must give what validating in one go gives.
import { beforeEach, describe, expect, it } from 'vitest';
import { parseYamlFile } from '../../src/config/parse.js';
import { Validator } from '../../src/config/validate.js';

let validator!: Validator;
beforeEach(() => {
  validator = new Validator();
});

function parsed(text: string) {
  const result = parseYamlFile({ path: 'g.yaml', bytes: new TextEncoder().encode(text) });
  if (!result.ok) throw new Error('test file does not parse');
  return result.file;
}

const grants = (n: number, bad = -1): string =>
  `grants:\n${Array.from({ length: n }, (_, i) => `  - client_id: c${i}\n    audience: https://api\n    scope: [${i === bad ? '' : 'read'}]\n${i === bad ? '    allow_all_scopes: true\n' : ''}`).join('')}`;

describe('Validator.grantsSteps', () => {
  it('pauses after the schema check and every 100 grants', () => {
    const steps = validator.grantsSteps(parsed(grants(1000)));
    let pauses = 0;
    for (let step = steps.next(); !step.done; step = steps.next()) pauses++;
    expect(pauses).toBe(10);
  });

  it.each([0, 1, 99, 100, 101, 250])('gives what grants() gives (%i grants, one of them wrong)', (n) => {
    const file = parsed(grants(n, n - 1));
    const steps = validator.grantsSteps(file);
    let step = steps.next();
    while (!step.done) step = steps.next();
    expect(step.value).toEqual(validator.grants(file));
    if (n > 0) expect(step.value.problems.map((p) => p.location?.line)).toEqual([3 * n + 2]);
  });
});
