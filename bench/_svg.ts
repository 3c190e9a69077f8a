// A horizontal bar chart as a standalone SVG, for tables a reader would
// rather look at: one bar per row, on a log scale when values span more
// than 20x, the value printed at the bar's end.
export function barChart(title: string, rows: Array<[string, number]>, unit: string): string {
  const width = 640, left = 120, right = 90, bar = 22, gap = 10, top = 40;
  const max = Math.max(...rows.map(([, v]) => v));
  const min = Math.min(...rows.map(([, v]) => v));
  const log = max / min > 20;
  const span = width - left - right;
  const scale = (v: number) => log ? (Math.log10(v / (min / 2)) / Math.log10(max / (min / 2))) * span : (v / max) * span;
  const height = top + rows.length * (bar + gap) + 10;
  const escape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/"/g, "&quot;");
  const bars = rows.map(([label, v], i) => {
    const y = top + i * (bar + gap);
    const w = Math.max(2, scale(v));
    const shown = v >= 100 ? Math.round(v).toLocaleString("en-US") : v.toFixed(1);
    return `<text x="${left - 8}" y="${y + bar * 0.7}" text-anchor="end">${escape(label)}</text>` +
      `<rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="${bar}" fill="${i === 0 ? "#2f6fdf" : "#9aa5b1"}"/>` +
      `<text x="${left + w + 6}" y="${y + bar * 0.7}">${shown} ${escape(unit)}</text>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="13">` +
    `<rect width="100%" height="100%" fill="white"/>` +
    `<text x="${left}" y="22" font-weight="bold">${escape(title)}${log ? " (log scale)" : ""}</text>` +
    bars.join("") + `</svg>\n`;
}
