/** The package's public API: the module, its database helpers, its schema and layout pieces. */
export {
  createExecutionsAdmin,
  type ExecutionsAdminEnv,
  type ExecutionsAdminOptions,
  type ExecutionsAdminVariables,
  type OrganizationRef,
} from './executions-admin.js';
export {
  connectPostgres,
  migrateExecutionsAdmin,
  MIGRATIONS_TABLE,
  openDatabase,
  openPglite,
  type DatabaseOptions,
  type ExecutionsDatabase,
  type OpenDatabase,
} from './database.js';
export { AssetTags, type Layout, type LayoutProps, type PageAssets } from '../views/layout.js';
