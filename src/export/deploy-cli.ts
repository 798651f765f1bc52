// auth0-deploy-cli's clientGrants (tenant.yaml or a grants/ directory of JSON) → grant files. Pure.
// Formats: YAML with a top-level `clientGrants:` list, or a directory whose `grants/*.json` each hold one
// grant; values may use deploy-cli's `@@KEY@@` and `##KEY##` keywords, which become ${KEY} variables.
import { parse } from 'yaml';
import type { Problem } from '../model/types.js';
import { MANAGEMENT_API_ALIAS } from '../model/grant.js';
import type { ExportGrant } from './write.js';

export interface DeployCliFile {
  path: string;
  text: string;
}

export interface DeployCliConversion {
  grants: ExportGrant[];
  /** Keywords without a value, kept as ${NAME} variables. */
  vars: { name: string; value: string; comment?: string }[];
  warnings: Problem[];
  problems: Problem[];
}

const CLIENT_ID = /^[A-Za-z0-9]{32}$/;
const KNOWN = new Set([
  'client_id', 'audience', 'scope', 'subject_type', 'organization_usage', 'allow_any_organization', 'id',
  'allow_all_scopes', 'authorization_details_types', 'default_for', 'is_system',
]);

/**
 * `format: 'yaml'` reads the `clientGrants:` list of a tenant.yaml; `'directory'` reads one grant
 * object per JSON file. Keywords are replaced in the raw text first, as deploy-cli does.
 */
export function convertDeployCli(files: DeployCliFile[], format: 'yaml' | 'directory', keywords: ReadonlyMap<string, string>): DeployCliConversion {
  const warnings: Problem[] = [];
  const problems: Problem[] = [];
  const unresolved = new Set<string>();
  const grants: ExportGrant[] = [];

  for (const file of files) {
    const text = replaceKeywords(file, keywords, unresolved, problems);
    let value: unknown;
    try {
      value = parse(text, { maxAliasCount: 1000 });
    } catch (error) {
      problems.push({ location: { file: file.path, line: 1, column: 1 }, message: `cannot read it as ${format === 'yaml' ? 'YAML' : 'JSON'}: ${(error as Error).message.split('\n')[0]}` });
      continue;
    }
    const items = format === 'yaml' ? (value as { clientGrants?: unknown } | null)?.clientGrants : [value];
    // A JSON file's grant is always wrapped in a list: only a tenant.yaml can lack the list.
    if (items === undefined) {
      warnings.push({ severity: 'warning', location: { file: file.path, line: 1, column: 1 }, message: 'no clientGrants in this file' });
      continue;
    }
    if (!Array.isArray(items)) {
      problems.push({ location: { file: file.path, line: 1, column: 1 }, message: 'clientGrants is not a list' });
      continue;
    }
    items.forEach((item: unknown, i) => {
      const where = format === 'yaml' ? `${file.path} (clientGrants[${i}])` : file.path;
      if (typeof item !== 'object' || item === null) {
        problems.push({ location: { file: file.path, line: 1, column: 1 }, message: `${where}: not a grant object` });
        return;
      }
      const raw = item as Record<string, unknown>;
      for (const key of Object.keys(raw)) if (!KNOWN.has(key)) warnings.push({ severity: 'warning', message: `${where}: field ${key} is not managed by grantsync and is dropped` });
      const grant = convertGrant(raw);
      if (typeof grant === 'string') problems.push({ location: { file: file.path, line: 1, column: 1 }, message: `${where}: ${grant}` });
      else grants.push(grant);
    });
  }
  const used = JSON.stringify(grants);
  const vars = [...unresolved]
    .filter((name) => used.includes(`\${${name}}`))
    .sort()
    .map((name) => ({ name, value: '', comment: `deploy-cli keyword ##${name}##: set it here, or per run with GRANTSYNC_VAR_${name}=… (a plain ${name}=… no longer overrides)` }));
  return { grants, vars, warnings, problems };
}

/** One deploy-cli grant → an export grant, or what is wrong with it. */
function convertGrant(raw: Record<string, unknown>): ExportGrant | string {
  const isDefault = raw.default_for !== undefined;
  if (isDefault && raw.default_for !== 'third_party_clients') return `default_for ${JSON.stringify(raw.default_for)} is not one grantsync knows`;
  if (typeof raw.audience !== 'string' || (!isDefault && typeof raw.client_id !== 'string')) return 'needs client_id (or default_for) and audience';
  const scope = Array.isArray(raw.scope) ? raw.scope.filter((s): s is string => typeof s === 'string') : [];
  const types = Array.isArray(raw.authorization_details_types) ? raw.authorization_details_types.filter((s): s is string => typeof s === 'string') : [];
  const clientId = raw.client_id as string;
  return {
    // deploy-cli accepts a name or an id in client_id; a 32-character id-shaped value is taken as an id.
    client: isDefault ? { default: 'third_party_clients' } : CLIENT_ID.test(clientId) ? { id: clientId } : { name: clientId },
    audience: managementAlias(raw.audience),
    scope: [...new Set(scope)],
    ...(raw.allow_all_scopes === true ? { allow_all_scopes: true } : {}),
    subject_type: raw.subject_type === 'user' ? 'user' : 'client',
    ...(typeof raw.organization_usage === 'string' ? { organization_usage: raw.organization_usage } : {}),
    ...(raw.allow_any_organization === true ? { allow_any_organization: true } : {}),
    ...(types.length > 0 && raw.subject_type === 'user' ? { authorization_details_types: [...new Set(types)] } : {}),
  };
}

function replaceKeywords(file: DeployCliFile, keywords: ReadonlyMap<string, string>, unresolved: Set<string>, problems: Problem[]): string {
  return file.text
    .replace(/(["']?)@@(\w+)@@\1/g, (_whole, _quote: string, name: string) => {
      const value = keywords.get(name);
      if (value === undefined) {
        problems.push({ location: { file: file.path, line: 1, column: 1 }, message: `@@${name}@@ has no value`, hint: `Pass --keyword ${name}='["a","b"]' (a JSON value).` });
        return 'null';
      }
      try {
        return JSON.stringify(JSON.parse(value));
      } catch {
        return JSON.stringify(value);
      }
    })
    .replace(/##(\w+)##/g, (_whole, name: string) => {
      const value = keywords.get(name);
      if (value !== undefined) return value;
      unresolved.add(name);
      return `\${${name}}`;
    });
}

/** `https://##AUTH0_DOMAIN##/api/v2/` (or any *.auth0.com tenant's) is the Management API. */
function managementAlias(audience: string): string {
  const match = /^https:\/\/([^/]+)\/api\/v2\/?$/.exec(audience);
  if (match && (match[1] === '${AUTH0_DOMAIN}' || /\.auth0\.com$/i.test(match[1]!))) return MANAGEMENT_API_ALIAS;
  return audience;
}
