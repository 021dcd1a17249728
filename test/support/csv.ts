/** Reading the module's CSV back as a spreadsheet would, to compare its cells with what was stored. */

/** An RFC 4180 reader: quoted cells may hold commas, doubled quotes, CR and LF; records end in CRLF. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  return rows;
}

/** The body without its byte-order mark, parsed: the header row first. */
export const readCsv = (body: string) => parseCsv(body.replace(/^\uFEFF/, ''));

/**
 * The cell a stored value must come back as: itself, behind a `'` when a spreadsheet would read
 * it as a formula (a leading =, +, -, @, tab or CR).
 */
export const spreadsheetText = (value: string) => (/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);
