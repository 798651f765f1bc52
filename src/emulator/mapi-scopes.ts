// A representative part of the Management API's scopes (the real API defines about 270).
const RESOURCES = [
  'client_grants', 'clients', 'client_keys', 'client_credentials', 'resource_servers', 'users', 'users_app_metadata',
  'user_idp_tokens', 'connections', 'roles', 'role_members', 'organizations', 'organization_members',
  'organization_client_grants', 'logs', 'rules', 'hooks', 'actions', 'tenant_settings', 'email_provider',
  'email_templates', 'branding', 'custom_domains', 'log_streams', 'grants', 'guardian_factors', 'stats',
];
const VERBS = ['read', 'create', 'update', 'delete'];

export const MANAGEMENT_API_SCOPES: readonly string[] = [
  ...RESOURCES.flatMap((resource) => VERBS.map((verb) => `${verb}:${resource}`)),
  'read:client_summary',
  'update:triggers',
  'read:triggers',
  'blacklist:tokens',
];
