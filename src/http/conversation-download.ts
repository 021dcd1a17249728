/**
 * GET <mount>/conversations/:conversationId/(error|title) and …/steps/:position/(content|input|output):
 * the whole of a field the conversation page cut short, as an attachment. Scoped by the signed-in
 * organization like the page; anything malformed or not the organization's is the page's 404.
 */
import type { Context } from 'hono';
import { z } from 'zod';
import type { ExecutionsDatabase } from '../db/database.js';
import { openFieldDownload, type DownloadField, type DownloadPart } from '../conversation/download.js';

const conversationIdParam = z.guid();
/** A step position as the page writes it: digits, within a Postgres integer. */
const POSITION = /^\d{1,9}$/;
const FIELDS: readonly string[] = ['content', 'input', 'output'] satisfies DownloadField[];

function partOf(c: Context): DownloadPart | null {
  const whole = c.req.param('whole');
  if (whole === 'error' || whole === 'title') return { kind: whole };
  const position = c.req.param('position');
  const field = c.req.param('field');
  if (position === undefined || field === undefined || !POSITION.test(position) || !FIELDS.includes(field)) return null;
  return { kind: 'step', position: Number(position), field: field as DownloadField };
}

export async function downloadConversationField(
  c: Context,
  db: ExecutionsDatabase,
  /** `read` runs the first slice's query as the module runs a page's reads (deadline, turns). */
  scope: { organizationId: string; read: <T>(work: () => Promise<T>) => Promise<T> },
  notFound: () => Response | Promise<Response>,
): Promise<Response> {
  const id = conversationIdParam.safeParse(c.req.param('conversationId'));
  const part = partOf(c);
  const download = id.success && part ? await scope.read(() => openFieldDownload(db, scope.organizationId, id.data, part)) : null;
  if (!download) return notFound();
  return c.body(download.body, 200, {
    'Content-Type': download.contentType,
    'Content-Disposition': `attachment; filename="${download.filename}"`,
  });
}
