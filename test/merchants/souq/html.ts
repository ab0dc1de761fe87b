// The shop's page frame. Plain class names and ids, the way a small shop's theme writes them.
export function esc(v: unknown): string {
  return String(v ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const CSS = `
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 Georgia,"Noto Serif",serif;color:#2b2118;background:#faf6f0}
a{color:#7a4b1e}
.site-header{display:flex;align-items:center;justify-content:space-between;padding:14px 32px;background:#2b2118;color:#f3e7d3}
.site-header .brand{font-size:22px;letter-spacing:1px;color:#f3e7d3;text-decoration:none}
.site-header .brand small{display:block;font-size:11px;letter-spacing:3px;color:#c9a46a}
.site-header nav a{color:#f3e7d3;margin-left:18px;text-decoration:none;font-family:Arial,sans-serif;font-size:14px}
.container{max-width:980px;margin:28px auto;padding:0 24px}
h1{font-weight:normal;font-size:28px;margin:0 0 18px}
h2{font-weight:normal;font-size:20px;margin:0 0 12px}
.products{display:grid;grid-template-columns:repeat(2,1fr);gap:22px}
.product-card{background:#fff;border:1px solid #e6dccd;border-radius:4px;padding:18px;display:flex;gap:16px}
.bottle{width:72px;height:110px;border-radius:10px 10px 4px 4px;flex:none}
.product-card h2{margin:0 0 4px}
.muted{color:#7d6f62;font-size:14px}
.price{font-family:Arial,sans-serif;font-weight:bold;font-size:17px;margin:8px 0}
.btn{display:inline-block;font:15px Arial,sans-serif;padding:10px 18px;border-radius:3px;border:1px solid #7a4b1e;background:#fff;color:#7a4b1e;text-decoration:none;cursor:pointer}
.btn-primary{background:#7a4b1e;color:#fff}
.btn-wide{width:100%;padding:13px;font-size:16px}
.columns{display:grid;grid-template-columns:1.4fr 1fr;gap:28px;align-items:start}
.panel{background:#fff;border:1px solid #e6dccd;border-radius:4px;padding:20px;margin-bottom:18px}
fieldset{border:0;margin:0 0 14px;padding:0}
legend{font-size:18px;margin-bottom:8px}
label{display:block;font:13px Arial,sans-serif;color:#5a4a3b;margin:10px 0 4px}
input,select,textarea{width:100%;font:15px Arial,sans-serif;padding:9px 10px;border:1px solid #cdbfae;border-radius:3px;background:#fff}
input[type=number]{width:90px}
.order-summary table,.lines{width:100%;border-collapse:collapse;font-family:Arial,sans-serif;font-size:14px}
.order-summary td,.lines td,.lines th{padding:6px 0;border-bottom:1px solid #f0e8dc;text-align:left}
.order-summary td.amount,.lines td.amount,.lines th.amount{text-align:right;white-space:nowrap}
.order-summary tr.total td,.lines tr.total td{font-weight:bold;border-bottom:0;font-size:16px}
.notice{padding:14px 16px;border-radius:3px;margin-bottom:18px;font-family:Arial,sans-serif}
.notice-success{background:#e7f4e4;color:#1d5a1a}
.notice-error{background:#fbe7e4;color:#8a1f11}
.notice-warning{background:#fdf3d8;color:#6b4e00}
.errors{color:#8a1f11;font-family:Arial,sans-serif;font-size:14px}
dl.transaction{display:grid;grid-template-columns:220px 1fr;gap:6px 14px;font-family:Arial,sans-serif;font-size:14px;margin:0}
dl.transaction dt{color:#7d6f62}
dl.transaction dd{margin:0;font-weight:bold}
.payment-frame{width:100%;height:640px;border:1px solid #e6dccd;background:#fff}
.receipt{background:#fff;max-width:620px;margin:0 auto;padding:28px;border:1px solid #e6dccd}
.site-footer{text-align:center;color:#9b8c7c;font:12px Arial,sans-serif;padding:24px}
`;

export function layout(o: { title: string; body: string; bagCount?: number; country?: string }): string {
  const nav =
    o.country !== undefined
      ? `<nav><a href="/${o.country}/">Shop</a><a href="/${o.country}/bag" id="bag-link">Bag (${o.bagCount ?? 0})</a></nav>`
      : '<nav><a href="/kw/">Kuwait</a><a href="/bh/">Bahrain</a></nav>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(o.title)}</title><style>${CSS}</style></head>
<body><header class="site-header"><a class="brand" href="/">Souq Al Oud<small>PERFUMERS SINCE 1987</small></a>${nav}</header>
<main class="container">${o.body}</main>
<footer class="site-footer">Souq Al Oud W.L.L. &middot; Salmiya, Kuwait &middot; Seef, Bahrain</footer>
</body></html>`;
}
