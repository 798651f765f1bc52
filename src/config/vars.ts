// ${NAME} placeholders in YAML values, from `vars:` in grantsync.yaml or the environment. Pure.
import type { Problem, SourceLocation } from '../model/types.js';
import { excerpt } from '../util/excerpt.js';

const PLACEHOLDER = /\$(\$?)\{([^}]*)\}/g;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export type Vars = ReadonlyMap<string, string>;

/** Declared vars, each overridable by an environment variable of the same name. */
export function resolveVars(declared: Record<string, string> | undefined, env: Record<string, string | undefined>): Map<string, string> {
  const vars = new Map<string, string>();
  for (const [name, value] of Object.entries(declared ?? {})) vars.set(name, env[name] ?? value);
  return vars;
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
  const walk = (node: unknown, path: (string | number)[]): unknown => {
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
        problems.push({
          location: locate(path),
          message: NAME.test(name) ? `\${${excerpt(name)}} is not defined` : `\${${excerpt(name)}} is not a valid placeholder`,
          hint: NAME.test(name)
            ? `Declare it under \`vars:\` in grantsync.yaml (an environment variable ${excerpt(name)} then overrides it), or write $\${${excerpt(name)}} for a literal.`
            : 'Names are letters, digits and _, not starting with a digit.',
        });
        return whole;
      }) + node.slice(end);
    }
    if (Array.isArray(node)) return node.map((item, i) => walk(item, [...path, i]));
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v, [...path, k])]));
    }
    return node;
  };
  return { value: walk(value, []), problems };
}

/** The text that `substitute` reads back as exactly `text`: each `${…}` written as `$${…}`. */
export function escapePlaceholders(text: string): string {
  // As in substitute: only up to the last `}`, so the scan stays linear.
  const end = text.lastIndexOf('}') + 1;
  return text.slice(0, end).replace(/\$\{[^}]*\}/g, (placeholder) => `$${placeholder}`) + text.slice(end);
}
