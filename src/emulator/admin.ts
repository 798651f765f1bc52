// The emulator's own endpoints under `/__emulator/`: counters, the whole tenant (client secrets included),
// fault switches. Anyone on the machine can reach a loopback port, so every one of them needs the admin
// token generated at start-up: `Authorization: Bearer <token>`.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { parseFaults, type FaultInjector } from './faults.js';
import type { StatsRecorder } from './stats.js';
import { present } from './grant-rules.js';
import { error, type Reply } from './reply.js';
import type { TenantStore } from './store.js';
import { parseJson } from './wire.js';

export const ADMIN_PREFIX = '/__emulator/';

/** 256 random bits, URL-safe, so it can go in a header or an environment variable as is. */
export function newAdminToken(): string {
  return randomBytes(32).toString('base64url');
}

export interface AdminDependencies {
  store: TenantStore;
  stats: StatsRecorder;
  faults: FaultInjector;
}

type AdminHandler = (body: string) => Reply;

export class AdminApi {
  private readonly expected: Buffer;
  private readonly routes: Record<string, AdminHandler>;

  constructor(token: string, deps: AdminDependencies) {
    this.expected = digest(token);
    this.routes = {
      'GET /__emulator/stats': () => ({ status: 200, body: deps.stats.current }),
      'GET /__emulator/state': () => ({ status: 200, body: { ...deps.store.state, grants: deps.store.state.grants.map(present) } }),
      'POST /__emulator/faults': (body) => setFaults(deps.faults, body),
      'POST /__emulator/reset-stats': () => {
        deps.stats.reset();
        return { status: 204 };
      },
    };
  }

  /** Answers an admin request; nothing is read or changed unless the token is right. */
  handle(method: string, pathname: string, authorization: string | undefined, body: string): { reply: Reply; headers: Record<string, string> } {
    if (!this.authorized(authorization)) {
      return {
        reply: error(401, 'The emulator admin endpoints need Authorization: Bearer <admin token>; `grantsync emulator` prints the token at start-up.'),
        headers: { 'www-authenticate': 'Bearer realm="grantsync emulator admin"' },
      };
    }
    const handler = this.routes[`${method} ${pathname}`];
    return { reply: handler ? handler(body) : error(404, 'Not Found'), headers: {} };
  }

  private authorized(header: string | undefined): boolean {
    const match = /^Bearer (\S+)$/i.exec(header ?? '');
    // Hashing first makes the comparison constant-time whatever the length of the presented token.
    return match !== null && timingSafeEqual(digest(match[1]!), this.expected);
  }
}

function setFaults(faults: FaultInjector, raw: string): Reply {
  const parsed = parseJson(raw);
  if (!parsed.ok) return error(400, 'The faults body is not JSON.');
  const checked = parseFaults(parsed.value);
  if ('problem' in checked) return error(400, `Faults not changed: ${checked.problem}.`);
  faults.set(checked.faults);
  return { status: 200, body: faults.current };
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
