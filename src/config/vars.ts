// ${NAME} placeholders in YAML values, from `vars:` in grantsync.yaml or the environment. Pure.
import type { Problem, SourceLocation } from '../model/types.js';
import { excerpt } from '../util/excerpt.js';

const PLACEHOLDER = /\$(\$?)\{([^}]*)\}/g;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export type Vars = ReadonlyMap<string, string>;

/**
 * Names grantsync, the GitHub runner or the Actions toolkit read themselves: a var of such a name
 * would invite `${AUTH0_CLIENT_SECRET}`-style copies of a secret into every plan that uses it.
 * Case-insensitive, as the environment is on Windows.
 */
const RESERVED = /^(AUTH0_|GITHUB_|ACTIONS_|RUNNER_|GRANTSYNC_)/i;

export function isReservedVar(name: string): boolean {
  return RESERVED.test(name);
}

/** A problem at the key of each reserved name declared under `vars:`. */
export function reservedVarProblems(declared: Record<string, unknown> | undefined, locateKey: (name: string) => SourceLocation): Problem[] {
  return Object.keys(declared ?? {})
    .filter(isReservedVar)
    .map((name) => ({
      location: locateKey(name),
      message: `\`vars\` cannot declare ${name}, because names starting with AUTH0_, GITHUB_, ACTIONS_, RUNNER_ or GRANTSYNC_ are read by grantsync or the CI runner and may hold secrets`,
      hint: `Rename the variable (e.g. ${suggestedName(name)}) here and where it is used as \${${name}}.`,
    }));
}

function suggestedName(name: string): string {
  return `${name === name.toLowerCase() ? 'grants_' : 'GRANTS_'}${name.replace(RESERVED, '')}`;
}

/**
 * The prefix of the environment variables that override vars: `GRANTSYNC_VAR_MAILER` overrides
 * `MAILER`. A plain `MAILER` in the environment does not: any variable a shell, a runner or a
 * colleague's profile happens to export could otherwise change a plan without anyone seeing it.
 */
export const VAR_ENV_PREFIX = 'GRANTSYNC_VAR_';

/** Declared vars, each overridable by GRANTSYNC_VAR_<NAME>; `overridden` lists the names the environment set. */
export function resolveVars(declared: Record<string, string> | undefined, env: Record<string, string | undefined>): Map<string, string> & { overridden: string[] } {
  const vars = Object.assign(new Map<string, string>(), { overridden: [] as string[] });
  for (const [name, value] of Object.entries(declared ?? {})) {
    if (isReservedVar(name)) continue;
    const override = env[`${VAR_ENV_PREFIX}${name}`];
    if (override !== undefined) vars.overridden.push(name);
    vars.set(name, override ?? value);
  }
  vars.overridden.sort();
  return vars;
}

/** True when a settings value uses a placeholder (`$${` is a literal and does not count). */
export function hasPlaceholder(text: string): boolean {
  return /(^|[^$])\$\{/.test(text);
}

/**
 * Replaces placeholders in every string of `value` (keys are left alone). `$${X}` stays a literal
 * `${X}`. Unknown names are problems at the string's location; the string is left as it was.
 */
export function substitute(
  value: unknown,
  vars: Vars,
  locate: (path: (string | number)[]) => SourceLocation,
  skip: (path: (string | number)[]) => boolean = () => false,
): { value: unknown; problems: Problem[] } {
  const problems: Problem[] = [];
  // One path, grown and shrunk as the walk goes (copied only for a problem's location); a list or
  // mapping is copied only when a string inside it changes, so a file without placeholders is not
  // copied at all (issue 14: 10,000 grants).
  const path: (string | number)[] = [];
  const walk = (node: unknown): unknown => {
    if (skip(path)) return node;
    if (typeof node === 'string') {
      if (!node.includes('${')) return node;
      // Every placeholder ends at a `}`: matching only up to the last one keeps the scan linear
      // (after it, each `${` would scan to the end of the string and fail: quadratic on `${${${…`).
      const end = node.lastIndexOf('}') + 1;
      return node.slice(0, end).replace(PLACEHOLDER, (whole, escaped: string, name: string) => {
        if (escaped) return whole.slice(1);
        const known = NAME.test(name) ? vars.get(name) : undefined;
        if (known !== undefined) return known;
        if (isReservedVar(name)) {
          problems.push({
            location: locate([...path]),
            message: `\${${name}} cannot be used: grantsync never fills a placeholder from ${name.replace(/_.*$/, '_')}* environment variables`,
            hint: 'Declare a var with another name under `vars:` in grantsync.yaml and use that.',
          });
          return whole;
        }
        problems.push({
          location: locate([...path]),
          message: NAME.test(name) ? `\${${excerpt(name)}} is not defined` : `\${${excerpt(name)}} is not a valid placeholder`,
          hint: NAME.test(name)
            ? `Declare it under \`vars:\` in grantsync.yaml (the environment variable ${VAR_ENV_PREFIX}${excerpt(name)} then overrides it), or write $\${${excerpt(name)}} for a literal.`
            : 'Names are letters, digits and _, not starting with a digit.',
        });
        return whole;
      }) + node.slice(end);
    }
    if (Array.isArray(node)) {
      const items = node.map((item, i) => within(i, item));
      return items.some((item, i) => item !== node[i]) ? items : node;
    }
    if (node !== null && typeof node === 'object') {
      const entries = Object.entries(node);
      const walked = entries.map(([k, v]) => [k, within(k, v)] as const);
      return walked.some(([, v], i) => v !== entries[i]![1]) ? Object.fromEntries(walked) : node;
    }
    return node;
  };
  const within = (step: string | number, node: unknown): unknown => {
    path.push(step);
    const walked = walk(node);
    path.pop();
    return walked;
  };
  return { value: walk(value), problems };
}

/** The text that `substitute` reads back as exactly `text`: each `${…}` written as `$${…}`. */
export function escapePlaceholders(text: string): string {
  // As in substitute: only up to the last `}`, so the scan stays linear.
  const end = text.lastIndexOf('}') + 1;
  return text.slice(0, end).replace(/\$\{[^}]*\}/g, (placeholder) => `$${placeholder}`) + text.slice(end);
}
