// `grantsync validate`: the files alone, or the files against the tenant when AUTH0_DOMAIN is set.
import type { Redactor } from '../../api/redact.js';
import { offlineDuplicates } from '../../config/duplicates.js';
import { loadDirectory } from '../../engine.js';
import { InputError } from '../../errors.js';
import type { Env } from '../environment.js';
import { EXIT_OK, strictExitCode } from '../exit.js';
import type { Io } from '../io.js';
import type { CommonOptions } from '../session.js';
import { refuseWriteCredentials } from '../write-credentials.js';
import { lintText } from '../../render/lint.js';
import { tenantTitle } from '../../render/words.js';
import { renderProblems } from '../../render/problems.js';
import { applyExpiry, expiryWarnings, utcDay } from '../../resolve/expiry.js';

export interface ValidateOptions extends CommonOptions {
  offline: boolean;
  /** Run in a pull-request job even with create:/update:/delete: scopes. */
  allowWriteCredentials?: boolean;
  /** Online: exit 1 when the least-privilege checks warn. */
  strict?: boolean;
}

/** Says which mode validate runs in, and why, before anything is read: online needs credentials too. */
export async function validateCommand(options: ValidateOptions, env: Env, io: Io, redactor: Redactor): Promise<number> {
  if (options.offline || !env.AUTH0_DOMAIN) {
    if (!options.quiet) io.err(`Validating ${options.dir} offline: the files only (${options.offline ? '--offline' : 'AUTH0_DOMAIN is not set'}).\n`);
    const state = await loadDirectory(options.dir, env, { allowOutside: options.allowOutside ?? false });
    const duplicates = offlineDuplicates(state.grants);
    if (duplicates.length > 0) throw new InputError(duplicates);
    // Online, the plan warns (src/engine.ts); offline, the files alone say what expires.
    const warnings = expiryWarnings(applyExpiry(state.grants, options.today ?? utcDay(new Date())));
    if (warnings.length > 0) io.err(renderProblems(warnings));
    io.out(`${options.dir}: ${state.grants.length} grants are valid (files only; set AUTH0_DOMAIN to check names and scopes against the tenant).\n`);
    return EXIT_OK;
  }
  // The HTTP client and everything online only when online: offline, loading it cost 24 MB of the
  // peak RSS (issue 14, validate of 10,000 grants).
  const { openSession, planDirectory } = await import('../session.js');
  const session = openSession(env, io, redactor, options);
  if (!options.quiet) io.err(`Validating ${options.dir} online, against ${session.environment.endpoint.host} (AUTH0_DOMAIN is set; --offline checks the files only).\n`);
  const planned = await planDirectory(session, io, options.dir, env, {
    beforeReads: () => refuseWriteCredentials(session.client.tokens, env, options.allowWriteCredentials === true),
  });
  // The least-privilege checks need the tenant, so only online validation has them.
  io.err(lintText(planned.plan.lint).join('\n'));
  io.out(`${options.dir}: ${planned.state.grants.length} grants are valid against ${tenantTitle(planned.plan)}.\n`);
  return (options.strict ? strictExitCode(planned.plan.lint, io) : undefined) ?? EXIT_OK;
}
