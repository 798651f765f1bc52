// Grant files as YAML text: one file per API, stable order, so re-exporting an unchanged tenant
// changes no byte. Pure.
import { escapePlaceholders } from '../config/vars.js';
import { compareStrings } from '../model/grant.js';

export const EXPORT_MARKER = '# Written by `grantsync export`.';

export interface ExportGrant {
  /** `client: name` when the name is unique, else `client_id:` with the name as a comment; `default` for a default grant. */
  client: { name: string } | { id: string; comment?: string } | { default: 'third_party_clients' };
  audience: string;
  scope: string[];
  /** Written instead of `scope`. */
  allow_all_scopes?: boolean;
  subject_type: 'client' | 'user';
  organization_usage?: string;
  allow_any_organization?: boolean;
  authorization_details_types?: string[];
  /** Organization names (or ids), sorted. */
  organizations?: string[];
}

export interface ExportFile {
  /** File name inside the output directory. */
  name: string;
  audience: string;
  title: string;
  grants: ExportGrant[];
}

/** Plain scalars that read back as the same string, in block and in flow context (no trailing `:`). */
const PLAIN = /^[A-Za-z0-9_](?:[A-Za-z0-9_:./@+-]*[A-Za-z0-9_./@+-])?$/;
/** Plain scalars YAML could read as something else (PLAIN already quotes what starts with a sign, a dot or `~`). */
const AMBIGUOUS = /^(true|false|null|yes|no|on|off|y|n|\d.*)$/i;
const NAMED_ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
/** What a YAML double-quoted scalar must escape: quotes, line breaks, controls, non-characters, lone surrogates. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE_IN_QUOTES = /["\\\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

export interface RenderOptions {
  /**
   * Keep `${NAME}` as placeholders (deploy-cli conversions write them on purpose). Otherwise every
   * value is a literal, and a `${` in it is written `$${` so that the loader does not expand it.
   */
  keepPlaceholders?: boolean;
}

/** A YAML scalar that the loader reads back as exactly `value`: plain when safe, double-quoted otherwise. */
export function scalar(value: string, options: RenderOptions = {}): string {
  const text = options.keepPlaceholders ? value : escapePlaceholders(value);
  return PLAIN.test(text) && !AMBIGUOUS.test(text) ? text : doubleQuoted(text);
}

/** A YAML double-quoted scalar (not JSON: YAML must also escape C1 controls, U+2028/2029 and the BOM). */
export function doubleQuoted(value: string): string {
  const escaped = value.replace(UNSAFE_IN_QUOTES, (c) => NAMED_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `"${escaped}"`;
}

/** Text for a `# comment`: a line break in a client's name must not end the comment and start YAML. */
function commentText(text: string): string {
  return text.replace(UNSAFE_IN_QUOTES, (c) => (c === '"' || c === '\\' ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

export function renderGrantFile(file: ExportFile, schemaPath: string, options: RenderOptions = {}): string {
  const quote = (value: string): string => scalar(value, options);
  const lines = [`# yaml-language-server: $schema=${schemaPath}`, EXPORT_MARKER, `# ${commentText(file.title)}`, 'grants:'];
  const sorted = [...file.grants].sort(
    (a, b) => compareStrings(clientSortKey(a), clientSortKey(b)) || compareStrings(a.subject_type, b.subject_type),
  );
  if (sorted.length === 0) lines[lines.length - 1] = 'grants: []';
  const list = (values: readonly string[]): string => `[${[...values].sort(compareStrings).map(quote).join(', ')}]`;
  for (const grant of sorted) {
    if ('name' in grant.client) lines.push(`  - client: ${quote(grant.client.name)}`);
    else if ('default' in grant.client) lines.push(`  - default_for: ${grant.client.default}`);
    else lines.push(`  - client_id: ${quote(grant.client.id)}${grant.client.comment ? `  # ${commentText(grant.client.comment)}` : ''}`);
    lines.push(`    audience: ${quote(grant.audience)}`);
    if (grant.allow_all_scopes) lines.push('    allow_all_scopes: true');
    else lines.push(`    scope: ${list(grant.scope)}`);
    if (grant.subject_type !== 'client') lines.push(`    subject_type: ${quote(grant.subject_type)}`);
    if (grant.organization_usage && grant.organization_usage !== 'deny') lines.push(`    organization_usage: ${quote(grant.organization_usage)}`);
    if (grant.allow_any_organization) lines.push('    allow_any_organization: true');
    if (grant.authorization_details_types && grant.authorization_details_types.length > 0) lines.push(`    authorization_details_types: ${list(grant.authorization_details_types)}`);
    if (grant.organizations && grant.organizations.length > 0) lines.push(`    organizations: ${list(grant.organizations)}`);
  }
  return `${lines.join('\n')}\n`;
}

export interface SettingsExport {
  /** The pin: the host of AUTH0_DOMAIN, which is what a run compares `tenant:` with. */
  tenant?: string;
  /** The tenant's own name (its Management API audience's host), written as a comment when it differs. */
  tenantName?: string;
  /** The applications the pipeline runs as; `why` says how export knew. */
  pipelineClients?: { name: string; why: string }[];
  excludeClients: { name: string; why: string }[];
  allowUndefinedScopes?: string;
  vars?: { name: string; value: string; comment?: string }[];
}

export function renderSettingsFile(settings: SettingsExport, schemaPath: string, options: RenderOptions = {}): string {
  const lines = [`# yaml-language-server: $schema=${schemaPath}`, EXPORT_MARKER];
  if (settings.tenant) {
    // The pin is the address (what AUTH0_DOMAIN names), never the name: a run compares it with AUTH0_DOMAIN's host.
    const named = settings.tenantName && settings.tenantName.toLowerCase() !== settings.tenant.toLowerCase();
    lines.push(`tenant: ${scalar(settings.tenant, options)}${named ? `  # ${commentText(`tenant ${settings.tenantName}, reached at this address`)}` : ''}`);
  }
  if (settings.pipelineClients && settings.pipelineClients.length > 0) {
    lines.push('# The applications the pipeline runs as (plan and apply): their grants are never managed.', 'pipeline_clients:');
    for (const client of settings.pipelineClients) lines.push(`  - ${scalar(client.name, options)}  # ${commentText(client.why)}`);
  }
  lines.push('manage: all', 'max_deletes: 10');
  if (settings.excludeClients.length > 0) {
    lines.push('exclude:', '  clients:');
    for (const client of [...settings.excludeClients].sort((a, b) => compareStrings(a.name, b.name))) {
      lines.push(`    - ${scalar(client.name, options)}  # ${commentText(client.why)}`);
    }
  }
  if (settings.allowUndefinedScopes) lines.push(`# ${commentText(settings.allowUndefinedScopes)}`, 'allow_undefined_scopes: true');
  if (settings.vars && settings.vars.length > 0) {
    lines.push('vars:');
    // Values under `vars:` are never expanded, so they are written as they are; a name is a word (no `${`).
    for (const v of settings.vars) lines.push(`  ${scalar(v.name)}: ${doubleQuoted(v.value)}${v.comment ? `  # ${commentText(v.comment)}` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}

/** A file name from an API's name or identifier: lowercase words joined by dashes. */
export function slug(text: string): string {
  const cleaned = text
    .replace(/^https?:\/\//, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    // Runs are single dashes by now.
    .replace(/^-|-$/g, '');
  return cleaned.slice(0, 60) || 'api';
}

function clientSortKey(grant: ExportGrant): string {
  // Default grants first: they reach every third-party client.
  return 'name' in grant.client ? grant.client.name : 'default' in grant.client ? '' : grant.client.id;
}

/** Groups grants into files named after their APIs, de-duplicating names deterministically. */
export function layoutFiles(grants: ExportGrant[], titleOf: (audience: string) => { slug: string; title: string }): ExportFile[] {
  const byAudience = new Map<string, ExportGrant[]>();
  for (const grant of grants) {
    const list = byAudience.get(grant.audience) ?? [];
    list.push(grant);
    byAudience.set(grant.audience, list);
  }
  const used = new Set<string>(['grantsync']);
  return [...byAudience.keys()].sort(compareStrings).map((audience) => {
    const { slug: base, title } = titleOf(audience);
    let name = base;
    for (let i = 2; used.has(name); i++) name = `${base}-${i}`;
    used.add(name);
    return { name: `${name}.yaml`, audience, title, grants: byAudience.get(audience)! };
  });
}
