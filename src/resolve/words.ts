// How resolve names things in its messages. Pure.
import type { ClientSummary, SourceLocation } from '../model/types.js';

export function describeClient(client: ClientSummary): string {
  return `${client.name} (${client.client_id})`;
}

export function quoteList(values: string[]): string {
  return values.map((v) => `"${v}"`).join(' or ');
}

export function formatLocation(location: SourceLocation | undefined): string {
  return location ? `${location.file}:${location.line}:${location.column}` : 'an unknown place';
}

/** "Did you mean …?" when there is something near, else the fallback advice. */
export function didYouMean(suggestions: string[], otherwise: string): string {
  return suggestions.length ? `Did you mean ${quoteList(suggestions)}?` : otherwise;
}
