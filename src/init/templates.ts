// What `grantsync init` writes into a team's repository: the settings file and, with --github, the
// plan, apply, drift and expire workflows. Pure text; the command (src/cli/commands/init.ts) does the IO.
//
// The workflows call the reusable action (action.yml at the root of ACTION_REPOSITORY) at the tag of
// the grantsync version that wrote them, so a team's pipeline changes only when it updates the pin.
// The action runs that same version from the npm registry: nothing of grantsync is built in the job.

/** Where the release publishes the action (its tags are v<version> and a moving v<major>). A fork changes this. */
export const ACTION_REPOSITORY = 'grantsync/grantsync';

/** The first line of the settings file init writes; `grantsync export` may replace such a file. */
export const INIT_MARKER = '# Written by `grantsync init`: `grantsync export` replaces it with the tenant\'s grants.';

const CHECKOUT = 'actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2';

export interface InitTemplateOptions {
  /** The grants directory, relative to the repository root (forward slashes). */
  dir: string;
  /** The host of AUTH0_DOMAIN, when it was set. */
  tenant?: string;
  /** The grantsync version writing the files (package.json). */
  version: string;
}

export function settingsFile(opts: InitTemplateOptions): string {
  const tenant = opts.tenant
    ? `# A run whose AUTH0_DOMAIN names another host stops before reading anything.\ntenant: ${opts.tenant}\n`
    : '# Pin the directory to one tenant: a run whose AUTH0_DOMAIN names another host stops before reading.\n# tenant: acme.eu.auth0.com\n';
  return `${INIT_MARKER}
# Settings of this grants directory (the file name is reserved). Reference: the README of grantsync.

${tenant}
# This directory owns every grant of the tenant, except system grants, excluded clients and the
# pipeline's own grants. Owned grants that no file declares are DELETED by apply: run
# \`grantsync export --dir ${opts.dir}\` first, so the files start out as today's tenant.
manage: all

# Refuse an apply that removes more grants than this (deletes, replaces, grants emptied of scopes).
max_deletes: 10

# The applications the pipeline runs as: the read-only one pull requests plan with, and the one the
# apply job on main runs as. Their grants are never managed, whichever of them runs, and a run as
# any other application is refused. \`grantsync export\` fills this in (--pipeline-client for the other).
# pipeline_clients:
#   - grantsync-plan    # read:client_grants, read:clients, read:resource_servers
#   - grantsync-apply   # the same, plus create:, update: and delete:client_grants
`;
}

function header(what: string, opts: InitTemplateOptions): string {
  return `# ${what}\n# Written by \`grantsync init --github\` (grantsync ${opts.version}); the action runs that same version.\n`;
}

const uses = (opts: InitTemplateOptions): string => `${ACTION_REPOSITORY}@v${opts.version}`;

export function planWorkflow(opts: InitTemplateOptions): string {
  return `${header('Every pull request that touches the grant files: a dry-run plan with READ-ONLY credentials, posted as one\n# sticky comment (with the change-set digest the apply on merge holds itself to) and the job summary.\n# Pull-request code never gets write credentials: grantsync refuses to plan with them here.', opts)}name: grants-plan
on:
  pull_request:
    # labeled/unlabeled: a grantsync:max-deletes=N label changes what the plan says apply will do.
    types: [opened, synchronize, reopened, labeled, unlabeled]
    paths: ['${opts.dir}/**']
permissions:
  contents: read
concurrency:
  group: grants-plan-\${{ github.event.pull_request.number }}
  cancel-in-progress: true
jobs:
  plan:
    runs-on: ubuntu-latest
    timeout-minutes: 15
    permissions:
      contents: read
      pull-requests: write
    # The plan's risk classes (each a count), for the risk-review job below and any other.
    outputs:
${riskOutputLines('plan')}
    env:
      AUTH0_DOMAIN: \${{ vars.AUTH0_DOMAIN }}
    steps:
      - name: Skip when there are no credentials (pull requests from forks)
        id: gate
        env:
          HAVE_CREDENTIALS: \${{ secrets.AUTH0_PLAN_CLIENT_ID != '' && secrets.AUTH0_PLAN_CLIENT_SECRET != '' }}
        run: |
          if [ "$HAVE_CREDENTIALS" != true ]; then
            echo "::notice title=grantsync::No plan: this pull request has no access to the read-only Auth0 credentials (a fork, or the secrets are not set)."
            echo "run=false" >> "$GITHUB_OUTPUT"
          else
            echo "run=true" >> "$GITHUB_OUTPUT"
          fi
      - uses: ${CHECKOUT}
        if: steps.gate.outputs.run == 'true'
        with:
          persist-credentials: false
      - uses: ${uses(opts)}
        id: plan
        if: steps.gate.outputs.run == 'true'
        # The credentials reach this step only.
        env:
          AUTH0_CLIENT_ID: \${{ secrets.AUTH0_PLAN_CLIENT_ID }}
          AUTH0_CLIENT_SECRET: \${{ secrets.AUTH0_PLAN_CLIENT_SECRET }}
        with:
          command: plan
          directory: ${opts.dir}
          comment: 'true'
${RISK_REVIEW_JOB}`;
}

/** The action's risk outputs (src/github/actions.ts), in the order of RISK_CLASSES. */
const RISK_OUTPUTS = ['risks', 'risk_self_escalation', 'risk_privilege_increase', 'risk_wildcard', 'risk_fleet_wide', 'risk_any_organization', 'risk_sensitive'];

/** `outputs:` lines of a job that pass on the risk counts of step `step`. */
export function riskOutputLines(step: string): string {
  return RISK_OUTPUTS.map((name) => `      ${name}: \${{ steps.${step}.outputs.${name} }}`).join('\n');
}

/**
 * Runs only when the plan has a risk class, behind an environment whose required reviewers are the
 * extra approval. Make "risk-review" a required status check: skipped (no risk) counts as passed.
 */
const RISK_REVIEW_JOB = `  risk-review:
    needs: plan
    if: needs.plan.outputs.risks != '' && needs.plan.outputs.risks != '0'
    runs-on: ubuntu-latest
    timeout-minutes: 5
    # Give this environment required reviewers (Settings → Environments): they are the extra approval.
    environment: grants-risk-review
    permissions: {}
    steps:
      - name: An extra reviewer approved a plan with risk classes
        env:
          RISKS: \${{ needs.plan.outputs.risks }}
          SELF_ESCALATION: \${{ needs.plan.outputs.risk_self_escalation }}
          PRIVILEGE_INCREASE: \${{ needs.plan.outputs.risk_privilege_increase }}
        run: echo "Approved $RISKS risk-class entries ($SELF_ESCALATION self-escalation, $PRIVILEGE_INCREASE privilege-increase)."
`;

export function applyWorkflow(opts: InitTemplateOptions): string {
  return `${header('On merge to main: apply the grant files with WRITE credentials, behind the "auth0-production"\n# environment, one run at a time. Only the change set approved on the merged pull request is applied\n# (its plan comment records it, and a grantsync:max-deletes=N label on it raises\n# the deletion budget for this merge); when the plan changed since, the new plan is posted there and nothing\n# is written. A manual run applies without a reviewed plan only when allow-unreviewed is ticked.', opts)}name: grants-apply
on:
  push:
    branches: [main]
    paths: ['${opts.dir}/**']
  workflow_dispatch:
    inputs:
      allow-unreviewed:
        description: Apply the grant files on main without a reviewed plan (e.g. to repair drift)
        type: boolean
        default: false
permissions:
  contents: read
concurrency:
  # One apply at a time; a queued run waits rather than cancelling one in progress.
  group: grants-apply-auth0-production
  cancel-in-progress: false
jobs:
  apply:
    runs-on: ubuntu-latest
    timeout-minutes: 30
    environment: auth0-production
    permissions:
      contents: read
      pull-requests: write
    env:
      AUTH0_DOMAIN: \${{ vars.AUTH0_DOMAIN }}
    steps:
      - uses: ${CHECKOUT}
        with:
          persist-credentials: false
      - uses: ${uses(opts)}
        # The write credentials reach this step only.
        env:
          AUTH0_CLIENT_ID: \${{ secrets.AUTH0_APPLY_CLIENT_ID }}
          AUTH0_CLIENT_SECRET: \${{ secrets.AUTH0_APPLY_CLIENT_SECRET }}
        with:
          command: apply
          directory: ${opts.dir}
          allow-unreviewed: \${{ github.event_name == 'workflow_dispatch' && inputs.allow-unreviewed }}
`;
}

export function driftWorkflow(opts: InitTemplateOptions): string {
  return `${header('Nightly: is the tenant still what main says? Keeps one issue open while it is not, closes it when it\n# matches again. Read-only credentials.', opts)}name: grants-drift
on:
  schedule:
    - cron: '17 3 * * *'
  workflow_dispatch:
permissions:
  contents: read
concurrency:
  group: grants-drift-auth0-production
  cancel-in-progress: true
jobs:
  drift:
    runs-on: ubuntu-latest
    timeout-minutes: 15
    permissions:
      contents: read
      issues: write
    env:
      AUTH0_DOMAIN: \${{ vars.AUTH0_DOMAIN }}
    steps:
      - uses: ${CHECKOUT}
        with:
          persist-credentials: false
      - uses: ${uses(opts)}
        env:
          AUTH0_CLIENT_ID: \${{ secrets.AUTH0_PLAN_CLIENT_ID }}
          AUTH0_CLIENT_SECRET: \${{ secrets.AUTH0_PLAN_CLIENT_SECRET }}
        with:
          command: plan
          directory: ${opts.dir}
          drift-issue: 'true'
`;
}

export function expireWorkflow(opts: InitTemplateOptions): string {
  return `${header('Nightly: one pull request that deletes the grant and scope entries whose `expires` day has come, so\n# git stays the truth and the removal is planned, reviewed and applied like any other change.\n# Offline: no Auth0 credentials. Nothing happens when nothing expired.', opts)}name: grants-expire
on:
  schedule:
    - cron: '47 2 * * *'
  workflow_dispatch:
permissions:
  contents: read
concurrency:
  group: grants-expire
  cancel-in-progress: true
jobs:
  expire:
    runs-on: ubuntu-latest
    timeout-minutes: 10
    permissions:
      contents: write
      pull-requests: write
    steps:
      - uses: ${CHECKOUT}
        with:
          persist-credentials: false
      - uses: ${uses(opts)}
        with:
          command: expire
          directory: ${opts.dir}
          # A pull request opened with the workflow's own token starts no workflow, so the plan job
          # would not run on it: a GitHub App or fine-grained token (contents and pull requests: write)
          # in GRANTSYNC_PR_TOKEN lets it. Without one, close and reopen the pull request to plan it.
          github-token: \${{ secrets.GRANTSYNC_PR_TOKEN || github.token }}
`;
}

export function nextSteps(opts: InitTemplateOptions & { github: boolean; credentials: boolean }): string {
  const lines = ['', 'Next steps:'];
  let n = 1;
  const step = (text: string): void => {
    lines.push(`  ${n++}. ${text}`);
  };
  step(
    opts.credentials
      ? `Fill ${opts.dir}/ with today's grants (read-only): grantsync export --dir ${opts.dir}   (then grantsync plan --dir ${opts.dir} shows no changes)`
      : `Set AUTH0_DOMAIN, AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET (a read-only application), then: grantsync export --dir ${opts.dir}`,
  );
  if (opts.github) {
    step('Create two machine-to-machine applications authorised for the Auth0 Management API: grantsync-plan (read:client_grants, read:clients, read:resource_servers) and grantsync-apply (the same plus create:, update:, delete:client_grants).');
    step(`Repository settings → Secrets and variables → Actions: variable AUTH0_DOMAIN${opts.tenant ? ` (${opts.tenant})` : ''}; secrets AUTH0_PLAN_CLIENT_ID and AUTH0_PLAN_CLIENT_SECRET.`);
    step('Settings → Environments → new environment "auth0-production": secrets AUTH0_APPLY_CLIENT_ID and AUTH0_APPLY_CLIENT_SECRET, required reviewers, deployment branches: main only.');
  }
  step(`Commit ${opts.dir}/${opts.github ? ' and .github/workflows/' : ''}, open a pull request${opts.github ? ', and read the plan comment: merging applies exactly that change set' : ''}.`);
  return `${lines.join('\n')}\n`;
}
