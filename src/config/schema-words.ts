// How validation names things in its messages: paths, types, values, and the advice for a missing
// or mistyped field. Pure.
import { excerpt, quoted } from '../util/excerpt.js';

/** A place in a parsed file: keys and list indexes from the root. */
export type Path = (string | number)[];

/** `grants[2].scope[0]`: how a path reads in a message. */
export function describePath(path: readonly (string | number)[]): string {
  let out = '';
  for (const step of path) out += typeof step === 'number' ? `[${step}]` : out === '' ? step : `.${step}`;
  return out === '' ? 'the file' : `\`${out}\``;
}

export function requiredHint(missing: string): string {
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

export function typeHint(path: Path, expected: string): string {
  const last = path[path.length - 1];
  if (last === 'scope') return 'Write the scopes as a list: `scope: [read:invoices, write:refunds]`.';
  if (expected === 'boolean') return 'Write `true` or `false` without quotes.';
  if (expected === 'integer') return 'Write a whole number without quotes.';
  if (expected === 'string') return 'Quote the value if YAML reads it as a number, boolean or date.';
  if (expected === 'object' && typeof last === 'number') return 'Each grant is a mapping: `- client: …` followed by `audience:` and `scope:`.';
  return `Write ${article(expected)} here.`;
}

export function article(type: string): string {
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
export function describe(value: unknown): string {
  if (typeof value === 'string') return quoted(value);
  return excerpt(JSON.stringify(value) ?? String(value));
}

export function typeName(value: unknown): string {
  if (value === null || value === undefined) return 'empty (null)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the text ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'number') return Number.isInteger(value) ? `the number ${value}` : `the number ${value}`;
  return `${typeof value} ${String(value)}`;
}
