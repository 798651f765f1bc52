// Issue 19: on a terminal apply shows the plan and asks for `yes`; --auto-approve skips it; in CI
// (stdin not a terminal) it does not ask, except for a plan flagged self-escalation, which is
// refused there without --auto-approve. A second Ctrl-C says it exits now and what may be half done.
import { describe, expect, it } from 'vitest';
import { runInProcess } from '../helpers/inprocess.js';
import type { Prompt } from '../../src/cli/confirm.js';
import type { Emulator } from '../../src/emulator/server.js';
import { runCli, startCli, type CliResult } from '../helpers/cli.js';
import { writeTree } from '../helpers/directory.js';
import { DEMO_DEPLOYER, emulatorsClosedAfterEach, writeRequests } from '../helpers/emulator.js';

const withEmulator = emulatorsClosedAfterEach();

async function tenant(latencyMs?: number): Promise<{ emulator: Emulator; env: Record<string, string> }> {
  const started = await withEmulator(latencyMs ? { latencyMs } : {});
  return started;
}

/** The repository's grants, plus a grant of update:client_grants to reporting-etl: flagged self-escalation. */
function escalatingGrants(): string {
  return writeTree({
    'grantsync.yaml': 'manage: { audiences: [auth0-management-api] }\npipeline_clients: [grantsync-deployer]\n',
    'mapi.yaml': 'grants:\n  - client: reporting-etl\n    audience: auth0-management-api\n    scope: [update:client_grants]\n',
  });
}

function plainGrants(): string {
  return writeTree({
    'grantsync.yaml': 'manage: { audiences: [https://api.example.com/ledger] }\nexclude: { clients: [legacy-batch] }\n',
    'ledger.yaml': 'grants:\n  - client: reporting-etl\n    audience: https://api.example.com/ledger\n    scope: [read:entries]\n',
  });
}

const inProcess = (argv: string[], env: Record<string, string>, prompt: Prompt): Promise<CliResult> => runInProcess(argv, env, prompt);

const terminal = (answer: string | undefined): Prompt => ({ isTTY: true, readLine: async () => answer });

describe('apply asks before it writes', () => {
  it('on a terminal: the plan, then `yes`; any other answer writes nothing', async () => {
    const { emulator, env } = await tenant();
    const dir = plainGrants();
    const no = await inProcess(['apply', '--dir', dir, '--quiet'], env, terminal('y'));
    expect(no.code).toBe(1);
    expect(no.stdout).toContain('Plan: 0 to create, 1 to update, 0 to delete.');
    expect(no.stderr).toContain("Only 'yes' is accepted.\n  Enter a value: ");
    expect(no.stderr).toContain("error: apply refused: the answer was not 'yes'; nothing was changed.");
    expect(writeRequests(emulator)).toBe(0);

    const yes = await inProcess(['apply', '--dir', dir, '--quiet'], env, terminal('yes'));
    expect(yes.code, yes.stderr).toBe(0);
    expect(writeRequests(emulator)).toBe(1);
  });

  it('--auto-approve does not ask; stdin that is not a terminal is never asked for an ordinary plan', async () => {
    const { env } = await tenant();
    const asked: string[] = [];
    const never: Prompt = { isTTY: true, readLine: async () => (asked.push('asked'), undefined) };
    expect((await inProcess(['apply', '--dir', plainGrants(), '--quiet', '--auto-approve'], env, never)).code).toBe(0);
    const ci = await runCli(['apply', '--dir', plainGrants(), '--quiet'], { env });
    expect(ci.code, ci.stderr).toBe(0);
    expect(ci.stderr).not.toContain('Enter a value');
    expect(asked).toEqual([]);
  });

  it('a plan flagged self-escalation is asked for even in CI: refused without an answer, applied with --auto-approve or a piped yes', { timeout: 60_000 }, async () => {
    const { emulator, env } = await tenant();
    const dir = escalatingGrants();
    const refused = await runCli(['apply', '--dir', dir, '--quiet'], { env });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('self-escalation');
    expect(refused.stderr).toContain('1 of them is flagged self-escalation');
    expect(refused.stderr).toContain('error: apply refused: no answer to the confirmation (stdin is not a terminal and gave none); nothing was changed. A plan flagged self-escalation is confirmed even in CI: pass --auto-approve where the plan was reviewed.');
    expect(writeRequests(emulator)).toBe(0);

    const piped = startCli(['apply', '--dir', dir, '--quiet'], { env, stdin: 'yes\n' });
    expect((await piped.done).code).toBe(0);
    expect(emulator.store.state.grants.some((g) => g.client_id === 'rptEtl333333333333333333333333C' && g.scope?.includes('update:client_grants'))).toBe(true);
  });
});

describe('Ctrl-C twice', () => {
  it('the second one exits at once and says what may be half done', { timeout: 60_000 }, async () => {
    const { emulator, env } = await tenant(200);
    // 60 creates, slow enough to interrupt.
    const clients = emulator.store.state.clients.filter((c) => c.client_id !== DEMO_DEPLOYER.clientId && !c.global && c.name !== 'legacy-batch').slice(0, 6);
    const apis = ['https://api.example.com/payments', 'https://api.example.com/ledger', 'https://api.example.com/notifications'];
    const lines = clients.flatMap((c) => apis.map((a) => `  - client_id: ${c.client_id}\n    audience: ${a}\n    scope: []\n    subject_type: user\n`));
    const dir = writeTree({ 'grantsync.yaml': 'manage: { audiences: [https://api.example.com/payments, https://api.example.com/ledger, https://api.example.com/notifications] }\nexclude: { clients: [legacy-batch] }\nmax_deletes: 100\n', 'all.yaml': `grants:\n${lines.join('')}` });
    const apply = startCli(['apply', '--dir', dir, '--concurrency', '1'], { env });
    await emulator.untilWrites(1);
    apply.child.kill('SIGINT');
    await apply.waitFor(/Interrupted:/, 'stderr');
    apply.child.kill('SIGINT');
    const { code, stderr } = await apply.done;
    expect(code).toBe(1);
    expect(stderr).toContain('Second interrupt: exiting now. Changes in flight may be half done');
    expect(stderr).toContain('run apply again: it converges.');
  });
});
