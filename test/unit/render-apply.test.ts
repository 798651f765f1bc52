// What apply prints, per view: the human lines (outcomes, the report's verdicts, changes not started),
// the JSON report, and the --verbose line on how the tenant is re-read. Pure, so in-process.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Outcome } from '../../src/apply/apply.js';
import type { VerifyReads } from '../../src/apply/verify-reads.js';
import type { Change, Plan } from '../../src/model/types.js';
import { applyView, describeVerifyReads, formatOutcome, NOT_STARTED_PER_LINE, notStartedLines, tally, type ApplyReport } from '../../src/render/apply.js';

const PAY = 'https://api.example.com/payments';

function change(action: Change['action'], client_id = 'billing', extra: Partial<Change> = {}): Change {
  return {
    action, client_id, audience: PAY, subject_type: 'client', flags: [],
    before: action === 'create' ? null : { scope: ['read:invoices'] },
    after: action === 'delete' ? null : { scope: ['read:invoices', 'write:invoices'] },
    ...extra,
  };
}

const plan: Plan = {
  tenant: 'acme.eu.auth0.com', fingerprint: 'fp', digest: 'dg', changes: [change('update')], unmanagedByReason: {},
  summary: { create: 0, update: 1, delete: 0, replace: 0, unchanged: 0, unmanaged: 0 },
};
const created: Outcome = { change: change('create', 'mailer', { client_name: 'invoice-mailer' }), kind: 'created' };
const adopted: Outcome = { change: change('create'), kind: 'adopted', note: 'adopted an existing grant (409)' };
const failed: Outcome = { change: change('delete', 'old'), kind: 'failed', error: new Error('HTTP 500') };
const skipped: Outcome = { change: change('update'), kind: 'skipped', note: 'interrupted' };

function report(outcomes: Outcome[], extra: Partial<ApplyReport> = {}): ApplyReport {
  return { plan, outcomes, remaining: 0, finishedAt: Date.UTC(2026, 10, 30, 12), ...extra };
}

describe('formatOutcome and tally', () => {
  it.each([
    [created, '  ✓ create  invoice-mailer (mailer) → https://api.example.com/payments'],
    [adopted, '  ✓ create  billing → https://api.example.com/payments (adopted an existing grant (409))'],
    [failed, '  ✗ delete  old → https://api.example.com/payments: HTTP 500'],
    [skipped, '  · update  billing → https://api.example.com/payments (interrupted)'],
    [{ change: change('update', 'x\u001b[31m'), kind: 'updated' } as Outcome, '  ✓ update  x\\u{1b}[31m → https://api.example.com/payments'],
  ])('%#: one line per outcome, values shown visibly', (outcome, line) => {
    expect(formatOutcome(outcome)).toBe(line);
  });

  it('counts failed and not started', () => {
    expect(tally([])).toEqual({ failed: 0, skipped: 0 });
    expect(tally([created, failed, skipped, skipped, adopted, failed, failed])).toEqual({ failed: 3, skipped: 2 });
  });
});

describe('notStartedLines', () => {
  const skips = (actions: Change['action'][]): Outcome[] => actions.map((a) => ({ change: change(a), kind: 'skipped' }));

  it('nothing when every change started', () => {
    expect(notStartedLines([created, failed])).toBe('');
  });
  it('one change, counted by action', () => {
    expect(notStartedLines([created, ...skips(['delete'])])).toBe('  · not started: 1 change (1 delete)\n');
  });
  it('counts each action in order of first appearance', () => {
    expect(notStartedLines(skips(['update', 'delete', 'update', 'create']))).toBe('  · not started: 4 changes (2 update, 1 delete, 1 create)\n');
  });
  it.each([
    [NOT_STARTED_PER_LINE, [`  · not started: ${NOT_STARTED_PER_LINE} changes (${NOT_STARTED_PER_LINE} update)\n`]],
    [NOT_STARTED_PER_LINE + 1, [`  · not started: ${NOT_STARTED_PER_LINE} changes (${NOT_STARTED_PER_LINE} update)\n`, '  · not started: 1 change (1 update)\n']],
    [2 * NOT_STARTED_PER_LINE + 3, [
      `  · not started: ${NOT_STARTED_PER_LINE} changes (${NOT_STARTED_PER_LINE} update)\n`,
      `  · not started: ${NOT_STARTED_PER_LINE} changes (${NOT_STARTED_PER_LINE} update)\n`,
      '  · not started: 3 changes (3 update)\n',
    ]],
  ])('%i not started: one line per %s', (count, lines) => {
    expect(notStartedLines(skips(Array.from({ length: count }, () => 'update' as const)))).toBe(lines.join(''));
  });
});

describe('the human view', () => {
  let view!: ReturnType<typeof applyView>;
  let quiet!: ReturnType<typeof applyView>;
  beforeEach(() => {
    view = applyView('text', { quiet: false });
    quiet = applyView('markdown', { quiet: true });
  });

  it('prints the plan through the renderer, and the start', () => {
    expect(view.plan(plan, (p) => `plan of ${p.tenant}`)).toBe('plan of acme.eu.auth0.com');
    expect(view.nothingToApply(plan)).toBe('Nothing to apply.\n');
    expect(view.starting(1)).toBe('\nApplying 1 change…\n');
    expect(view.starting(3)).toBe('\nApplying 3 changes…\n');
  });

  it('one line per finished change, none when quiet or not started', () => {
    expect(view.outcome(failed)).toBe(`${formatOutcome(failed)}\n`);
    expect(view.outcome(created)).toBe(`${formatOutcome(created)}\n`);
    expect(view.outcome(skipped)).toBeUndefined();
    expect(quiet.outcome(failed)).toBeUndefined();
  });

  it('failures again when quiet, and only then', () => {
    expect(view.quietFailures([failed])).toBeUndefined();
    expect(quiet.quietFailures([created, skipped])).toBeUndefined();
    expect(quiet.quietFailures([created, failed, failed])).toBe(`${formatOutcome(failed)}\n${formatOutcome(failed)}\n`);
  });

  it.each<[string, ApplyReport, string]>([
    ['verified', report([created, adopted]), '\nApplied 2 of 2 changes.\nVerified: the tenant now matches the YAML.\n'],
    ['failed and not converged', report([created, failed], { remaining: 1 }), '\nApplied 1 of 2 changes, 1 failed.\nNot converged: 1 difference(s) remain after re-reading the tenant.\n'],
    [
      'interrupted, re-read failed',
      report([created, skipped], { remaining: undefined, verifyError: new Error('socket hang up') }),
      '\nApplied 1 of 2 changes, 1 not started (interrupted).\n  · not started: 1 change (1 update)\nNot verified: re-reading the tenant failed (socket hang up).\n',
    ],
    [
      'stopped by the breaker',
      report([failed, skipped, skipped], { remaining: undefined, stopped: 'the API is down\u0007' }),
      '\nApplied 0 of 3 changes, 1 failed, 2 not started (stopped: the API is down\\u{7}).\n  · not started: 2 changes (2 update)\n' +
        'Not verified: the tenant was not re-read. Nothing already applied is lost; a re-run converges once the Management API is reachable.\n',
    ],
    ['stopped but re-read', report([skipped], { remaining: 0, stopped: 'down' }), '\nApplied 0 of 1 changes, 1 not started (stopped: down).\n  · not started: 1 change (1 update)\nVerified: the tenant now matches the YAML.\n'],
    ['re-read failed without an error', report([created], { remaining: undefined }), '\nApplied 1 of 1 changes.\nNot verified: re-reading the tenant failed (undefined).\n'],
  ])('report: %s', (_name, r, text) => {
    expect(view.report(r)).toBe(text);
  });

  it('says when removed access is fully effective, only when something was applied', () => {
    const reviewed: Plan = { ...plan, review: { risks: [], clients: [], apis: [], revocations: [], fully_effective_after: 7200 } };
    expect(view.report(report([created], { plan: reviewed }))).toBe(
      '\nApplied 1 of 1 changes.\nVerified: the tenant now matches the YAML.\n' +
        'Removed access is fully effective by 2026-11-30T14:00:00.000Z: tokens issued before the apply live up to 2 h.\n',
    );
    expect(view.report(report([failed], { plan: reviewed, remaining: 1 }))).not.toContain('fully effective');
    expect(view.report(report([created]))).not.toContain('fully effective');
  });
});

describe('the JSON view', () => {
  let view!: ReturnType<typeof applyView>;
  beforeEach(() => {
    view = applyView('json', { quiet: false });
  });

  it('prints nothing until the report', () => {
    expect(view.plan(plan, () => 'text')).toBeUndefined();
    expect(view.starting(2)).toBeUndefined();
    expect(view.outcome(created)).toBeUndefined();
    expect(view.quietFailures([failed])).toBeUndefined();
    expect(applyView('json', { quiet: true }).quietFailures([failed])).toBeUndefined();
  });

  it('nothing to apply: the plan, no outcomes, converged', () => {
    const json = JSON.parse(view.nothingToApply(plan));
    expect(json).toMatchObject({ outcomes: [], converged: true, plan: { fingerprint: 'fp' } });
    expect(view.nothingToApply(plan).endsWith('}\n')).toBe(true);
  });

  it('every outcome with its status, note or error', () => {
    const text = view.report(report([created, adopted, failed, skipped], { remaining: 2, stopped: 'down' }));
    expect(text.endsWith('}\n')).toBe(true);
    const json = JSON.parse(text);
    expect(json.outcomes).toEqual([
      { action: 'create', client_id: 'mailer', audience: PAY, subject_type: 'client', status: 'applied', kind: 'created' },
      { action: 'create', client_id: 'billing', audience: PAY, subject_type: 'client', status: 'adopted', kind: 'adopted', note: 'adopted an existing grant (409)' },
      { action: 'delete', client_id: 'old', audience: PAY, subject_type: 'client', status: 'failed', kind: 'failed', error: 'HTTP 500' },
      { action: 'update', client_id: 'billing', audience: PAY, subject_type: 'client', status: 'skipped', kind: 'skipped', note: 'interrupted' },
    ]);
    expect(json).toMatchObject({ converged: false, remaining: 2, stopped: 'down', plan: { digest: 'dg' } });
    expect(JSON.parse(view.report(report([created])))).toMatchObject({ converged: true, remaining: 0, stopped: null });
    expect(JSON.parse(view.report(report([created], { remaining: undefined })))).toMatchObject({ converged: false, remaining: null });
  });
});

describe('describeVerifyReads', () => {
  it.each<[VerifyReads, string]>([
    [{ by: 'all', pages: 1, estimateMs: 99 }, 'Verifying: re-reading every grant in one listing (1 page, under 0.1 s)'],
    [{ by: 'all', pages: 30, estimateMs: 100 }, 'Verifying: re-reading every grant in one listing (30 pages, about 0.1 s)'],
    [{ by: 'audience', audiences: ['a'], pages: 2, estimateMs: 4500 }, 'Verifying: re-reading the grants of 1 API side by side (2 pages, about 4.5 s)'],
    [{ by: 'audience', audiences: ['a', 'b'], pages: 2, estimateMs: 1234 }, 'Verifying: re-reading the grants of 2 APIs side by side (2 pages, about 1.2 s)'],
  ])('%o', (reads, line) => {
    expect(describeVerifyReads(reads)).toBe(line);
  });
});
