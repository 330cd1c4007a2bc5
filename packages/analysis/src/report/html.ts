/** Small HTML helpers of the report: escaping, number formatting and tables. */

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** A number for a table: integers with thousands separators, others with 3 significant digits; '—' for none. */
export function formatNumber(value: number | null | undefined, digits = 3): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  if (Number.isInteger(value) || Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  return Number(value.toPrecision(digits)).toString();
}

/** A table cell: text (escaped) or raw HTML. */
export type Cell = string | { readonly html: string; readonly className?: string };

function cell(tag: 'td' | 'th', value: Cell): string {
  if (typeof value === 'string') return `<${tag}>${escapeHtml(value)}</${tag}>`;
  return `<${tag}${value.className ? ` class="${escapeHtml(value.className)}"` : ''}>${value.html}</${tag}>`;
}

/** An HTML table with a header row. */
export function table(header: readonly Cell[], rows: readonly (readonly Cell[])[], className = 'data'): string {
  return [
    `<table class="${className}"><thead><tr>`,
    header.map((value) => cell('th', value)).join(''),
    '</tr></thead><tbody>',
    rows.map((row) => `<tr>${row.map((value) => cell('td', value)).join('')}</tr>`).join(''),
    '</tbody></table>',
  ].join('');
}
