/**
 * The journal as a printable book (rules 4.14: numbered, laced pages): A4 landscape, the seven
 * Appendix 1 columns with Kazakh and Russian headings, a page number on every page, and the
 * chain's head (last number and hash) on the last page, so a printed journal can later be checked
 * against the database with `senim journal verify`. Written in pieces so a long journal streams.
 */
import { APPENDIX1_HEADINGS, appendix1Cells, type ExportRecord } from './journal.export.js';

export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export function bookHeader(generatedAt: string): string {
  const headings = APPENDIX1_HEADINGS.map(
    (h, i) =>
      `<th><span class="n">${i + 1}</span>${escapeHtml(h.kk)}<br><span class="ru">${escapeHtml(h.ru)}</span></th>`,
  ).join('');
  return `<!doctype html>
<html lang="kk">
<head>
<meta charset="utf-8">
<title>Өтініштерді тіркеу журналы / Журнал регистрации обращений</title>
<style>
@page { size: A4 landscape; margin: 14mm 10mm 16mm 10mm;
  @bottom-center { content: "Бет / Страница " counter(page) " / " counter(pages); font: 9pt sans-serif; } }
body { font: 9pt/1.3 "DejaVu Sans", Arial, sans-serif; margin: 0; }
h1 { font-size: 13pt; margin: 0 0 2mm; }
p.meta { margin: 0 0 4mm; color: #333; }
table { width: 100%; border-collapse: collapse; table-layout: fixed; }
thead { display: table-header-group; }
tr { page-break-inside: avoid; break-inside: avoid; }
th, td { border: 0.3mm solid #000; padding: 1.2mm; vertical-align: top; overflow-wrap: anywhere; }
th { font-size: 8pt; text-align: left; background: #eee; }
th .n { display: block; font-weight: bold; }
th .ru { font-weight: normal; }
col.c1 { width: 7%; } col.c2 { width: 10%; } col.c3 { width: 13%; } col.c4 { width: 15%; }
col.c5 { width: 28%; } col.c6 { width: 13%; } col.c7 { width: 14%; }
.head { margin-top: 6mm; border-top: 0.3mm solid #000; padding-top: 2mm; font-family: monospace; overflow-wrap: anywhere; }
</style>
</head>
<body>
<h1>Өтініштерді тіркеу журналы / Журнал регистрации обращений</h1>
<p class="meta">«Алматы электр станциялары» АҚ — Омбудсмен / АО «Алматинские электрические станции» — Омбудсмен. ${escapeHtml(generatedAt)}</p>
<table>
<colgroup>${[1, 2, 3, 4, 5, 6, 7].map((i) => `<col class="c${i}">`).join('')}</colgroup>
<thead><tr>${headings}</tr></thead>
<tbody>
`;
}

export function bookRow(record: ExportRecord, timeZone: string): string {
  const cells = appendix1Cells(record, timeZone).map((c) => `<td>${escapeHtml(c)}</td>`);
  return `<tr>${cells.join('')}</tr>\n`;
}

export function bookFooter(head: { number: number; hash: string }): string {
  return `</tbody>
</table>
<div class="head">Журнал басы / Голова журнала: № ${head.number}; SHA-256 ${escapeHtml(head.hash)}</div>
</body>
</html>
`;
}
