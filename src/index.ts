/** The package's public API: the module, its database helpers, its schema, layout pieces and CSP sources. */
export {
  createExecutionsAdmin,
  type ExecutionsAdminEnv,
  type ExecutionsAdminOptions,
  type ExecutionsAdminVariables,
  type OrganizationRef,
  type UserRef,
} from './http/executions-admin.js';
export type { ActionContext, RunActions } from './http/options.js';
export type { ActedRun } from './db/run-actions.js';
export {
  connectPostgres,
  migrateExecutionsAdmin,
  MIGRATIONS_TABLE,
  openDatabase,
  openPglite,
  pgliteExtensions,
  type DatabaseOptions,
  type ExecutionsDatabase,
  type OpenDatabase,
} from './db/database.js';
export type { DatabaseOption, DatabaseRouter } from './db/routing.js';
export { AssetTags, type Layout, type LayoutProps, type PageAssets } from '../views/shared/layout.js';
export { executionsAdminCsp } from './http/assets.js';
export {
  cspHash,
  type CspDirective,
  type ExecutionsAdminCspSources,
  type SecurityHeadersOptions,
} from './http/security-headers.js';
export {
  completeExecution,
  deleteAgent,
  failExecution,
  markActive,
  pruneExpiredRuns,
  RecorderError,
  recordFinishedRuns,
  recordToolCall,
  setCredits,
  setRetention,
  startExecution,
  upsertAgent,
  upsertOrganization,
  upsertSchedule,
  type AgentInput,
  type CompleteExecutionInput,
  type FailExecutionInput,
  type FinishedRunInput,
  type HistoricalToolCall,
  type JsonValue,
  type OrganizationInput,
  type PruneOptions,
  type PruneProgress,
  type PruneResult,
  type RecorderErrorCode,
  type ScheduleInput,
  type StartedExecution,
  type StartExecutionInput,
  type ToolCallInput,
} from './write/recorder.js';
export * as schema from './db/schema.js';
export { en } from './i18n/en.js';
export { ptBR } from './i18n/pt-BR.js';
export type { Counted, FieldErrorMessages, Messages, WholeField } from './i18n/messages.js';
