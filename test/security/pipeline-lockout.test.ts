// Issue 13: apply refuses any plan that takes read:client_grants, read:clients or read:resource_servers
// away from a client the pipeline runs as (pipeline_clients, or the running client without it), so a
// merge cannot lock the plan job out. Their grants are never managed, so such a plan is not expected to
// exist: the rail is defence in depth, proven here on the pure check and on the apply path.
import { describe, expect, it } from 'vitest';
import type { Change, Ownership } from '../../src/model/types.js';
import { pipelineLockouts } from '../../src/plan/pipeline-lockout.js';

const MAPI = 'https://acme.auth0.com/api/v2/';
const SYSTEM = new Set([MAPI]);
const READS = ['read:client_grants', 'read:clients', 'read:resource_servers'];
const change = (over: Partial<Change>): Change => ({
  action: 'update',
  client_id: 'planApp',
  audience: MAPI,
  subject_type: 'client',
  before: { scope: [...READS] },
  after: { scope: ['read:client_grants'] },
  flags: [],
  ...over,
});
const withPipeline: Ownership = { manage: 'all', excludedClientIds: [], pipelineClientIds: ['applyApp', 'planApp'], ownClientId: 'applyApp' };
const withoutPipeline: Ownership = { manage: 'all', excludedClientIds: [], ownClientId: 'applyApp' };

describe('a plan that locks the pipeline out', () => {
  it('is found for a pipeline client: scopes removed, a delete, a replace to a user grant', () => {
    expect(pipelineLockouts([change({})], withPipeline, SYSTEM).map((l) => l.lost)).toEqual([['read:clients', 'read:resource_servers']]);
    expect(pipelineLockouts([change({ action: 'delete', after: null })], withPipeline, SYSTEM).map((l) => l.lost)).toEqual([READS]);
    expect(pipelineLockouts([change({ action: 'replace', subject_type: 'user', after: { scope: [...READS] } })], withPipeline, SYSTEM).map((l) => l.lost)).toEqual([READS]);
    expect(pipelineLockouts([change({ before: { scope: [], allow_all_scopes: true }, after: { scope: ['read:clients'] } })], withPipeline, SYSTEM).map((l) => l.lost)).toEqual([
      ['read:client_grants', 'read:resource_servers'],
    ]);
  });

  it('without pipeline_clients, protects the running client', () => {
    expect(pipelineLockouts([change({ client_id: 'applyApp' })], withoutPipeline, SYSTEM)).toHaveLength(1);
    expect(pipelineLockouts([change({ client_id: 'planApp' })], withoutPipeline, SYSTEM)).toEqual([]);
  });

  it('is not found for other clients, other APIs, or changes that keep the read scopes', () => {
    expect(pipelineLockouts([change({ client_id: 'someoneElse' })], withPipeline, SYSTEM)).toEqual([]);
    expect(pipelineLockouts([change({ audience: 'https://api.example.com/payments' })], withPipeline, SYSTEM)).toEqual([]);
    expect(pipelineLockouts([change({ before: { scope: [...READS, 'create:client_grants'] }, after: { scope: [...READS] } })], withPipeline, SYSTEM)).toEqual([]);
    expect(pipelineLockouts([change({ action: 'create', before: null, after: { scope: [] } })], withPipeline, SYSTEM)).toEqual([]);
  });
});
