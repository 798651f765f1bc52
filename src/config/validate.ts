// Parsed YAML → typed grants and settings, or Problems with file:line:column. Pure (schemas are data).
// The schema's errors are explained in schema-problems.ts, the rules between a grant's fields in
// grant-shape.ts; this module builds the typed values.
import type { ValidateFunction } from 'ajv';
import type { DeclaredGrant, Problem, Settings, SourceLocation, SubjectType } from '../model/types.js';
import { grantShapeProblems } from './grant-shape.js';
import { readGrantExpiry } from './expiry.js';
import type { ParsedFile } from './parse.js';
import { finish } from '../util/steps.js';
import * as generated from './schema-validators.generated.js';
import { schemaProblems, type FieldCatalogue } from './schema-problems.js';
import type { Path } from './schema-words.js';
import { hasPlaceholder, reservedVarProblems, resolveVars, substitute, type Vars } from './vars.js';

export const DEFAULT_MAX_DELETES = 10;

/** Grants validated between two pauses of grantsSteps: about a millisecond of work. */
const GRANTS_PER_STEP = 100;

/** Validators of the shipped JSON Schemas: ajv's functions, or what it reports. */
export interface SchemaValidators {
  grants: ValidateFunction;
  settings: ValidateFunction;
}

/**
 * The shipped schemas (schema/*.schema.json), compiled ahead by `npm run schemas` with ajv's options
 * `allErrors`, `strict` and `allowUnionTypes`: no ajv compile, ≈ 70 ms, before a plan's first request.
 */
export const SHIPPED_VALIDATORS: SchemaValidators = {
  grants: generated.grants as ValidateFunction,
  settings: generated.settings as ValidateFunction,
};

export class Validator {
  constructor(private readonly validators: SchemaValidators = SHIPPED_VALIDATORS) {}

  grants(parsed: ParsedFile, vars: Vars = new Map()): { grants: DeclaredGrant[]; problems: Problem[] } {
    return finish(this.grantsSteps(parsed, vars));
  }

  /**
   * grants() in steps: it pauses (yields) after the schema check and every GRANTS_PER_STEP grants,
   * so that a plan's reads are answered while a large file is validated (see engine-reads.ts).
   */
  *grantsSteps(parsed: ParsedFile, vars: Vars = new Map()): Generator<void, { grants: DeclaredGrant[]; problems: Problem[] }> {
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
    const problems = [...substituted.problems, ...schemaProblems(this.validators.grants, file, GRANT_FIELDS)];
    yield;
    const grants: DeclaredGrant[] = [];
    const list: unknown[] = isRecord(value) && Array.isArray(value.grants) ? value.grants : [];
    for (let index = 0; index < list.length; index++) {
      if (index > 0 && index % GRANTS_PER_STEP === 0) yield;
      const item = list[index];
      if (!isRecord(item)) continue;
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
    }
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
    const invalid = schemaProblems(this.validators.settings, parsed, SETTINGS_FIELDS);
    if (invalid.length > 0) return { problems: invalid };
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

}

/** Known keys per kind of object, for suggestions on unknown keys (src/config/schema-problems.ts). */
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

function stringList(value: unknown): string[] | undefined {
  return Array.isArray(value) ? value.filter((v: unknown): v is string => typeof v === 'string') : undefined;
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
