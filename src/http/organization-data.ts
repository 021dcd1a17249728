/**
 * Where a request's organization is read: its database (db/routing.ts), the facts about it that
 * change rarely, cached, and — with a read replica — where its lists read.
 */
import type { ExecutionsDatabase } from '../db/database.js';
import { findFirstRun, findOrganization, listAgents } from '../db/organization.js';
import { replicaState } from '../db/replica.js';
import { databaseRouting, type DatabaseOption } from '../db/routing.js';
import { ttlCache } from '../lib/ttl-cache.js';

// Time zone and agent names change rarely; reading them on every request cost two round trips
// of each page. A rename or a deletion shows within CACHE_MS; runs and totals are never cached.
const CACHE_MS = 5000;
/** A read replica this far behind makes the list say so. */
const REPLICA_BEHIND_MS = 5000;
/** How long a read replica may take to say how far behind it is before the primary answers instead. */
const REPLICA_PROBE_MS = 250;

export interface ListReader {
  db: ExecutionsDatabase;
  /** How far behind the primary `db` is, when that is worth saying. */
  behindMs: number | null;
}

export function organizationData(options: { db: DatabaseOption; readDb?: DatabaseOption }) {
  const replicaOf = options.readDb === undefined ? null : databaseRouting(options.readDb);
  // Probed once a second per organization, so that a replica that is down costs one probe, not every request.
  const replicaStateOf = ttlCache(1000, (_id, replica: ExecutionsDatabase) => replicaState(replica, REPLICA_PROBE_MS));
  return {
    databaseOf: databaseRouting(options.db),
    organization: ttlCache(CACHE_MS, (id, db: ExecutionsDatabase) => findOrganization(db, id)),
    agents: ttlCache(CACHE_MS, (id, db: ExecutionsDatabase) => listAgents(db, id)),
    firstRun: ttlCache(CACHE_MS, (id, db: ExecutionsDatabase) => findFirstRun(db, id)),
    /** Where the list, its polls, the digest and the CSV read: the read replica, unless it is down. */
    async listReader(id: string, primary: ExecutionsDatabase): Promise<ListReader> {
      if (!replicaOf) return { db: primary, behindMs: null };
      const replica = await replicaOf(id);
      const state = await replicaStateOf(id, replica);
      if (state.down) return { db: primary, behindMs: null };
      return { db: replica, behindMs: state.behindMs > REPLICA_BEHIND_MS ? state.behindMs : null };
    },
  };
}
