// ajv's schema errors → Problems with file:line:column, one per mistake, each with advice. Pure.
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { Problem } from '../model/types.js';
import { nearest } from '../util/suggest.js';
import { dayFormatProblem } from './expiry.js';
import type { ParsedFile } from './parse.js';
import { article, describe, describePath, requiredHint, typeHint, typeName, type Path } from './schema-words.js';

/** Known keys per kind of object (`''` the root, `grant` a grant, else the key's name), for suggestions on unknown keys. */
export type FieldCatalogue = Record<string, string[]>;

export function schemaProblems(validate: ValidateFunction, file: ParsedFile, fields: FieldCatalogue): Problem[] {
  if (validate(file.value)) return [];
  return simplify(validate.errors ?? [], file.value).map((error) => toProblem(error, file, fields));
}

function pathOf(instancePath: string): Path {
  if (instancePath === '') return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
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

/** One ajv error, where it points and what is there. */
interface SchemaError {
  error: ErrorObject;
  file: ParsedFile;
  fields: FieldCatalogue;
  path: Path;
  /** The path as a message reads it. */
  where: string;
  value: unknown;
}

function toProblem(error: ErrorObject, file: ParsedFile, fields: FieldCatalogue): Problem {
  const path = pathOf(error.instancePath);
  const explain = EXPLAIN[error.keyword] ?? invalid;
  return explain({ error, file, fields, path, where: describePath(path), value: valueAt(file.value, path) });
}

/** One explanation per ajv keyword (and `manage`, which simplify() makes of the manage alternatives). */
const EXPLAIN: Record<string, (e: SchemaError) => Problem> = {
  required: missingKey,
  additionalProperties: unknownKey,
  type: wrongType,
  enum: notAllowed,
  uniqueItems: repeatedItem,
  minLength: (e) => ({ location: e.file.locate(e.path), message: `${e.where} is empty`, hint: 'Write a value or remove the key.' }),
  maxLength: (e) => ({
    location: e.file.locate(e.path),
    message: `${e.where} is longer than ${(e.error.params as { limit: number }).limit} characters`,
    hint: 'Auth0 rejects longer values.',
  }),
  minimum: (e) => ({ location: e.file.locate(e.path), message: `${e.where} must be 0 or more`, hint: 'Use a whole number such as 10.' }),
  minItems: (e) => ({ location: e.file.locate(e.path), message: `${e.where} is an empty list`, hint: 'List at least one audience, or use `manage: all`.' }),
  // Only `expires` has a pattern (a day, YYYY-MM-DD).
  pattern: (e) => dayFormatProblem(e.where, e.value, e.file.locate(e.path)),
  manage: (e) => ({
    location: e.file.locate(e.path),
    message: `\`manage\` is ${describe(e.value)}, but it must be \`all\` or \`{ audiences: [...] }\``,
    hint: 'Write `manage: all` to own every grant of the tenant, or `manage: { audiences: [https://api.example.com] }` to own only those APIs.',
  }),
};

function invalid(e: SchemaError): Problem {
  return { location: e.file.locate(e.path), message: `${e.where} ${e.error.message ?? 'is invalid'}` };
}

function missingKey({ error, file, path, where }: SchemaError): Problem {
  const missing = (error.params as { missingProperty: string }).missingProperty;
  if (path.length === 0 && missing === 'grants') {
    return {
      location: file.locate(path),
      message: 'file has no `grants` key',
      hint: 'Start the file with `grants:` followed by a list; write `grants: []` to declare none.',
    };
  }
  return { location: file.locate(path), message: `${path.length === 0 ? 'the file' : where} is missing \`${missing}\``, hint: requiredHint(missing) };
}

function unknownKey({ error, file, fields, path, where }: SchemaError): Problem {
  const extra = (error.params as { additionalProperty: string }).additionalProperty;
  const known = fields[kindOf(path)] ?? [];
  const suggestion = nearest(extra, known, 1)[0];
  return {
    location: file.locateKey(path, extra),
    message: `unknown key \`${extra}\`${path.length ? ` in ${where}` : ''}`,
    ...(suggestion ? { suggestions: [suggestion] } : { hint: `Allowed keys here: ${known.map((k) => `\`${k}\``).join(', ')}.` }),
  };
}

function wrongType({ error, file, path, where, value }: SchemaError): Problem {
  const expected = (error.params as { type: string }).type;
  if (path.length === 1 && path[0] === 'grants') {
    return {
      location: file.locate(path),
      message: `\`grants\` must be a list, but it is ${typeName(value)}`,
      hint: 'A half-written file must not delete anything: write `grants: []` to declare no grants, or list them with `- client: …`.',
    };
  }
  return { location: file.locate(path), message: `${where} must be ${article(expected)}, but it is ${typeName(value)}`, hint: typeHint(path, expected) };
}

function notAllowed({ error, file, path, where, value }: SchemaError): Problem {
  const allowed = (error.params as { allowedValues: unknown[] }).allowedValues.map(String);
  const suggestion = typeof value === 'string' ? nearest(value, allowed, 1)[0] : undefined;
  return {
    location: file.locate(path),
    message: `${where} is ${describe(value)}, which is not one of ${allowed.map((a) => `\`${a}\``).join(', ')}`,
    ...(suggestion ? { suggestions: [suggestion] } : { hint: `Use one of ${allowed.join(', ')}.` }),
  };
}

function repeatedItem({ error, file, path, where, value }: SchemaError): Problem {
  const { i, j } = error.params as { i: number; j: number };
  const [first, second] = i < j ? [i, j] : [j, i];
  const repeated = Array.isArray(value) ? value[second] : undefined;
  const list = path[path.length - 1];
  const what = list === 'organizations' ? 'Organizations' : list === 'authorization_details_types' ? 'Types' : 'Scopes';
  return {
    location: file.locate([...path, second]),
    message: `${where} lists ${describe(repeated)} twice (items ${first + 1} and ${second + 1})`,
    hint: `${what} are a set: remove the duplicate.`,
  };
}

function kindOf(path: Path): string {
  if (path.length === 0) return '';
  if (path[0] === 'grants' && path.length === 2) return 'grant';
  if (path[0] === 'grants' && path[2] === 'scope' && path.length === 4) return 'scope entry';
  return String(path[path.length - 1]);
}

function valueAt(root: unknown, path: Path): unknown {
  let node = root;
  for (const step of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[step];
  }
  return node;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
