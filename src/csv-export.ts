/**
 * "Download CSV": every run matching the list's filters, streamed in keyset batches so memory
 * stays flat however many there are. Cells are quoted per RFC 4180 and neutralised against
 * formula injection: a spreadsheet must never run an agent name or an error message.
 */
import type { ExecutionsDatabase } from './database.js';
import { filtersFor } from './execution-list.js';
import { STATUS_LABELS, formatCredits } from './list-view-model.js';
import type { ExecutionQuery } from './query.js';
import { listExecutions, type ExecutionRow, type Organization, type PageRequest } from './repository.js';
import { formatDateTime } from './time-zone.js';

const BATCH = 5000;

const HEADER = ['Agent', 'Schedule', 'Date/Time', 'Status', 'Credits', 'Error', 'Execution ID', 'Conversation ID'];

/** A cell a spreadsheet reads as text: formulas defused, then quoted when it must be. */
export function csvCell(value: string): string {
  // =, +, - and @ start a formula in Excel, LibreOffice and Google Sheets; tab and CR can too.
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

const csvLine = (cells: string[]) => `${cells.map(csvCell).join(',')}\r\n`;

function rowCells(row: ExecutionRow, timeZone: string): string[] {
  return [
    row.agentName ?? 'Agent removed',
    row.scheduleTitle,
    formatDateTime(row.startedAt, timeZone),
    STATUS_LABELS[row.status],
    formatCredits(row.credits) ?? '',
    row.errorMessage ?? '',
    row.id,
    row.conversationId,
  ];
}

/**
 * The CSV as a byte stream, in the list's newest-first order. The first batch is read before
 * anything is sent, so a database that cannot serve answers 503 rather than a 200 cut short;
 * each later batch is read when the client has taken the one before.
 */
export async function exportCsv(
  db: ExecutionsDatabase,
  organization: Organization,
  query: ExecutionQuery,
): Promise<ReadableStream<Uint8Array>> {
  const filters = filtersFor(query, organization.timeZone);
  const read = (page: PageRequest) => listExecutions(db, organization.id, filters, page);
  const encoder = new TextEncoder();
  let rows: ExecutionRow[] | null = await read({ kind: 'offset', offset: 0, limit: BATCH });
  return new ReadableStream<Uint8Array>({
    start(controller) {
      // A byte-order mark so spreadsheet programs read the UTF-8 as UTF-8.
      controller.enqueue(encoder.encode(`\uFEFF${csvLine(HEADER)}`));
    },
    async pull(controller) {
      if (!rows) {
        controller.close();
        return;
      }
      controller.enqueue(encoder.encode(rows.map((r) => csvLine(rowCells(r, organization.timeZone))).join('')));
      const last = rows.at(-1);
      rows = rows.length === BATCH && last ? await read({ kind: 'after', cursor: last.cursor, limit: BATCH }) : null;
    },
  });
}
