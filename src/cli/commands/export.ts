// `grantsync export`: today's tenant (or an auth0-deploy-cli configuration) as grant files.
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Redactor } from '../../api/redact.js';
import { MAX_FILE_BYTES } from '../../config/parse.js';
import { checkInside, readCapped, repositoryFence, type Fence } from '../../config/read.js';
import { readTenant } from '../../engine.js';
import { readExportOrganizations } from '../../engine-organizations.js';
import { InputError } from '../../errors.js';
import { convertDeployCli, type DeployCliFile } from '../../export/deploy-cli.js';
import { exportTenant } from '../../export/from-tenant.js';
import { EXPORT_MARKER, layoutFiles, renderGrantFile, renderSettingsFile, slug, type ExportFile, type RenderOptions, type SettingsExport } from '../../export/write.js';
import { INIT_MARKER } from '../../init/templates.js';
import { MANAGEMENT_API_ALIAS } from '../../model/grant.js';
import { renderProblems } from '../../render/problems.js';
import type { Env } from '../environment.js';
import { EXIT_OK } from '../exit.js';
import type { Io } from '../io.js';
import { openSession, type CommonOptions } from '../session.js';
import { onUserFile } from '../user-files.js';
import { packageFile } from '../../package-root.js';

export interface ExportOptions extends CommonOptions {
  fromDeployCli?: string;
  keyword: string[];
  force: boolean;
  /** Applications the pipeline also runs as (the plan app of a two-application set-up). */
  pipelineClient: string[];
}

const SCHEMA_DIR = fileURLToPath(packageFile('schema/'));

export async function exportCommand(options: ExportOptions, env: Env, io: Io, redactor: Redactor): Promise<number> {
  let files: ExportFile[];
  let settings: SettingsExport;
  let summary: string;
  if (options.fromDeployCli) {
    const source = await readDeployCli(options.fromDeployCli);
    const converted = convertDeployCli(source.files, source.format, parseKeywords(options.keyword));
    if (converted.problems.length > 0) throw new InputError(converted.problems);
    if (converted.warnings.length > 0) io.err(renderProblems(converted.warnings));
    files = layoutFiles(converted.grants, (audience) =>
      audience === MANAGEMENT_API_ALIAS ? { slug: 'auth0-management-api', title: 'Auth0 Management API' } : { slug: slug(audience), title: audience },
    );
    settings = { excludeClients: [], vars: converted.vars };
    summary = `Converted ${converted.grants.length} grants from ${options.fromDeployCli}`;
  } else {
    const session = openSession(env, io, redactor, options);
    const tenant = await readExportOrganizations(session.client, await readTenant(session.client), session.client.tokens.clientId);
    session.progress.done();
    const exported = exportTenant(tenant, {
      host: session.environment.endpoint.host,
      ownClientId: session.client.tokens.clientId,
      pipelineClients: options.pipelineClient,
    });
    if (exported.warnings.length > 0) io.err(renderProblems(exported.warnings));
    files = exported.files;
    settings = exported.settings;
    summary = `Exported ${exported.grants} grants of ${session.environment.endpoint.host}`;
  }
  // deploy-cli conversions write ${NAME} placeholders on purpose; a tenant's values are literals.
  await writeExport(options.dir, files, settings, { ...options, keepPlaceholders: Boolean(options.fromDeployCli) });
  io.out(`${summary} to ${options.dir} (${files.length} file${files.length === 1 ? '' : 's'} and grantsync.yaml).\n`);
  io.out(`Next: grantsync plan --dir ${options.dir}   # should show no changes\n`);
  return EXIT_OK;
}

async function writeExport(
  dir: string,
  files: ExportFile[],
  settings: SettingsExport,
  options: RenderOptions & { force: boolean; allowOutside?: boolean },
): Promise<void> {
  const render = { keepPlaceholders: options.keepPlaceholders ?? false };
  await onUserFile('create the directory', dir, () => mkdir(dir, { recursive: true }));
  // A symbolic link in the directory must not make export read or overwrite a file elsewhere.
  const fence = await repositoryFence(dir, options);
  const schema = (name: string): string => path.relative(dir, path.join(SCHEMA_DIR, name)).split(path.sep).join('/');
  const wanted = new Map<string, string>([
    ['grantsync.yaml', renderSettingsFile(settings, schema('settings.schema.json'), render)],
    ...files.map((f): [string, string] => [f.name, renderGrantFile(f, schema('grants.schema.json'), render)]),
  ]);
  if (files.length === 0) wanted.set('grants.yaml', renderGrantFile({ name: 'grants.yaml', audience: '', title: 'No grants yet', grants: [] }, schema('grants.schema.json')));
  // Files a previous export wrote may be replaced or removed; anything else is the user's.
  const existing = (await onUserFile('read', dir, () => readdir(dir, { recursive: true }))).filter((f) => /\.ya?ml$/i.test(f));
  const foreign: string[] = [];
  const stale: string[] = [];
  for (const name of existing) {
    const text = await readExisting(path.join(dir, name), fence);
    // `grantsync init` writes a settings file for export to replace.
    const ours = text.split('\n', 3).includes(EXPORT_MARKER) || text.startsWith(`${INIT_MARKER}\n`);
    if (!ours) foreign.push(name);
    else if (!wanted.has(name)) stale.push(name);
  }
  if (foreign.length > 0 && !options.force) {
    throw new InputError([
      {
        message: `${dir} already holds YAML that grantsync export did not write (${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', …' : ''})`,
        hint: 'Export into a new or empty directory, or pass --force to overwrite and mix them.',
      },
    ]);
  }
  for (const name of stale) await onUserFile('remove', path.join(dir, name), () => rm(path.join(dir, name)));
  for (const [name, text] of wanted) {
    const target = path.join(dir, name);
    const current = existing.includes(name) ? await readExisting(target, fence) : undefined;
    if (current !== text) await onUserFile('write', target, () => writeFile(target, text));
  }
}

/** A file export may replace: inside the repository, regular, and read with a byte cap. */
async function readExisting(file: string, fence: Fence | undefined): Promise<string> {
  const outside = await checkInside(file, fence);
  if (outside) throw new InputError([outside]);
  const read = await readCapped(file, MAX_FILE_BYTES);
  if ('problem' in read) throw new InputError([read.problem]);
  return new TextDecoder().decode(read.bytes);
}

/** A deploy-cli file, read with the same byte cap as grant files. */
async function readText(file: string): Promise<string> {
  const read = await readCapped(file, MAX_FILE_BYTES);
  if ('problem' in read) throw new InputError([read.problem]);
  if (read.size > MAX_FILE_BYTES) throw new InputError([{ location: { file, line: 1, column: 1 }, message: `file is too large (the limit is ${MAX_FILE_BYTES / 1024 / 1024} MB)` }]);
  return new TextDecoder().decode(read.bytes);
}

async function readDeployCli(source: string): Promise<{ files: DeployCliFile[]; format: 'yaml' | 'directory' }> {
  const info = await stat(source).catch(() => undefined);
  if (!info) throw new InputError([{ message: `${source} does not exist`, hint: 'Pass a deploy-cli tenant.yaml or its export directory.' }]);
  if (!info.isDirectory()) return { format: 'yaml', files: [{ path: source, text: await readText(source) }] };
  // The directory format keeps one JSON object per grant under grants/ (or the directory itself).
  const grantsDir = (await stat(path.join(source, 'grants')).catch(() => undefined))?.isDirectory() ? path.join(source, 'grants') : source;
  const names = (await readdir(grantsDir)).filter((n) => n.endsWith('.json')).sort();
  if (names.length === 0) throw new InputError([{ message: `no *.json grant files in ${grantsDir}`, hint: 'deploy-cli\'s directory format keeps grants in <dir>/grants/*.json.' }]);
  return { format: 'directory', files: await Promise.all(names.map(async (n) => ({ path: path.join(grantsDir, n), text: await readText(path.join(grantsDir, n)) }))) };
}

function parseKeywords(pairs: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new InputError([{ message: `--keyword "${pair}" is not KEY=VALUE` }]);
    out.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  return out;
}
