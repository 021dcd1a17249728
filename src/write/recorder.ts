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
