// grantsync as a library: the same core the CLI composes, for scripts and for tests of your own.
// Load → plan → render is pure apart from the directory read; the client is the only network edge.
//
//   const state = await loadDirectory('grants', process.env);
//   const client = new ManagementClient({ endpoint: parseDomain(domain), credentials, redactor: new Redactor() });
//   checkTenant(state, client endpoint);
//   // Organizations and associations are read only when some grant can have them:
//   const { tenant } = await readOrganizationAccess(client, state, await readTenant(client), { ownClientId });
//   const { plan } = planFromState(state, tenant, { tenantName, ownClientId });
//   console.log(renderJson(plan));
//
// Nothing here reads process.env, prints or exits: that is the CLI's job.
export { loadDirectory, checkTenant, readTenant, planFromState, checkGuards, applyAndVerify, systemAudiences } from './engine.js';
export type { PlanResult, Guards, ApplyRunResult } from './engine.js';
export { readOrganizationAccess, type AssociationReads } from './engine-organizations.js';
export type { DesiredState } from './config/load.js';
export { ManagementClient, type ClientOptions, type RequestEvent } from './api/http.js';
export type { ManagementApi, CreateGrantBody, UpdateGrantBody, GrantFilter } from './api/port.js';
export { parseDomain, type Endpoint } from './api/domain.js';
export { Redactor } from './api/redact.js';
export type { Outcome } from './apply/apply.js';
export type { VerifyReads } from './apply/verify-reads.js';
export type { ReadProfile } from './model/types.js';
export { diffGrants, type DiffResult } from './diff/diff.js';
export { buildPlan, fingerprintGrants } from './plan/plan.js';
export { renderText } from './render/text.js';
export { renderMarkdown, type MarkdownOptions } from './render/markdown.js';
export { renderJson } from './render/json.js';
export { toJsonPlan, type JsonPlan, type JsonChange } from './plan/json.js';
export { renderProblems, formatProblem } from './render/problems.js';
export { InputError, RefusedError, ApiError, NotConvergedError } from './errors.js';
export { startEmulator, type Emulator, type EmulatorOptions, type EmulatorStats, type RateLimitOptions, type FaultOptions } from './emulator/server.js';
export type { Seed, SeedGrant } from './emulator/seed.js';
export type {
  Action,
  Change,
  ClientSummary,
  DeclaredGrant,
  DesiredGrant,
  Flag,
  GrantKey,
  GrantState,
  LiveGrant,
  Ownership,
  Plan,
  PlanSummary,
  Problem,
  ResourceServerSummary,
  Settings,
  SourceLocation,
  TenantSnapshot,
} from './model/types.js';
