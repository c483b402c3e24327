// CSV that spreadsheet programs open right: UTF-8 with a BOM (Excel otherwise guesses a legacy code
// page and mangles accents), CRLF line ends and RFC 4180 quoting, comma or semicolon separated (Italian
// Excel expects semicolons, as the comma is its decimal mark). A cell that a spreadsheet would read as
// a formula (starting with = + - @, tab or carriage return) gets a leading apostrophe, so a participant
// named "=HYPERLINK(...)" stays text (OWASP "CSV injection").
export type Separator = ',' | ';';

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string | number | null | undefined, sep: Separator): string {
  let s = value === null || value === undefined ? '' : String(value);
  if (FORMULA_START.test(s)) s = `'${s}`;
  if (s.includes(sep) || /["\r\n]/.test(s)) s = `"${s.replace(/"/g, '""')}"`;
  return s;
}

export function toCsv(rows: readonly (readonly (string | number | null | undefined)[])[], sep: Separator): string {
  return '\uFEFF' + rows.map((r) => r.map((c) => csvCell(c, sep)).join(sep)).join('\r\n') + '\r\n';
}
