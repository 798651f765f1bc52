// `grantsync init [--dir grants] [--github] [--force]`: start using grantsync in any repository.
// Writes <dir>/grantsync.yaml and, with --github, the plan, apply, drift and expire workflows that call the
// reusable action at this version. Never overwrites a file without --force.
import { mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseDomain } from '../../api/domain.js';
import { InputError } from '../../errors.js';
import { applyWorkflow, driftWorkflow, expireWorkflow, nextSteps, planWorkflow, settingsFile, type InitTemplateOptions } from '../../init/templates.js';
import type { Env } from '../environment.js';
import { EXIT_OK } from '../exit.js';
import type { Io } from '../io.js';
import { onUserFile } from '../user-files.js';

export interface InitOptions {
  dir: string;
  github: boolean;
  force: boolean;
}

export async function initCommand(options: InitOptions, env: Env, io: Io, version: string): Promise<number> {
  const dir = relativeDir(options.dir);
  const templates: InitTemplateOptions = { dir, version, ...tenantOf(env) };
  const files: [string, string][] = [[path.join(options.dir, 'grantsync.yaml'), settingsFile(templates)]];
  if (options.github) {
    const workflows = path.join('.github', 'workflows');
    files.push(
      [path.join(workflows, 'grants-plan.yml'), planWorkflow(templates)],
      [path.join(workflows, 'grants-apply.yml'), applyWorkflow(templates)],
      [path.join(workflows, 'grants-drift.yml'), driftWorkflow(templates)],
      [path.join(workflows, 'grants-expire.yml'), expireWorkflow(templates)],
    );
  }
  const existing: string[] = [];
  for (const [file] of files) if (await stat(file).then(() => true, () => false)) existing.push(file);
  if (existing.length > 0 && !options.force) {
    throw new InputError(existing.map((file) => ({ message: `${file} already exists`, hint: 'Nothing was written. Pass --force to overwrite it.' })));
  }
  for (const [file, text] of files) {
    await onUserFile('create the directory', path.dirname(file), () => mkdir(path.dirname(file), { recursive: true }));
    await onUserFile('write', file, () => writeFile(file, text));
    io.out(`${existing.includes(file) ? 'Overwrote' : 'Wrote'} ${file}\n`);
  }
  const credentials = Boolean(env.AUTH0_DOMAIN && ((env.AUTH0_CLIENT_ID && env.AUTH0_CLIENT_SECRET) || env.AUTH0_ACCESS_TOKEN));
  if (credentials) io.out(`Credentials are set: \`grantsync export --dir ${dir}\` fills ${dir}/ (and pipeline_clients) from the tenant.\n`);
  io.out(nextSteps({ ...templates, github: options.github, credentials }));
  return EXIT_OK;
}

/** The workflows name the directory relative to the repository root, which init runs in. */
function relativeDir(dir: string): string {
  const relative = path.relative(process.cwd(), path.resolve(dir)).split(path.sep).join('/');
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative) || !/^[\w./-]+$/.test(relative)) {
    throw new InputError([{ message: `--dir ${dir} must be a directory inside the repository (letters, digits, . _ - /)`, hint: 'Run grantsync init at the root of the repository, e.g. with --dir grants.' }]);
  }
  return relative;
}

/** `tenant:` comes from AUTH0_DOMAIN when it is set (a malformed one is an error, as everywhere). */
function tenantOf(env: Env): { tenant?: string } {
  return env.AUTH0_DOMAIN ? { tenant: parseDomain(env.AUTH0_DOMAIN).host } : {};
}
