// `grantsync expire`: the entries of the grant files whose `expires` day has come. Offline: the
// files only, no tenant. `--write` deletes them from the files here; `--open-pr` (the nightly job)
// keeps one pull request that deletes them (src/github/expiry-pr.ts), and writes nothing when
// nothing expired.
import { realpath, writeFile } from 'node:fs/promises';
import { HTTPError } from 'got';
import path from 'node:path';
import type { Redactor } from '../../api/redact.js';
import { parseDesiredState } from '../../config/load.js';
import { pruneExpired } from '../../config/prune.js';
import { readGrantsDirectory, repositoryFence } from '../../config/read.js';
import { Validator } from '../../config/validate.js';
import { GitHubError, InputError } from '../../errors.js';
import type { ExpiryFile, RemovedEntry } from '../../github/expiry-pr.js';
import { visible } from '../../util/escape.js';
import type { Env } from '../environment.js';
import { EXIT_OK } from '../exit.js';
import type { Io } from '../io.js';

export interface ExpireOptions {
  dir: string;
  quiet: boolean;
  allowOutside?: boolean;
  /** Delete the expired entries from the files in place. */
  write: boolean;
  /** Keep one pull request that deletes them (GITHUB_TOKEN, GITHUB_REPOSITORY). */
  openPr: boolean;
  /** The branch the pull request merges into (default: GITHUB_REF_NAME, else main). */
  base?: string;
  /** Today, YYYY-MM-DD (UTC), from main(). */
  today: string;
}

interface Edited {
  /** The path as read (for --write) and as the repository names it (for the pull request). */
  full: string;
  repoPath: string;
  content: string;
}

export async function expireCommand(options: ExpireOptions, env: Env, io: Io, redactor: Redactor): Promise<number> {
  const directory = await readGrantsDirectory(options.dir, { allowOutside: options.allowOutside ?? false });
  // Broken files are reported as every command reports them, and never edited.
  const loaded = parseDesiredState(directory, new Validator(), env);
  if (!loaded.ok) throw new InputError(loaded.problems);
  const root = (await repositoryFence(options.dir))?.root ?? path.resolve('.');
  const removed: RemovedEntry[] = [];
  const edited: Edited[] = [];
  for (const file of directory.files.filter((f) => path.basename(f.relative) !== 'grantsync.yaml')) {
    const text = new TextDecoder().decode(file.bytes).replace(/^\uFEFF/, '');
    const result = pruneExpired(text, options.today);
    if (result.removed.length === 0) continue;
    const repoPath = path.relative(root, await realpath(file.path)).split(path.sep).join('/');
    edited.push({ full: file.path, repoPath, content: result.text });
    removed.push(...result.removed.map((r) => ({ ...r, file: repoPath })));
  }
  // The directory as the repository names it: the same marker and branch whatever the working directory.
  const dirInRepo = path.relative(root, await realpath(options.dir)).split(path.sep).join('/') || '.';
  report(removed, options, io);
  if (options.write) {
    for (const file of edited) await writeFile(file.full, file.content);
    if (!options.quiet && edited.length > 0) io.err(`Deleted them from ${edited.length} file${edited.length === 1 ? '' : 's'}.\n`);
  }
  if (options.openPr) await openPullRequest(edited.map((f): ExpiryFile => ({ path: f.repoPath, content: f.content })), removed, { ...options, dir: dirInRepo }, env, io, redactor);
  return EXIT_OK;
}

function report(removed: readonly RemovedEntry[], options: ExpireOptions, io: Io): void {
  if (removed.length === 0) {
    io.out(`Nothing in ${visible(options.dir)} has expired (today is ${options.today}, UTC).\n`);
    return;
  }
  io.out(`${removed.length} ${removed.length === 1 ? 'entry' : 'entries'} in ${visible(options.dir)} expired (today is ${options.today}, UTC):\n`);
  for (const r of removed) {
    const what = r.scope === null ? 'the grant' : `scope ${visible(r.scope)} of`;
    io.out(`  ${visible(`${r.file}:${r.line}`)}: ${what} ${visible(r.client ?? 'default grant')} → ${visible(r.audience)}, expired on ${r.expired_on}\n`);
  }
}

async function openPullRequest(files: ExpiryFile[], removed: RemovedEntry[], options: ExpireOptions, env: Env, io: Io, redactor: Redactor): Promise<void> {
  const { githubContext } = await import('../../github/comment.js');
  const { expiryMarker, expiryPullText, syncExpiryPullRequest } = await import('../../github/expiry-pr.js');
  const context = githubContext(env, { option: '--open-pr', permission: 'contents: write` and `pull-requests: write' });
  redactor.add(context.token);
  const base = options.base ?? (env.GITHUB_REF_NAME || 'main');
  const runUrl = env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}` : undefined;
  const text = expiryPullText(options.dir, removed, runUrl);
  const request = {
    marker: expiryMarker(options.dir),
    ...text,
    body: redactor.redact(text.body),
    commitMessage: redactor.redact(text.commitMessage),
    branch: `grantsync/expire-${options.dir.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+/, '')}-${options.today}`,
    base,
    // The files were read at the checked-out commit: the edit is made on that commit, never on a newer one.
    ...(env.GITHUB_SHA ? { parent: env.GITHUB_SHA } : {}),
    files,
  };
  const result = await syncExpiryPullRequest(context, request).catch((error: unknown) => {
    const status = error instanceof HTTPError ? error.response.statusCode : undefined;
    throw new GitHubError(
      redactor.redact(`could not open or update the expiry pull request: ${(error as Error).message}`) +
        (status === 403 || status === 401 ? '. The job needs `permissions: contents: write, pull-requests: write`, and the repository must allow GitHub Actions to create pull requests.' : '') +
        (status === 422 ? `. Is there a branch ${request.branch} already? Delete it, or close the pull request it belongs to.` : ''),
      { cause: error },
    );
  });
  if (result.ignored > 0) io.err(`Left alone ${result.ignored} open pull request(s) with the expiry marker that ${visible(result.identity.login)} did not open.\n`);
  if (options.quiet) return;
  const what = { opened: 'Opened the expiry pull request', updated: 'Updated the expiry pull request', closed: 'Closed the expiry pull request (nothing has expired any more)', none: 'No expiry pull request needed' }[result.action];
  io.err(`${what}${result.number ? ` #${result.number}` : ''}${result.url ? `: ${visible(result.url)}` : ''}.\n`);
}
