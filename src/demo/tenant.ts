// The bundled demo tenant: what `npm run demo` and `grantsync emulator` (without --seed) start with.
// It is the "before" picture for the grants/ directory: creates (one a default grant for every third-party
// application), updates (one moving a partner's organization access), and a delete to do.
import type { Seed } from '../emulator/seed.js';

export const DEMO_DEPLOYER = {
  clientId: 'gsDeployer00000000000000000000Ab',
  // A demo-only secret for a tenant that exists only in memory on 127.0.0.1.
  clientSecret: 'demo-secret-for-the-local-emulator-only',
};

const MAPI = 'https://demo.grantsync.local/api/v2/';

export const DEMO_SEED: Seed = {
  tenant: 'demo.grantsync.local',
  clients: [
    { client_id: DEMO_DEPLOYER.clientId, name: 'grantsync-deployer', app_type: 'non_interactive', client_secret: DEMO_DEPLOYER.clientSecret },
    { client_id: 'bilW0rker1111111111111111111111A', name: 'billing-worker', app_type: 'non_interactive' },
    { client_id: 'invMailer2222222222222222222222B', name: 'invoice-mailer', app_type: 'non_interactive' },
    { client_id: 'rptEtl333333333333333333333333C', name: 'reporting-etl', app_type: 'non_interactive' },
    { client_id: 'frdScorer444444444444444444444D', name: 'fraud-scorer', app_type: 'non_interactive' },
    { client_id: 'oldExport555555555555555555555E', name: 'old-exporter', app_type: 'non_interactive' },
    { client_id: 'legBatch6666666666666666666666F', name: 'legacy-batch', app_type: 'non_interactive' },
    { client_id: 'supConsole77777777777777777777G', name: 'support-console', app_type: 'regular_web' },
    { client_id: 'auditBot88888888888888888888888H', name: 'audit-bot', app_type: 'non_interactive' },
    // Created by an Express Configuration integration: its grant is a system grant nobody may change.
    { client_id: 'expressCfg000000000000000000000X', name: 'Express Configuration', app_type: 'express_configuration' },
    // Two applications share a name, as happens in real tenants: grants must name them by client_id.
    { client_id: 'sharedToolA999999999999999999999', name: 'shared-tool', app_type: 'non_interactive' },
    { client_id: 'sharedToolB999999999999999999999', name: 'shared-tool', app_type: 'non_interactive' },
    // Calls the payments API on behalf of one partner organization at a time (Organizations for M2M).
    { client_id: 'partnerSync00000000000000000000J', name: 'partner-sync', app_type: 'non_interactive' },
  ],
  organizations: [
    { id: 'org_AcmeDemo00000001', name: 'acme', display_name: 'Acme Corp' },
    { id: 'org_GlobexDemo00002', name: 'globex', display_name: 'Globex' },
  ],
  resource_servers: [
    { identifier: 'https://api.example.com/payments', name: 'Payments', scopes: ['read:invoices', 'write:invoices', 'read:refunds', 'write:refunds'] },
    { identifier: 'https://api.example.com/ledger', name: 'Ledger', scopes: ['read:entries', 'write:entries'] },
    { identifier: 'https://api.example.com/notifications', name: 'Notifications', scopes: ['send:email', 'send:sms'] },
  ],
  client_grants: [
    // grantsync's own access: never touched by grantsync.
    {
      client: 'grantsync-deployer',
      audience: MAPI,
      scope: [
        'read:client_grants',
        'create:client_grants',
        'update:client_grants',
        'delete:client_grants',
        'read:clients',
        'read:resource_servers',
        'read:organizations',
        'read:organization_client_grants',
        'create:organization_client_grants',
        'delete:organization_client_grants',
      ],
    },
    { client: 'billing-worker', audience: 'https://api.example.com/payments', scope: ['read:invoices'] },
    { client: 'invoice-mailer', audience: 'https://api.example.com/notifications', scope: ['send:email'] },
    { client: 'invoice-mailer', audience: 'https://api.example.com/payments', scope: ['read:invoices'] },
    { client: 'reporting-etl', audience: 'https://api.example.com/ledger', scope: ['read:entries', 'write:entries'] },
    { client: 'old-exporter', audience: 'https://api.example.com/payments', scope: ['read:invoices', 'read:refunds'] },
    { client: 'legacy-batch', audience: 'https://api.example.com/ledger', scope: ['write:entries'] },
    { client: 'audit-bot', audience: MAPI, scope: ['read:logs'] },
    {
      client: 'partner-sync',
      audience: 'https://api.example.com/payments',
      scope: ['read:invoices'],
      organization_usage: 'require',
      allow_any_organization: false,
      organizations: ['globex'],
    },
    { client: 'Express Configuration', audience: MAPI, scope: ['read:clients', 'update:clients'], is_system: true },
  ],
};
