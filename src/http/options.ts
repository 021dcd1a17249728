/** What a host passes to createExecutionsAdmin, and what its middleware provides. */
import type { Context } from 'hono';
import type { ActedRun } from '../db/run-actions.js';
import type { DatabaseOption } from '../db/routing.js';
import type { Messages } from '../i18n/messages.js';
import type { Layout } from '../../views/shared/layout.js';
import type { AdmissionLimit } from './admission.js';
import type { OnError } from './report-error.js';
import type { SecurityHeadersOptions } from './security-headers.js';

/** What the host's middleware provides: `c.set('organizationId', …)` from its own auth. */
export interface ExecutionsAdminVariables {
  organizationId?: string;
}

export type ExecutionsAdminEnv = { Variables: ExecutionsAdminVariables };

/** The signed-in organization as the host knows it. */
export interface OrganizationRef {
  id: string;
  /** IANA time zone; when omitted, the one recorded for the organization, else UTC. */
  timeZone?: string;
}

/** The signed-in user as the host knows them: saved views are theirs. */
export interface UserRef {
  id: string;
  /** Shown beside the views they share ("shared by Ana"). */
  name?: string;
}

/** What the host's actions are told besides the run: who acts, for which organization, and a key. */
export interface ActionContext {
  organizationId: string;
  user: UserRef;
  /**
   * Unique to this action: pass it as `startExecution`'s key (run again), so a retry of the
   * host's own makes no second run.
   */
  key: string;
  /** The request, for whatever else the host reads from it; none for a bulk job's runs, acted on in the background. */
  c?: Context;
}

/** The host's scheduler, acting on one run: the module records every call in its audit trail. */
export interface RunActions {
  /**
   * Start a new run of a finished run's schedule (recorded with `startExecution`), and return its
   * executionId: both runs' pages link to each other.
   */
  runAgain?: (run: ActedRun, ctx: ActionContext) => Promise<{ executionId: string } | void>;
  /**
   * Stop a Pending or Active run. The module has already ended it as Failed ("Cancelled by …"):
   * the scheduler's later writes to it are refused as already_finished.
   */
  cancel?: (run: ActedRun, ctx: ActionContext) => Promise<void>;
}

export interface ExecutionsAdminOptions {
  /**
   * A Drizzle Postgres database (any driver), or a connection string for postgres.js; or, when
   * organizations live on several servers, a function of the organization's id that names its
   * database (either way, possibly async), asked once per request.
   */
  db: DatabaseOption;
  /**
   * A read replica (streaming) for the list, its live polls, the failure digest and the CSV, as
   * `db` is given (routed by organization too); the conversation page and everything else read
   * `db`. While the replica is down the primary answers; when it is more than 5 s behind, the list
   * says so.
   */
  readDb?: DatabaseOption;
  /**
   * Reads the signed-in organization from the host's context. Default: the `organizationId`
   * context variable. Return null (or nothing) when no one is signed in.
   */
  organization?: (c: Context) => OrganizationRef | null | undefined | Promise<OrganizationRef | null | undefined>;
  /**
   * Renders the module's pages inside the host's document; must place `<AssetTags>` in its
   * head. Without it, a host that set up hono's `jsxRenderer` gets `c.render(content, { title })`
   * (asset tags at the top of the content), and a host with neither gets the module's own page.
   */
  layout?: Layout;
  /** Serve htmx from the module (default). Turn off when the host page already loads htmx 2 or 4. */
  serveHtmx?: boolean;
  /** How often the list refreshes itself while it shows Active or Pending runs. */
  refreshSeconds?: number;
  /**
   * Content-Security-Policy, nosniff, Referrer-Policy and X-Frame-Options on every response
   * (default). Pass `{ sources }` to add what the host's layout loads, or false when the host
   * sets its own. A policy the host sets before the module answers is kept; one set after wins.
   */
  securityHeaders?: boolean | SecurityHeadersOptions;
  /**
   * The request's CSP nonce, put on the module's style and script tags and in its own policy.
   * Default: the one hono's `secureHeaders()` made for `NONCE` (`secureHeadersNonce`), if any.
   */
  nonce?: (c: Context) => string | undefined;
  /**
   * Milliseconds a request may wait for the database, queueing for a connection included, before
   * it answers 503. Default: 1500 (`DEFAULT_DEADLINE_MS`), half a second under the default connect
   * and statement timeouts.
   */
  deadlineMs?: number;
  /**
   * Milliseconds a search "also in conversations" may spend reading runs' steps before the page
   * says where it stopped (its total then a lower bound). Default: 600 (`CONVERSATION_SEARCH_MS`),
   * or 40% of `deadlineMs` when that is less; a longer value is cut to that 40%, so that the page
   * still comes within the deadline rather than a 503. The CSV, which streams, is not cut: it reads
   * on to the end, a stretch of this length at a time.
   */
  conversationSearchMs?: number;
  /**
   * How many requests of each kind may read the database at once, and wait for a turn; more are
   * answered 503 at once. Keep the sum of `concurrent` below the connection pool's size, so that
   * writes on the same pool always find a connection. Default: lists (the list and the digest) 4
   * at once and 16 waiting, exports (CSV downloads, for as long as they stream) 2 and 4,
   * conversations 2 and 16.
   */
  admission?: Partial<Record<RequestKind, AdmissionLimit>>;
  /**
   * Called with every error the module answers with its error page, and that page's status: 500
   * for a fault, 503 for the database unavailable or a request past its deadline or admission.
   * Default: console.error. Not awaited; what it throws or rejects is logged.
   */
  onError?: OnError;
  /**
   * Every word the pages show, and the locale of their numbers and `lang`: a complete table such
   * as `ptBR`, or one spread over it with a few words changed. Default: English (`en`). The CSV
   * export stays English whatever the table.
   */
  messages?: Messages;
  /**
   * Reads the signed-in user from the host's context, for saved views. Without it (or when it
   * returns null) the page shows no saved views and accepts no form.
   */
  user?: (c: Context) => UserRef | null | undefined | Promise<UserRef | null | undefined>;
  /**
   * Whether this user may share a view with everyone of the organization. Default: no one. A
   * shared view is listed to every user of the organization; only its owner renames or deletes it.
   */
  canShareViews?: (c: Context) => boolean | Promise<boolean>;
  /**
   * The key the forms' CSRF tokens are signed with (an HMAC of organization and user). Default: a
   * random one per process, so pass one when the host runs several instances or restarts often.
   */
  csrfSecret?: string;
  /**
   * Run again and Cancel, on each run's page and in the list's rows, for users `canAct` allows
   * (a `user` is required: the audit trail records who acted). Without it the pages offer no action.
   */
  actions?: RunActions;
  /** Whether this user may act on the organization's runs. Default: no one. */
  canAct?: (c: Context) => boolean | Promise<boolean>;
  /**
   * The pace of bulk jobs, as your scheduler can take it. Default: 10 runs a second, one call at a
   * time (`concurrency` calls at once at most), in batches of 10 whose progress is stored.
   */
  bulkJobs?: { runsPerSecond?: number; concurrency?: number; batchSize?: number };
}

/** The kinds of request that take turns to read the database (see admission.ts). */
export type RequestKind = 'lists' | 'exports' | 'conversations';

export const DEFAULT_ADMISSION: Record<RequestKind, AdmissionLimit> = {
  lists: { concurrent: 4, queued: 16 },
  exports: { concurrent: 2, queued: 4 },
  conversations: { concurrent: 2, queued: 16 },
};
