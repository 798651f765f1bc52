// Issue 16 item 5: a tenant whose client names, API identifiers and scopes are hostile. Every
// rendering (text, markdown, json, the PR comment, the job summary, annotations) shows them
// literally: no HTML, no `<!--` hiding the rest, no @mention, no broken code span, no raw control
// character and no line a CI runner reads as a workflow command.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Seed } from '../../src/emulator/seed.js';
import { visible } from '../../src/util/escape.js';
import { runCli } from '../helpers/cli.js';
import { DEMO_SEED, withEmulator } from '../helpers/emulator.js';
import { startFakeGitHub } from '../helpers/fake-github.js';
import { expectSafeMarkdown, expectSafeText } from '../helpers/output-safety.js';

const GITHUB_TOKEN = 'ghs_fakeTokenForHostileValues00000000';
const PAY = 'https://api.example.com/payments';

/** Client names as a tenant admin (or anyone who may create applications) could set them. */
const HOSTILE = {
  tick: 'tick`` ` <!-- the rest of the comment is hidden',
  mention: '@acme/security-team approve this',
  command: 'worker\r::error::pwned',
  ansi: '\u001b[2J\u001b[31mred\u001b]8;;https://evil.example\u0007link\u001b]8;;\u0007',
  details: '</details><img src=x onerror=alert(1)>',
  bidi: 'admin\u202e\u2066 \u009b2J \u2028next',
  lineStart: '::warning::starts a line',
};
const ids = Object.fromEntries(Object.keys(HOSTILE).map((key, i) => [key, `hostile${key.padEnd(23, '0')}${i}`])) as Record<keyof typeof HOSTILE, string>;
const HOSTILE_API = '::error::api `<!--` @team';
const HOSTILE_SCOPE = 'read:`x` <!-- @team';

const SEED: Seed = {
  ...DEMO_SEED,
  clients: [
    ...DEMO_SEED.clients!,
    ...(Object.keys(HOSTILE) as (keyof typeof HOSTILE)[]).map((key) => ({ client_id: ids[key], name: HOSTILE[key], app_type: 'non_interactive' })),
  ],
  resource_servers: [...DEMO_SEED.resource_servers!, { identifier: HOSTILE_API, name: 'Hostile', scopes: [HOSTILE_SCOPE] }],
  client_grants: [
    ...DEMO_SEED.client_grants!,
    // Updated by the grant files below: the update the reviewer could not see.
    { client_id: ids.tick, audience: PAY, scope: ['read:invoices'] },
    // Not declared anywhere, so deleted: each hostile name shows up in the plan.
    ...(['mention', 'command', 'ansi', 'details', 'bidi', 'lineStart'] as const).map((key) => ({ client_id: ids[key], audience: PAY, scope: ['read:invoices'] })),
    { client_id: ids.mention, audience: HOSTILE_API, scope: [HOSTILE_SCOPE] },
  ],
};

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.map((f) => f()));
  cleanup = [];
});

async function hostileRun(extraFiles: Record<string, string> = {}) {
  const { emulator, env } = await withEmulator({ seed: SEED });
  const github = await startFakeGitHub(GITHUB_TOKEN);
  cleanup.push(() => emulator.close(), () => github.close());
  const work = mkdtempSync(path.join(tmpdir(), 'grantsync-hostile-'));
  const dir = path.join(work, 'grants');
  cpSync(path.resolve('grants'), dir, { recursive: true });
  writeFileSync(path.join(dir, 'hostile.yaml'), `grants:\n  - client_id: ${ids.tick}\n    audience: ${PAY}\n    scope: [read:invoices, write:invoices]\n`);
  for (const [name, text] of Object.entries(extraFiles)) writeFileSync(path.join(dir, name), text);
  writeFileSync(path.join(work, 'event.json'), JSON.stringify({ number: 7, pull_request: { number: 7 } }));
  writeFileSync(path.join(work, 'summary.md'), '');
  writeFileSync(path.join(work, 'output.txt'), '');
  const actions = {
    ...env,
    GITHUB_ACTIONS: 'true',
    GITHUB_TOKEN,
    GITHUB_REPOSITORY: 'acme/grants',
    GITHUB_EVENT_PATH: path.join(work, 'event.json'),
    GITHUB_API_URL: github.url,
    GITHUB_STEP_SUMMARY: path.join(work, 'summary.md'),
    GITHUB_OUTPUT: path.join(work, 'output.txt'),
  };
  return { emulator, github, env, actions, dir, summary: () => readFileSync(path.join(work, 'summary.md'), 'utf8') };
}

/** The comment without the marker and digest lines grantsync puts first. */
function commentBody(body: string): string {
  const [marker, ...rest] = body.split('\n');
  expect(marker!.startsWith('<!-- grantsync-plan ')).toBe(true);
  // A plan's comment records its change-set digest next; a comment of problems has none.
  if (rest[0]?.startsWith('<!-- grantsync-digest')) expect(rest.shift()).toMatch(/^<!-- grantsync-digest sha256:[0-9a-f]{64} -->$/);
  return rest.join('\n');
}

describe('hostile client names, API identifiers and scopes', () => {
  it('text: control characters shown as \\u{..}, no line is a workflow command', async () => {
    const { env, dir } = await hostileRun();
    const result = await runCli(['plan', '--dir', dir], { env: { ...env, FORCE_COLOR: '0' } });
    expect(result.code).toBe(0);
    expectSafeText(result.stdout);
    expectSafeText(result.stderr);
    expect(result.stdout).toContain('Plan: 2 to create, 5 to update, 8 to delete.');
    expect(result.stdout).toContain(`  ~ update  ${visible(HOSTILE.tick)} (${ids.tick})`);
    expect(result.stdout).toContain('worker\\u{d}::error::pwned');
    expect(result.stdout).toContain('\\u{1b}[2J\\u{1b}[31mred');
    expect(result.stdout).toContain('admin\\u{202e}\\u{2066} \\u{9b}2J \\u{2028}next');
    // The API identifier heads its group at the start of a line: its first colon is escaped.
    expect(result.stdout).toContain('\n\\u{3a}:error::api `<!--` @team\n');
  });

  it('json: the exact values, and nothing a terminal acts on', async () => {
    const { env, dir } = await hostileRun();
    const result = await runCli(['plan', '--dir', dir, '--format', 'json'], { env });
    expect(result.code).toBe(0);
    expectSafeText(result.stdout);
    const names = JSON.parse(result.stdout).changes.map((c: { client_name: string }) => c.client_name);
    for (const name of Object.values(HOSTILE)) expect(names).toContain(name);
  });

  it('markdown on stdout, in the PR comment and in the job summary: every change visible, nothing live', async () => {
    const { github, env, actions, dir, summary } = await hostileRun();
    const stdout = await runCli(['plan', '--dir', dir, '--format', 'markdown'], { env });
    expect(stdout.code).toBe(0);
    const published = await runCli(['plan', '--dir', dir, '--comment', '--quiet'], { env: actions });
    expect(published.code).toBe(0);
    // The only workflow commands are grantsync's own least-privilege annotations, their properties escaped.
    expectSafeText(published.stdout, [/^::(warning|notice) title=grantsync,file=[^:,\n]*,line=\d+,col=\d+::/]);
    expect(github.comments).toHaveLength(1);
    for (const markdown of [stdout.stdout, commentBody(github.comments[0]!.body), summary()]) {
      const scan = expectSafeMarkdown(markdown);
      expect(markdown).toContain('**Plan: 2 to create, 5 to update, 8 to delete.**');
      // Every change is one list item, and each hostile client is shown whole inside a code span.
      expect(markdown.match(/^- (🟢|🟡|🔴|🟣)/gmu)).toHaveLength(15);
      for (const key of Object.keys(HOSTILE) as (keyof typeof HOSTILE)[]) {
        expect(scan.spans.map((s) => s.trim())).toContain(`${visible(HOSTILE[key])} (${ids[key]})`);
      }
      expect(scan.spans.map((s) => s.trim())).toContain(HOSTILE_API);
      expect(scan.fenced).toContain(`  - ${HOSTILE_SCOPE}`);
      // The comment still ends with its own footer: nothing opened an HTML comment or a <details>.
      expect(markdown.trimEnd().endsWith('</details>')).toBe(true);
    }
  });

  it('problems quoting hostile values: one escaped annotation per problem; safe comment, summary and stderr', async () => {
    const { emulator, github, actions, dir, summary } = await hostileRun({
      'bad.yaml': `grants:\n  - client: "@acme/security-team <!-- \\r::error::x \\e[31m"\n    audience: "${PAY}"\n    scope: ["read:\`x\` </details>"]\n`,
    });
    const result = await runCli(['plan', '--dir', dir, '--comment'], { env: actions });
    expect(result.code).toBe(1);
    const annotations = result.stdout.split('\n').filter((line) => line.startsWith('::'));
    expect(annotations).toHaveLength(2);
    expect(annotations[0]).toMatch(/^::error title=grantsync,file=[^:,]*bad\.yaml,line=2,col=13::no client is named "@acme\/security-team <!-- \\r::error::x \\u001b\[31m"\. /);
    expect(annotations[1]).toMatch(/^::error title=grantsync,file=[^:,]*bad\.yaml,line=4,col=13::scope "read:`x` <\/details>" is not defined/);
    expectSafeText(result.stdout, [/^::error title=grantsync,file=/]);
    expectSafeText(result.stderr);
    for (const markdown of [commentBody(github.comments[0]!.body), summary()]) {
      expectSafeMarkdown(markdown);
      expect(markdown).toContain('The grant files have 2 problems');
    }
    expect(emulator.stats().writes).toBe(0);
  });
});
