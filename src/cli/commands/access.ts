// `grantsync access`: who can reach which API with what, once the YAML is applied. Read-only, for
// audits: the same view as a plan's review, over every client and API instead of the touched ones.
import type { Redactor } from '../../api/redact.js';
import type { AccessReview } from '../../model/review.js';
import { reviewAccess } from '../../review/access.js';
import { accessMarkdown, accessText, reviewJson } from '../../render/review.js';
import { tenantTitle } from '../../render/words.js';
import { codeSpan, safeJson, visible } from '../../util/escape.js';
import { EXIT_OK } from '../exit.js';
import type { Env } from '../environment.js';
import type { Io } from '../io.js';
import { openSession, planDirectory, type CommonOptions } from '../session.js';
import type { Format } from './plan.js';

export interface AccessOptions extends CommonOptions {
  format: Format;
  /** Only this client (name or id). */
  client?: string;
  /** Only this API (identifier). */
  api?: string;
}

export async function accessCommand(options: AccessOptions, env: Env, io: Io, redactor: Redactor): Promise<number> {
  const session = openSession(env, io, redactor, options);
  const planned = await planDirectory(session, io, options.dir, env);
  const review = reviewAccess({
    changes: planned.plan.changes,
    live: planned.tenant.grants,
    clientNames: new Map(planned.tenant.clients.map((c) => [c.client_id, c.name])),
    organizationNames: new Map((planned.tenant.organizations ?? []).map((o) => [o.id, o.name])),
    resourceServers: planned.tenant.resourceServers,
    scope: 'all',
  });
  const view = io.redactValues(narrow(review, options));
  const title = tenantTitle(planned.plan);
  const pending = planned.plan.changes.length;
  const note = pending > 0 ? `(as the YAML says: ${pending} change${pending === 1 ? '' : 's'} not applied yet)` : '(the tenant matches the YAML)';
  if (options.format === 'json') {
    io.out(`${safeJson(JSON.stringify({ tenant: planned.plan.tenant, pending_changes: pending, clients: reviewJson(view).clients, apis: reviewJson(view).apis }, null, 2))}\n`);
  } else if (options.format === 'markdown') {
    io.out(`### grantsync access for ${tenantTitle(planned.plan, codeSpan)}\n\n${note}\n\n${accessMarkdown(view)}\n`);
  } else {
    io.out(`grantsync access for ${visible(title)} ${note}\n\n${accessText(view).join('\n')}\n`);
  }
  return EXIT_OK;
}

/** --client and --api keep the rows that name them (a client by name or id). */
function narrow(review: AccessReview, options: AccessOptions): AccessReview {
  const clientMatches = (c: { client_id: string; client_name: string | null }): boolean =>
    options.client === undefined || c.client_id === options.client || c.client_name === options.client;
  const apiMatches = (audience: string): boolean => options.api === undefined || audience === options.api;
  return {
    ...review,
    risks: [],
    revocations: [],
    fully_effective_after: undefined,
    clients: review.clients.filter(clientMatches).map((c) => ({ ...c, apis: c.apis.filter((a) => a.status !== 'removed' && apiMatches(a.audience)) })).filter((c) => c.apis.length > 0),
    apis: review.apis
      .filter((a) => apiMatches(a.audience))
      .map((a) => ({ ...a, scopes: a.scopes.map((s) => ({ ...s, holders: s.holders.filter(clientMatches) })).filter((s) => s.holders.length > 0) })),
  };
}
