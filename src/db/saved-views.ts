/**
 * Saved views' reads and writes. Every statement is scoped by the organization and, for what a
 * user may change, by its owner: another organization's or another user's private view is never
 * read, renamed or deleted, whatever id a form sends.
 */
import { and, asc, count, desc, eq, or, sql } from 'drizzle-orm';
import type { ExecutionsDatabase } from './database.js';
import { savedViews } from './schema.js';
import { isUniqueViolation } from './unique-violation.js';

/** Saved views one user may keep: past it, saving asks them to delete one. */
export const VIEWS_PER_USER = 50;
/** Views listed in the header at most: the user's own, then the newest shared ones of others. */
export const VIEWS_LISTED = 100;

export interface ViewOwner {
  organizationId: string;
  userId: string;
}

export interface StoredView {
  id: string;
  name: string;
  /** As stored: to be parsed again before any use. */
  query: string;
  shared: boolean;
  /** Whether the signed-in user owns it (and so may rename and delete it). */
  own: boolean;
  ownerName: string | null;
}

/** The user's own views, then views others of the organization shared; by name. */
export async function listViews(db: ExecutionsDatabase, owner: ViewOwner): Promise<StoredView[]> {
  const own = sql<boolean>`${savedViews.userId} = ${owner.userId}`;
  return db
    .select({
      id: savedViews.id,
      name: savedViews.name,
      query: savedViews.query,
      shared: savedViews.shared,
      own,
      ownerName: savedViews.ownerName,
    })
    .from(savedViews)
    .where(
      and(
        eq(savedViews.organizationId, owner.organizationId),
        or(eq(savedViews.userId, owner.userId), eq(savedViews.shared, true)),
      ),
    )
    .orderBy(desc(own), asc(sql`lower(${savedViews.name})`), asc(savedViews.id))
    .limit(VIEWS_LISTED);
}

export type SaveOutcome = { saved: string } | { refused: 'duplicate' | 'limit' };

export async function saveView(
  db: ExecutionsDatabase,
  owner: ViewOwner & { ownerName: string | null },
  view: { name: string; query: string; shared: boolean },
): Promise<SaveOutcome> {
  const mine = and(eq(savedViews.organizationId, owner.organizationId), eq(savedViews.userId, owner.userId));
  const [held] = await db
    .select({
      total: count(),
      taken: sql<boolean>`coalesce(bool_or(lower(${savedViews.name}) = lower(${view.name})), false)`,
    })
    .from(savedViews)
    .where(mine);
  if (held?.taken) return { refused: 'duplicate' };
  // Two saves at once may both pass the count: the limit is one of usability, not of safety.
  if ((held?.total ?? 0) >= VIEWS_PER_USER) return { refused: 'limit' };
  try {
    const [row] = await db
      .insert(savedViews)
      .values({ organizationId: owner.organizationId, userId: owner.userId, ownerName: owner.ownerName, ...view })
      .returning({ id: savedViews.id });
    return { saved: row!.id };
  } catch (error) {
    if (isUniqueViolation(error)) return { refused: 'duplicate' };
    throw error;
  }
}

/** Renames the owner's view; false when it is not theirs (or does not exist); throws nothing on a taken name. */
export async function renameView(
  db: ExecutionsDatabase,
  owner: ViewOwner,
  id: string,
  name: string,
): Promise<'renamed' | 'missing' | 'duplicate'> {
  try {
    const rows = await db
      .update(savedViews)
      .set({ name })
      .where(and(eq(savedViews.organizationId, owner.organizationId), eq(savedViews.userId, owner.userId), eq(savedViews.id, id)))
      .returning({ id: savedViews.id });
    return rows.length > 0 ? 'renamed' : 'missing';
  } catch (error) {
    if (isUniqueViolation(error)) return 'duplicate';
    throw error;
  }
}

export async function deleteView(db: ExecutionsDatabase, owner: ViewOwner, id: string): Promise<boolean> {
  const rows = await db
    .delete(savedViews)
    .where(and(eq(savedViews.organizationId, owner.organizationId), eq(savedViews.userId, owner.userId), eq(savedViews.id, id)))
    .returning({ id: savedViews.id });
  return rows.length > 0;
}
