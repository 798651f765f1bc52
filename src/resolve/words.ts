// How resolve names things in its messages. Pure.
import type { ClientSummary, SourceLocation } from '../model/types.js';

export function describeClient(client: ClientSummary): string {
  return `${client.name} (${client.client_id})`;
}

export function formatLocation(location: SourceLocation | undefined): string {
  return location ? `${location.file}:${location.line}:${location.column}` : 'an unknown place';
}

/**
 * The advice for a value that matches nothing: the known values near it ("Did you mean …?", rendered
 * by src/render/problems.ts) when there are some, else the fallback hint.
 */
export function suggestOr(suggestions: string[], otherwise: string): { suggestions: string[] } | { hint: string } {
  return suggestions.length ? { suggestions } : { hint: otherwise };
}
