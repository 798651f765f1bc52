// Parsed YAML → typed grants and settings, or Problems with file:line:column. Pure (schemas are data).
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { DeclaredGrant, Problem, Settings, SourceLocation, SubjectType } from '../model/types.js';
import { excerpt, quoted } from '../util/excerpt.js';
import { nearest } from '../util/suggest.js';
import { dayFormatProblem, readGrantExpiry } from './expiry.js';
import type { ParsedFile } from './parse.js';
import { hasPlaceholder, reservedVarProblems, resolveVars, substitute, type Vars } from './vars.js';

export const DEFAULT_MAX_DELETES = 10;

export interface Schemas {
  grants: object;
  settings: object;
}

type Path = (string | number)[];

export class Validator {
  private readonly grantsSchema: ValidateFunction;
  private readonly settingsSchema: ValidateFunction;

  constructor(schemas: Schemas) {
    const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
    this.grantsSchema = ajv.compile(schemas.grants);
    this.settingsSchema = ajv.compile(schemas.settings);
  }

  grants(parsed: ParsedFile, vars: Vars = new Map()): { grants: DeclaredGrant[]; problems: Problem[] } {
    const substituted = substitute(parsed.value, vars, parsed.locate);
    const file: ParsedFile = { ...parsed, value: substituted.value };
    const value = file.value;
    if (value === null || value === undefined) {
      return {
        grants: [],
        problems: [
          {
            location: file.locate([]),
            message: 'file is empty',
            hint: 'Write `grants: []` to declare no grants, or delete the file; an empty file is never read as "no grants".',
          },
        ],
      };
    }
    const problems = [...substituted.problems, ...this.check(this.grantsSchema, file, GRANT_FIELDS)];
    const grants: DeclaredGrant[] = [];
    const list = isRecord(value) && Array.isArray(value.grants) ? value.grants : [];
    list.forEach((item: unknown, index: number) => {
      if (!isRecord(item)) return;
      const path: Path = ['grants', index];
      problems.push(...grantShapeProblems(item, path, file));
      const fieldLocations: Record<string, SourceLocation> = {};
      for (const key of Object.keys(item)) fieldLocations[key] = file.locate([...path, key]);
      const scope = Array.isArray(item.scope) ? item.scope : [];
      scope.forEach((_: unknown, i: number) => (fieldLocations[`scope.${i}`] = file.locate([...path, 'scope', i])));
      const expiry = readGrantExpiry(item, path, file.locate);
      problems.push(...expiry.problems);
      Object.assign(fieldLocations, expiry.locations);
      const organizations = stringList(item.organizations);
      organizations?.forEach((_, i) => (fieldLocations[`organizations.${i}`] = file.locate([...path, 'organizations', i])));
      const types = stringList(item.authorization_details_types);
      grants.push({
        client: typeof item.client === 'string' ? item.client : undefined,
        client_id: typeof item.client_id === 'string' ? item.client_id : undefined,
        audience: typeof item.audience === 'string' ? item.audience : '',
        scope: expiry.scope,
        subject_type: (item.subject_type as SubjectType | undefined) ?? 'client',
        organization_usage: item.organization_usage as DeclaredGrant['organization_usage'],
        allow_any_organization: item.allow_any_organization as boolean | undefined,
        ...(item.allow_all_scopes === true ? { allow_all_scopes: true } : {}),
        ...(types ? { authorization_details_types: types } : {}),
        ...(item.default_for === 'third_party_clients' ? { default_for: 'third_party_clients' as const } : {}),
        ...(organizations ? { organizations } : {}),
        ...(expiry.expires ? { expires: expiry.expires } : {}),
        ...(expiry.scopeExpiries ? { scopeExpiries: expiry.scopeExpiries } : {}),
        source: file.locate(path),
        fieldLocations,
      });
    });
    return { grants, problems };
  }

  settings(parsed: ParsedFile, env: Record<string, string | undefined> = {}): { settings?: Settings; problems: Problem[] } {
    if (parsed.value === null || parsed.value === undefined) {
      return {
        problems: [
          {
            location: parsed.locate([]),
            message: 'settings file is empty',
            hint: 'Declare at least `manage: all` (or `manage: { audiences: [...] }`).',
          },
        ],
      };
    }
    const schemaProblems = this.check(this.settingsSchema, parsed, SETTINGS_FIELDS);
    if (schemaProblems.length > 0) return { problems: schemaProblems };
    // The settings may use their own vars, but not inside `vars:` itself, and never in `tenant:`: the
    // pin is what keeps one directory's files off another tenant, so nothing in the environment may move it.
    const declared = (parsed.value as { vars?: Record<string, string> }).vars;
    const vars = resolveVars(declared, env);
    const substituted = substitute(parsed.value, vars, parsed.locate, (path) => path[0] === 'vars' || path[0] === 'tenant');
    const problems = [...reservedVarProblems(declared, (name) => parsed.locateKey(['vars'], name)), ...tenantProblems(parsed), ...substituted.problems];
    const file: ParsedFile = { ...parsed, value: substituted.value };
    const raw = file.value as {
      tenant?: string;
      manage: 'all' | { audiences: string[] };
      max_deletes?: number;
      exclude?: { clients?: string[] };
      pipeline_clients?: string[];
      sensitive_scopes?: Record<string, string[]>;
      allow_undefined_scopes?: boolean;
      include?: string[];
    };
    const locations: Record<string, SourceLocation> = {};
    for (const key of Object.keys(raw)) locations[key] = file.locate([key]);
    (raw.exclude?.clients ?? []).forEach((_, i) => (locations[`exclude.clients.${i}`] = file.locate(['exclude', 'clients', i])));
    (raw.pipeline_clients ?? []).forEach((_, i) => (locations[`pipeline_clients.${i}`] = file.locate(['pipeline_clients', i])));
    if (typeof raw.manage === 'object') {
      raw.manage.audiences.forEach((_, i) => (locations[`manage.audiences.${i}`] = file.locate(['manage', 'audiences', i])));
    }
    return {
      problems,
      settings: {
        tenant: raw.tenant,
        manage: raw.manage === 'all' ? 'all' : { audiences: [...raw.manage.audiences] },
        maxDeletes: raw.max_deletes ?? DEFAULT_MAX_DELETES,
        exclude: { clients: [...(raw.exclude?.clients ?? [])] },
        pipelineClients: [...(raw.pipeline_clients ?? [])],
        sensitiveScopes: Object.fromEntries(Object.entries(raw.sensitive_scopes ?? {}).map(([api, scopes]) => [api, [...scopes]])),
        allowUndefinedScopes: raw.allow_undefined_scopes ?? false,
        vars: Object.fromEntries(vars),
        varsFromEnvironment: [...vars.overridden],
        include: [...(raw.include ?? [])],
        source: file.locate([]),
        locations,
      },
    };
  }

  private check(validate: ValidateFunction, file: ParsedFile, fields: FieldCatalogue): Problem[] {
    if (validate(file.value)) return [];
    const errors = simplify(validate.errors ?? [], file.value);
    return errors.map((error) => toProblem(error, file, fields));
  }
}

/** Known keys per kind of object, for "did you mean" on unknown keys. */
type FieldCatalogue = Record<string, string[]>;
const GRANT_FIELDS: FieldCatalogue = {
  '': ['grants'],
  grant: [
    'client', 'client_id', 'audience', 'scope', 'subject_type', 'organization_usage', 'allow_any_organization',
    'allow_all_scopes', 'authorization_details_types', 'default_for', 'organizations', 'expires',
  ],
  'scope entry': ['name', 'expires'],
};
const SETTINGS_FIELDS: FieldCatalogue = {
  '': ['tenant', 'manage', 'max_deletes', 'exclude', 'pipeline_clients', 'sensitive_scopes', 'allow_undefined_scopes', 'vars', 'include', '$schema'],
  manage: ['audiences'],
  exclude: ['clients'],
};

function pathOf(instancePath: string): Path {
  if (instancePath === '') return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

/** `grants[2].scope[0]`: how a path reads in a message. */
export function describePath(path: readonly (string | number)[]): string {
  let out = '';
  for (const step of path) out += typeof step === 'number' ? `[${step}]` : out === '' ? step : `.${step}`;
  return out === '' ? 'the file' : `\`${out}\``;
}

/** Drops the noise ajv produces for `oneOf`/`const` alternatives so each mistake is reported once. */
function simplify(errors: ErrorObject[], root: unknown): ErrorObject[] {
  const out: ErrorObject[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    if (error.instancePath === '/manage') {
      const manage = isRecord(root) ? root.manage : undefined;
      // For an object, the deeper errors (e.g. /manage/audiences) explain it; for anything else, one message.
      if (isRecord(manage) && error.keyword !== 'required' && error.keyword !== 'additionalProperties') continue;
      if (!isRecord(manage)) {
        if (seen.has('/manage')) continue;
        seen.add('/manage');
        out.push({ ...error, keyword: 'manage' });
        continue;
      }
    }
    const key = `${error.instancePath}|${error.keyword}|${JSON.stringify(error.params)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(error);
  }
  return out;
}

function toProblem(error: ErrorObject, file: ParsedFile, fields: FieldCatalogue): Problem {
  const path = pathOf(error.instancePath);
  const where = describePath(path);
  const value = valueAt(file.value, path);
  switch (error.keyword) {
    case 'required': {
      const missing = (error.params as { missingProperty: string }).missingProperty;
      if (path.length === 0 && missing === 'grants') {
        return {
          location: file.locate(path),
          message: 'file has no `grants` key',
          hint: 'Start the file with `grants:` followed by a list; write `grants: []` to declare none.',
        };
      }
      return {
        location: file.locate(path),
        message: `${path.length === 0 ? 'the file' : where} is missing \`${missing}\``,
        hint: requiredHint(missing),
      };
    }
    case 'additionalProperties': {
      const extra = (error.params as { additionalProperty: string }).additionalProperty;
      const known = fields[kindOf(path)] ?? [];
      const suggestion = nearest(extra, known, 1)[0];
      return {
        location: file.locateKey(path, extra),
        message: `unknown key \`${extra}\`${path.length ? ` in ${where}` : ''}`,
        hint: suggestion ? `Did you mean \`${suggestion}\`?` : `Allowed keys here: ${known.map((k) => `\`${k}\``).join(', ')}.`,
      };
    }
    case 'type': {
      const expected = (error.params as { type: string }).type;
      if (path.length === 1 && path[0] === 'grants') {
        return {
          location: file.locate(path),
          message: `\`grants\` must be a list, but it is ${typeName(value)}`,
          hint: 'A half-written file must not delete anything: write `grants: []` to declare no grants, or list them with `- client: …`.',
        };
      }
      return {
        location: file.locate(path),
        message: `${where} must be ${article(expected)}, but it is ${typeName(value)}`,
        hint: typeHint(path, expected),
      };
    }
    case 'enum': {
      const allowed = (error.params as { allowedValues: unknown[] }).allowedValues.map(String);
      const suggestion = typeof value === 'string' ? nearest(value, allowed, 1)[0] : undefined;
      return {
        location: file.locate(path),
        message: `${where} is ${describe(value)}, which is not one of ${allowed.map((a) => `\`${a}\``).join(', ')}`,
        hint: suggestion ? `Did you mean \`${suggestion}\`?` : `Use one of ${allowed.join(', ')}.`,
      };
    }
    case 'uniqueItems': {
      const { i, j } = error.params as { i: number; j: number };
      const [first, second] = i < j ? [i, j] : [j, i];
      const repeated = Array.isArray(value) ? value[second] : undefined;
      return {
        location: file.locate([...path, second]),
        message: `${where} lists ${describe(repeated)} twice (items ${first + 1} and ${second + 1})`,
        hint: `${path[path.length - 1] === 'organizations' ? 'Organizations' : path[path.length - 1] === 'authorization_details_types' ? 'Types' : 'Scopes'} are a set: remove the duplicate.`,
      };
    }
    case 'pattern':
      // Only `expires` has a pattern (a day, YYYY-MM-DD).
      return dayFormatProblem(where, value, file.locate(path));
    case 'minLength':
      return { location: file.locate(path), message: `${where} is empty`, hint: 'Write a value or remove the key.' };
    case 'maxLength': {
      const limit = (error.params as { limit: number }).limit;
      return { location: file.locate(path), message: `${where} is longer than ${limit} characters`, hint: 'Auth0 rejects longer values.' };
    }
    case 'minimum':
      return { location: file.locate(path), message: `${where} must be 0 or more`, hint: 'Use a whole number such as 10.' };
    case 'minItems':
      return { location: file.locate(path), message: `${where} is an empty list`, hint: 'List at least one audience, or use `manage: all`.' };
    case 'manage':
      return {
        location: file.locate(path),
        message: `\`manage\` is ${describe(value)}, but it must be \`all\` or \`{ audiences: [...] }\``,
        hint: 'Write `manage: all` to own every grant of the tenant, or `manage: { audiences: [https://api.example.com] }` to own only those APIs.',
      };
    default:
      return { location: file.locate(path), message: `${where} ${error.message ?? 'is invalid'}` };
  }
}

function kindOf(path: Path): string {
  if (path.length === 0) return '';
  if (path[0] === 'grants' && path.length === 2) return 'grant';
  if (path[0] === 'grants' && path[2] === 'scope' && path.length === 4) return 'scope entry';
  return String(path[path.length - 1]);
}

function requiredHint(missing: string): string {
  switch (missing) {
    case 'audience':
      return 'Add `audience: <API identifier>`, e.g. `audience: https://api.example.com/payments`.';
    case 'scope':
      return 'Add `scope: [...]` listing the scopes (`scope: []` grants none), or `allow_all_scopes: true` for every scope.';
    case 'manage':
      return 'Declare what this directory owns: `manage: all` or `manage: { audiences: [...] }`.';
    case 'audiences':
      return 'List the audiences this directory owns: `audiences: [https://api.example.com]`.';
    default:
      return `Add \`${missing}\`.`;
  }
}

function typeHint(path: Path, expected: string): string {
  const last = path[path.length - 1];
  if (last === 'scope') return 'Write the scopes as a list: `scope: [read:invoices, write:refunds]`.';
  if (expected === 'boolean') return 'Write `true` or `false` without quotes.';
  if (expected === 'integer') return 'Write a whole number without quotes.';
  if (expected === 'string') return 'Quote the value if YAML reads it as a number, boolean or date.';
  if (expected === 'object' && typeof last === 'number') return 'Each grant is a mapping: `- client: …` followed by `audience:` and `scope:`.';
  return `Write ${article(expected)} here.`;
}

function article(type: string): string {
  switch (String(type)) { // ajv gives a union type as an array
    case 'string,object':
      return 'a scope name or a `{name, expires}` mapping';
    case 'array':
      return 'a list';
    case 'object':
      return 'a mapping';
    case 'integer':
      return 'a whole number';
    default:
      return `a ${type}`;
  }
}

/** A value from the file for a message: strings shortened to an excerpt, anything else as JSON. */
function describe(value: unknown): string {
  if (typeof value === 'string') return quoted(value);
  return excerpt(JSON.stringify(value) ?? String(value));
}

function typeName(value: unknown): string {
  if (value === null || value === undefined) return 'empty (null)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the text ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'number') return Number.isInteger(value) ? `the number ${value}` : `the number ${value}`;
  return `${typeof value} ${String(value)}`;
}

function valueAt(root: unknown, path: Path): unknown {
  let node = root;
  for (const step of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[step];
  }
  return node;
}

function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.filter((v: unknown): v is string => typeof v === 'string') : undefined;
}

/**
 * The rules between a grant's fields that Auth0 enforces (or that make a grant mean nothing), each
 * reported at the field that breaks it. The schema checks each field alone.
 */
function grantShapeProblems(item: Record<string, unknown>, path: Path, file: ParsedFile): Problem[] {
  const at = (key: string) => file.locateKey(path, key);
  const problems: Problem[] = [];
  const isDefault = item.default_for !== undefined;
  const hasName = item.client !== undefined;
  const hasId = item.client_id !== undefined;
  if (isDefault) {
    if (hasName || hasId) {
      problems.push({
        location: at('default_for'),
        message: 'a default grant (`default_for`) has no client, but this one names one',
        hint: 'Remove `client`/`client_id` for a default grant, or remove `default_for` for a grant to one application.',
      });
    }
    for (const key of ['subject_type', 'organization_usage', 'allow_any_organization', 'organizations', 'authorization_details_types']) {
      if (item[key] === undefined) continue;
      problems.push({
        location: at(key),
        message: `\`${key}\` cannot be set on a default grant (\`default_for\`); Auth0 rejects it`,
        hint: `Remove \`${key}\`: a default grant applies to every third-party client as a machine-to-machine grant.`,
      });
    }
  } else if (hasName === hasId) {
    problems.push({
      location: file.locate(path),
      message: hasName ? 'grant names both `client` and `client_id`' : 'grant names no application: it needs `client` (a name) or `client_id`',
      hint: hasName
        ? 'Keep exactly one of the two: `client` for a unique name, `client_id` otherwise.'
        : 'Add `client: <application name>` or `client_id: <id>` (or `default_for: third_party_clients` for a default grant).',
    });
  }
  if (item.allow_all_scopes === true && item.scope !== undefined) {
    problems.push({
      location: at('allow_all_scopes'),
      message: 'grant has both `allow_all_scopes: true` and `scope`',
      hint: 'Keep one: `allow_all_scopes: true` grants every scope of the API (also later ones), `scope: [...]` only those listed.',
    });
  } else if (item.allow_all_scopes !== true && item.scope === undefined) {
    problems.push({ location: file.locate(path), message: `${describePath(path)} is missing \`scope\``, hint: requiredHint('scope') });
  }
  if (item.authorization_details_types !== undefined && item.subject_type !== 'user') {
    problems.push({
      location: at('authorization_details_types'),
      message: '`authorization_details_types` is only allowed on `subject_type: user` grants',
      hint: 'Add `subject_type: user`, or remove `authorization_details_types` (Auth0 rejects it on machine-to-machine grants).',
    });
  }
  if (item.organizations !== undefined && !isDefault) {
    const usage = item.organization_usage;
    if ((usage !== 'allow' && usage !== 'require') || item.allow_any_organization === true) {
      problems.push({
        location: at('organizations'),
        message: '`organizations` needs `organization_usage: allow` or `require`, and `allow_any_organization` false',
        hint: 'Set `organization_usage: allow` (or `require`); with `allow_any_organization: true` the grant already applies to every organization.',
      });
    }
  }
  return problems;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `tenant:` takes the host itself, never a variable. */
function tenantProblems(parsed: ParsedFile): Problem[] {
  const tenant = (parsed.value as { tenant?: unknown }).tenant;
  if (typeof tenant !== 'string' || !hasPlaceholder(tenant)) return [];
  return [
    {
      location: parsed.locate(['tenant']),
      message: '`tenant:` takes no variables: it pins this directory to one tenant, and a variable would let the environment move the pin',
      hint: 'Write the host itself (tenant: acme.eu.auth0.com), with one directory (and one grantsync.yaml) per tenant.',
    },
  ];
}
