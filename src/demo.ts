// `npm run demo`: the embedded emulator with the demo tenant, then plan → apply → plan with the real CLI.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DEMO_DEPLOYER, DEMO_SEED } from './demo/tenant.js';
import { useColor } from './cli/environment.js';
import { startEmulator } from './emulator/server.js';

const cli = fileURLToPath(new URL('./cli.js', import.meta.url));

async function run(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const line = `$ grantsync ${args.join(' ')}`;
  process.stdout.write(`\n${useColor(process.env, process.stdout.isTTY === true) ? `\u001b[1m${line}\u001b[0m` : line}\n`);
  const child = spawn(process.execPath, [cli, ...args], { env, stdio: 'inherit' });
  return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
}

const emulator = await startEmulator({ seed: DEMO_SEED, randomSeed: 42 });
const env: NodeJS.ProcessEnv = {
  ...process.env,
  AUTH0_DOMAIN: emulator.url,
  AUTH0_CLIENT_ID: DEMO_DEPLOYER.clientId,
  AUTH0_CLIENT_SECRET: DEMO_DEPLOYER.clientSecret,
};
delete env.AUTH0_ACCESS_TOKEN;
console.log(`Demo tenant ${DEMO_SEED.tenant} is served by the local emulator at ${emulator.url} (no Auth0 account needed).`);
try {
  const first = await run(['plan', '--dir', 'grants', '--detailed-exitcode'], env);
  if (first !== 2) throw new Error(`the first plan should show changes (exit 2), it exited ${first}`);
  const applied = await run(['apply', '--dir', 'grants'], env);
  if (applied !== 0) throw new Error(`apply exited ${applied}`);
  const last = await run(['plan', '--dir', 'grants', '--detailed-exitcode'], env);
  if (last !== 0) throw new Error(`the plan after apply should be empty (exit 0), it exited ${last}`);
  const stats = emulator.stats();
  console.log(`\nDone: the tenant matches grants/. The emulator served ${stats.requests} requests (${stats.writes} writes).`);
} catch (error) {
  console.error(`\ndemo failed: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await emulator.close();
}
