// The rules between a grant's fields (the schema checks each field alone). Pure.
import type { Problem } from '../model/types.js';
import type { ParsedFile } from './parse.js';
import { describePath, requiredHint, type Path } from './schema-words.js';

/**
 * The rules between a grant's fields that Auth0 enforces (or that make a grant mean nothing), each
 * reported at the field that breaks it. The schema checks each field alone.
 */
export function grantShapeProblems(item: Record<string, unknown>, path: Path, file: ParsedFile): Problem[] {
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
