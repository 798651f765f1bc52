// Files → declared grants + settings. `parseDesiredState` is pure; `readGrantsDirectory` is the fs twin.
import type { DeclaredGrant, Problem, Settings } from '../model/types.js';
import { parseYamlFile, parseYamlFileSteps, type SourceFile } from './parse.js';
import { finish } from '../util/steps.js';
import type { Validator } from './validate.js';

export const SETTINGS_FILE = 'grantsync.yaml';

export interface GrantsDirectory {
  /** The directory as given, for messages. */
  dir: string;
  /** Every *.yaml / *.yml file, sorted by path; `relative` is the path inside `dir` with `/` separators. */
  files: (SourceFile & { relative: string })[];
}

export interface DesiredState {
  settings: Settings;
  grants: DeclaredGrant[];
}

export type LoadResult = { ok: true; state: DesiredState } | { ok: false; problems: Problem[] };

/** `env` supplies overrides for the vars declared in grantsync.yaml (and nothing else). */
export function parseDesiredState(directory: GrantsDirectory, validator: Validator, env: Record<string, string | undefined> = {}): LoadResult {
  const settings = parseSettings(directory, validator, env);
  const grants = parseGrantFiles(directory, validator, settings.settings);
  return loadResult(settings, grants);
}

/** The two halves of a load, in the order they are reported. */
export function loadResult(settings: SettingsResult, grants: GrantsResult): LoadResult {
  const problems = [...settings.problems, ...grants.problems];
  if (problems.length > 0 || !settings.settings) return { ok: false, problems };
  return { ok: true, state: { settings: settings.settings, grants: grants.grants } };
}

export interface SettingsResult {
  /** Undefined when grantsync.yaml is missing or unusable. */
  settings: Settings | undefined;
  problems: Problem[];
}

export interface GrantsResult {
  grants: DeclaredGrant[];
  problems: Problem[];
}

/**
 * grantsync.yaml alone (what is managed, which tenant): enough to start reading the tenant while the
 * grant files are still being parsed. Also reports a directory without grant files.
 */
export function parseSettings(directory: GrantsDirectory, validator: Validator, env: Record<string, string | undefined> = {}): SettingsResult {
  const problems: Problem[] = [];
  const settingsFiles = directory.files.filter((f) => baseName(f.relative) === SETTINGS_FILE);
  let settings: Settings | undefined;
  for (const file of settingsFiles) {
    if (file.relative !== SETTINGS_FILE) {
      problems.push({
        location: { file: file.path, line: 1, column: 1 },
        message: `${SETTINGS_FILE} is only read at the top of the grants directory (${directory.dir})`,
        hint: `Move it to ${joinPath(directory.dir, SETTINGS_FILE)} or rename it; the name is reserved.`,
      });
      continue;
    }
    const result = parseSettingsFile(file, validator, env);
    problems.push(...result.problems);
    settings = result.settings;
  }
  if (!settingsFiles.some((f) => f.relative === SETTINGS_FILE)) {
    problems.push({
      message: `${joinPath(directory.dir, SETTINGS_FILE)} is missing`,
      hint: `Create it and declare what this directory owns, e.g. \`manage: all\`; grantsync never guesses which grants it may delete.`,
    });
  }
  if (grantFilesOf(directory).length === 0) {
    problems.push({
      message: `no grant files (*.yaml, *.yml) found under ${directory.dir}`,
      hint: 'Add a file such as grants/my-api.yaml with a `grants:` list (`grants: []` declares none).',
    });
  }
  return { settings, problems };
}

/** The top grantsync.yaml's own parse and validation, before the rest of the directory is known. */
export function parseSettingsFile(file: GrantsDirectory['files'][number], validator: Validator, env: Record<string, string | undefined> = {}): SettingsResult {
  const parsed = parseYamlFile(file);
  if (!parsed.ok) return { settings: undefined, problems: parsed.problems };
  const result = validator.settings(parsed.file, env);
  return { settings: result.settings, problems: result.problems };
}

export function grantFilesOf(directory: GrantsDirectory): GrantsDirectory['files'] {
  return directory.files.filter((f) => baseName(f.relative) !== SETTINGS_FILE);
}

/** The grants of some grant files (all of them by default), with their vars from the settings. */
export function parseGrantFiles(directory: GrantsDirectory, validator: Validator, settings: Settings | undefined): GrantsResult {
  return finish(parseGrantFilesSteps(directory, validator, settings));
}

/** parseGrantFiles in steps (see parseYamlFileSteps): a caller may let other work run at each pause. */
export function* parseGrantFilesSteps(directory: GrantsDirectory, validator: Validator, settings: Settings | undefined): Generator<void, GrantsResult> {
  const problems: Problem[] = [];
  const grants: DeclaredGrant[] = [];
  const vars = new Map(Object.entries(settings?.vars ?? {}));
  for (const file of grantFilesOf(directory)) {
    const parsed = yield* parseYamlFileSteps(file);
    yield;
    if (!parsed.ok) {
      problems.push(...parsed.problems);
      continue;
    }
    const result = yield* validator.grantsSteps(parsed.file, vars);
    problems.push(...result.problems);
    grants.push(...result.grants);
  }
  return { grants, problems };
}

function baseName(relative: string): string {
  return relative.slice(relative.lastIndexOf('/') + 1);
}

function joinPath(dir: string, name: string): string {
  return dir.endsWith('/') ? `${dir}${name}` : `${dir}/${name}`;
}
