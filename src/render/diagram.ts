// The plan as a Mermaid flowchart for PR comments and job summaries: clients on the left, APIs on the
// right, one edge per change. Pure.
//
// Names come from a tenant or a file, so none is ever written as Mermaid syntax: node ids are
// generated (c0, a0, …), and every label is a quoted string in which everything but letters, digits
// and `_ . / -` is a Mermaid entity (`#34;`). A quote, bracket, pipe, `-->`, `%%`, backtick, `<`,
// `;` or newline in a name is drawn, never parsed: no label can close its node, start an edge or a
// `click` directive, or turn into HTML or a markdown string.
import type { Change } from '../model/types.js';
import { visible } from '../util/escape.js';
import { fieldChanges, scopeLines } from './words.js';

/** More edges than this make a picture nobody reads: the rest are counted, not drawn. */
export const MAX_DIAGRAM_EDGES = 40;
/** Mermaid refuses diagrams above 50,000 characters (its maxTextSize); stay well under it. */
export const MAX_DIAGRAM_CHARS = 20_000;

const MAX_NAME = 60;
const MAX_SCOPE = 40;
const MAX_SCOPES_PER_EDGE = 6;

const ARROW: Record<Change['action'], string> = { create: '==>', update: '-->', delete: '-.->', replace: '-->' };
/** Added grants green and thick, removed grey and dashed, risk flags red and widest. */
const STROKE = {
  create: 'stroke:#1a7f37,stroke-width:3px',
  delete: 'stroke:#6e7781,stroke-width:2px,stroke-dasharray:5 5',
  replace: 'stroke:#8250df,stroke-width:2px',
  risk: 'stroke:#cf222e,stroke-width:4px',
} as const;

export interface DiagramOptions {
  maxEdges?: number;
  /** The longest Mermaid source to return; fewer edges are drawn until it fits. */
  maxChars?: number;
}

export interface Diagram {
  /** The Mermaid source (no fences). */
  source: string;
  drawn: number;
  /** Changes not drawn. */
  left: number;
}

/** The changes most worth seeing first: risk flags, then removals, then the rest, each in plan order. */
export function diagramOrder(changes: readonly Change[]): Change[] {
  const rank = (c: Change): number => (c.flags.length > 0 ? 0 : c.action === 'delete' || c.action === 'replace' ? 1 : 2);
  return changes.map((change, index) => ({ change, index })).sort((x, y) => rank(x.change) - rank(y.change) || x.index - y.index).map((x) => x.change);
}

/** The diagram of a plan's changes, or undefined when there are none (or not even one edge fits). */
export function renderDiagram(changes: readonly Change[], options: DiagramOptions = {}): Diagram | undefined {
  const ordered = diagramOrder(changes);
  const maxChars = options.maxChars ?? MAX_DIAGRAM_CHARS;
  for (let count = Math.min(ordered.length, options.maxEdges ?? MAX_DIAGRAM_EDGES); count > 0; count = nextSmaller(count)) {
    const source = flowchart(ordered.slice(0, count));
    if (source.length <= maxChars) return { source, drawn: count, left: changes.length - count };
  }
  return undefined;
}

function nextSmaller(count: number): number {
  return count > 8 ? Math.floor(count * 0.8) : count - 1;
}

function flowchart(changes: readonly Change[]): string {
  const clients = new Map<string, string>();
  const apis = new Map<string, string>();
  for (const change of changes) {
    if (!clients.has(change.client_id)) clients.set(change.client_id, `c${clients.size}`);
    if (!apis.has(change.audience)) apis.set(change.audience, `a${apis.size}`);
  }
  const names = clientNames(changes);
  const lines = ['flowchart LR', `  subgraph clients["Clients"]`];
  for (const [clientId, id] of clients) lines.push(`    ${id}["${mermaidLabel(names.get(clientId)!, MAX_NAME)}"]`);
  lines.push('  end', `  subgraph apis["APIs"]`);
  for (const [audience, id] of apis) lines.push(`    ${id}["${mermaidLabel(audience, MAX_NAME)}"]`);
  lines.push('  end');
  const styles = new Map<string, number[]>();
  changes.forEach((change, index) => {
    lines.push(`  ${clients.get(change.client_id)} ${ARROW[change.action]}|"${edgeLabel(change)}"| ${apis.get(change.audience)}`);
    const style = change.flags.length > 0 ? STROKE.risk : change.action === 'update' ? undefined : STROKE[change.action];
    if (style) styles.set(style, [...(styles.get(style) ?? []), index]);
  });
  for (const [style, indexes] of styles) lines.push(`  linkStyle ${indexes.join(',')} ${style}`);
  return `${lines.join('\n')}\n`;
}

/** A client's name, or its id when it has none; the id is added where two drawn clients share a name. */
function clientNames(changes: readonly Change[]): Map<string, string> {
  const idsByName = new Map<string, Set<string>>();
  for (const change of changes) {
    const name = change.client_name ?? change.client_id;
    idsByName.set(name, (idsByName.get(name) ?? new Set()).add(change.client_id));
  }
  const names = new Map<string, string>();
  for (const change of changes) {
    const name = change.client_name ?? change.client_id;
    const shared = idsByName.get(name)!.size > 1;
    names.set(change.client_id, shared ? `${truncate(name, MAX_NAME - 36)} (${change.client_id})` : name);
  }
  return names;
}

/** "⚠ privilege-increase: +create:client_grants +read:clients −read:users", already escaped. */
function edgeLabel(change: Change): string {
  const parts: string[] = [];
  if (change.flags.length > 0) parts.push(`⚠ ${change.flags.join(', ')}:`);
  if (change.action === 'replace') parts.push(`replace ${change.replaces_subject_type ?? '?'} → ${change.subject_type}`);
  else if (change.subject_type !== 'client') parts.push(`[${change.subject_type}]`);
  const scopes = scopeLines(change);
  const shown = scopes.slice(0, MAX_SCOPES_PER_EDGE).map((line) => `${line.sign === '+' ? '+' : '−'}${truncate(line.scope, MAX_SCOPE)}`);
  if (scopes.length > MAX_SCOPES_PER_EDGE) shown.push(`(${scopes.length - MAX_SCOPES_PER_EDGE} more)`);
  parts.push(...shown, ...fieldChanges(change));
  if (parts.length === 0) parts.push(change.action === 'create' ? '(no scopes)' : change.action);
  return parts.map((part) => mermaidLabel(part)).join(' ');
}

function truncate(value: string, max: number): string {
  const chars = [...value];
  return chars.length <= max ? value : `${chars.slice(0, max - 1).join('')}…`;
}

/**
 * Text for inside a quoted Mermaid label: control characters shown as `\u{..}` (as everywhere else),
 * then every character but `[A-Za-z0-9_./-]` written as a numeric entity, which Mermaid draws as that
 * character and never reads as syntax. `:` is an entity too: Mermaid's entity pre-pass drops the last
 * `;` of any line holding `style…:…#…;`, which a label with a raw colon could trigger.
 */
export function mermaidLabel(value: string, max = Infinity): string {
  // Mermaid refuses an empty label; an empty name is shown as an empty quoted string.
  if (value === '') return '#34;#34;';
  let out = '';
  for (const char of truncate(visible(value), max)) {
    out += /^[A-Za-z0-9_./-]$/.test(char) ? char : `#${char.codePointAt(0)};`;
  }
  return out;
}

/**
 * The diagram as a folded markdown section (empty when the plan changes nothing), at most
 * `maxChars` long including its fences and wording.
 */
export function diagramSection(changes: readonly Change[], maxChars: number = MAX_DIAGRAM_CHARS): string[] {
  if (changes.length === 0) return [];
  const diagram = renderDiagram(changes, { maxChars: maxChars - 400 });
  if (!diagram) return [];
  const what = `${diagram.drawn} change${diagram.drawn === 1 ? '' : 's'}`;
  const lines = [`<details><summary>Diagram of the ${what}</summary>`, '', '```mermaid', diagram.source.trimEnd(), '```', ''];
  lines.push('Thick green: new grant. Dashed grey: removed grant. Red: flagged for review (⚠). `+`/`−`: scopes added and removed.');
  if (diagram.left > 0) {
    lines.push('', `${diagram.left} more change${diagram.left === 1 ? ' is' : 's are'} not drawn (flagged changes and removals are drawn first); the list of changes names them.`);
  }
  lines.push('', '</details>', '');
  return lines;
}
