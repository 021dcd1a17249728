/**
 * The write API for the host's scheduler. Like the repository, every function takes the
 * organization explicitly and scopes every statement by it: a run of another organization is
 * simply not found.
 *
 * Guarantees:
 * - Each call is one transaction (or one statement): a failure mid-write leaves nothing behind.
 * - Calls that create rows take the caller's idempotency `key`. Retrying with the same key returns
 *   what the first call wrote and writes nothing. Reusing a key for a different call is an
 *   `idempotency_conflict`, never silently the original: a run's key is checked against its
 *   schedule and prompt, a step's against its content (times are not compared: a retry's default
 *   "now" differs). markActive and setCredits are idempotent by nature.
 * - Status moves pending → active → completed | failed. A pending run may fail (it never got
 *   started: the queue gave up, the agent was gone) but cannot complete without having run.
 *   A finished run never reopens (no call moves it out of completed or failed) and takes no more
 *   tool calls. Steps are appended under a lock on the run, so of racing finishes exactly one wins
 *   (the others get `already_finished`) and concurrent tool calls get contiguous positions.
 * - Credits are set once a run has finished, possibly long after; setting them again replaces them
 *   (the platform may recalculate).
 * - Input Postgres cannot store is dealt with before the database sees it (checks.ts), so a call
 *   fails with a RecorderError — never the driver's error — unless the database itself is
 *   unreachable. A NUL (U+0000) in any text, key or JSON (its strings and object keys, at any depth)
 *   is `invalid_input` naming the field: text and jsonb cannot hold it. An unpaired UTF-16 surrogate
 *   is repaired to U+FFFD instead, so that a tool's output cut mid-emoji does not cost the tool call;
 *   a retry with the same unrepaired data is compared after the same repair and stays identical.
 *   JSON jsonb would not give back as sent (NaN, Infinity, BigInt, non-plain objects, undefined in an
 *   array, two keys that become one once repaired, nesting past 1000 levels), dates outside years
 *   1900–9999, integers past Postgres's integer, and keys, organization ids and tool names over 200
 *   characters (they sit in size-limited indexes) are `invalid_input` too.
 */
export { RecorderError, type RecorderErrorCode } from './errors.js';
export type {
  AgentInput,
  CompleteExecutionInput,
  FailExecutionInput,
  FinishedRunInput,
  HistoricalToolCall,
  JsonValue,
  OrganizationInput,
  ScheduleInput,
  StartedExecution,
  StartExecutionInput,
  ToolCallInput,
} from './inputs.js';
export { deleteAgent, upsertAgent, upsertOrganization, upsertSchedule } from './organizations-agents-schedules.js';
export { recordFinishedRuns, startExecution } from './start-runs.js';
export { completeExecution, failExecution, markActive, recordToolCall, setCredits } from './run-lifecycle.js';
export { pruneExpiredRuns, setRetention, type PruneOptions, type PruneProgress, type PruneResult } from './retention.js';
