import path from 'node:path';
import { scenarioStateText } from '../../../shared/schema/evidence';
import { checkStatusText, type CheckResult } from '../../../shared/schema/verify';
import type { Blocker } from '../../../shared/schema/signoff';
import { checklistHeading, checkpointTitle, draftHeading, type Verification } from './statements';
import type { Workspace } from '../../../shared/schema/workspace';
import type { CollectedEvidence } from '../evidence/store';
import { escapeHtml as h } from '../../../shared/html';
import type { PackagePlan, PlannedScenario } from './plan';
import type { Redactor } from '../redact/index';
import { writeFileAtomic } from '../util/atomic-write';

// The engineer's own offline view of the run, written inside the package folder (not attached to the email):
// every link is relative, so the folder works from a file:// URL with no server and no network.

export interface ReportInput {
  workspaceDir: string;
  workspace: Workspace;
  plan: PackagePlan;
  evidence: CollectedEvidence;
  checks?: CheckResult[];
  verification?: Verification;
  draft: boolean;
  blockers: Blocker[];
  redact: Redactor;
  /** Where the report is written now, and where it will live after the package folder is swapped in. */
  stagingDir: string;
  finalDir: string;
  files: { name: string; bytes: number; format: string; parts: number }[];
}

// Thumbnails are the captures themselves, cropped to their top (header and URL) by CSS and loaded lazily: decoding
// 200 full-page JPEGs into separate thumbnail files took longer than building the whole package.
const THUMB_W = 300;
const THUMB_H = 420;

const css = `body{font:14px/1.45 'Noto Sans','DejaVu Sans',system-ui,sans-serif;margin:24px;color:#1f2328;max-width:1280px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
table{border-collapse:collapse;width:100%;margin:6px 0}th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa}code{font:12px 'DejaVu Sans Mono',monospace;word-break:break-all}td.id code{white-space:nowrap;word-break:normal}.muted{color:#57606a}
.st{font-weight:600}.confirmed,.passed{color:#1a7f37}.failed{color:#cf222e}.warn,.needs-confirmation{color:#9a6700}
.no-evidence,.not-run,.pending,.skipped{color:#57606a}
.draft{border:2px solid #cf222e;background:#fff5f5;padding:8px 14px;margin:10px 0}.draft h2{border:0;margin:4px 0;color:#cf222e}
.shots{display:flex;flex-wrap:wrap;gap:10px;margin:6px 0 14px}.shot{width:${THUMB_W}px;font-size:12px;overflow-wrap:anywhere}
.shot img{width:${THUMB_W}px;height:${THUMB_H}px;object-fit:cover;object-position:top;border:1px solid #d0d7de;display:block;background:#f6f8fa}
details{margin:4px 0}summary{cursor:pointer}.kv td:first-child{width:240px}`;

function rel(from: string, to: string): string {
  return path.relative(from, to).split(path.sep).map(encodeURIComponent).join('/');
}

/** The run a scenario's evidence came from, its time, and a newer run a pin passed over. */
function runCell(s: PlannedScenario, evidence: CollectedEvidence): string {
  if (!s.runId) return '<span class="muted">not run</span>';
  const newest = evidence.choices.get(s.id)?.newest;
  return [
    `<code>${h(s.runId)}</code>${s.pinned ? ' <b>pinned</b>' : ''}`,
    s.finishedAt ? `<span class="muted">${h(s.finishedAt)}</span>` : '',
    newest ? `<span class="muted">newer run ${h(newest.runId)}: ${h(newest.status)}</span>` : '',
  ]
    .filter(Boolean)
    .join('<br>');
}

function fieldsTable(fields: Record<string, unknown> | undefined, redact: Redactor): string {
  if (!fields || !Object.keys(fields).length) return '<p class="muted">no fields</p>';
  const clean = redact.deep(fields);
  return `<table class="kv">${Object.entries(clean)
    .map(
      ([k, v]) =>
        `<tr><td><code>${h(k)}</code></td><td><code>${h(typeof v === 'string' ? v : JSON.stringify(v))}</code></td></tr>`,
    )
    .join('')}</table>`;
}

export async function writeReport(input: ReportInput): Promise<string> {
  const { workspace: ws, redact, plan } = input;
  const out: string[] = [];
  out.push(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${h(redact.text(`${input.draft ? 'DRAFT ' : ''}Certkit report - ${ws.account.name}`))}</title><style>${css}</style></head><body>`,
  );
  out.push(`<h1>${input.draft ? 'DRAFT: ' : ''}APS go-live evidence: ${h(redact.text(ws.account.name))}</h1>`);
  out.push(
    `<p class="muted">Environment ${h(ws.account.environment)} &middot; generated ${h(new Date().toISOString())}</p>`,
  );
  if (input.draft) {
    out.push(`<div class="draft" data-testid="draft"><h2>${h(draftHeading(input.blockers))}</h2><ul>`);
    for (const b of input.blockers) out.push(`<li>${h(redact.text(b.message))}</li>`);
    out.push('</ul></div>');
  }

  out.push('<h2>Package files</h2>');
  if (!input.files.length) out.push('<p>No package file was written (nothing captured yet).</p>');
  else
    out.push(
      `<table><tr><th>File</th><th>Format</th><th>Size</th></tr>${input.files.map((f) => `<tr><td><a href="../${encodeURIComponent(f.name)}">${h(f.name)}</a></td><td>${f.format}</td><td>${(f.bytes / 1024 / 1024).toFixed(2)} MB</td></tr>`).join('')}</table>`,
    );

  out.push(
    '<h2>Scenarios</h2><table><tr><th>Scenario</th><th>Package</th><th>Status</th><th>Evidence from</th><th>Merchant reference</th><th>fort_id</th><th>Agreement id</th><th>Other ids</th></tr>',
  );
  for (const f of plan.files) {
    for (const s of f.scenarios) {
      const v = s.ledger;
      const other = [
        v.token_name && `token_name ${v.token_name}`,
        v.knet_ref_number && `knet_ref_number ${v.knet_ref_number}`,
        v.third_party_transaction_number && `third_party_transaction_number ${v.third_party_transaction_number}`,
      ]
        .filter(Boolean)
        .join('<br>');
      out.push(
        `<tr><td><a href="#${h(s.id)}">${h(s.title)}</a></td><td>${h(f.baseName)}</td><td class="st ${h(s.status)}">${h(scenarioStateText(s.status))}</td><td>${runCell(s, input.evidence)}</td><td class="id"><code>${h(redact.text(v.merchant_reference ?? '-'))}</code></td><td class="id"><code>${h(redact.text(v.fort_id ?? '-'))}</code></td><td class="id"><code>${h(redact.text(v.agreement_id ?? '-'))}</code></td><td>${redact.text(other)}</td></tr>`,
      );
    }
  }
  out.push('</table>');

  out.push('<h2>Verification checklist</h2>');
  out.push(`<p class="st">${h(checklistHeading(input.checks, input.verification))}</p>`);
  if (input.checks) {
    out.push('<table><tr><th>Checkpoint</th><th>Result</th><th>Summary</th><th>Fix</th></tr>');
    for (const c of input.checks) {
      out.push(
        `<tr data-checkpoint="${h(c.checkpointId)}"><td>${h(checkpointTitle(c.checkpointId))}</td><td class="st ${h(c.status)}">${h(checkStatusText(c.status))}</td><td>${h(redact.text(c.summary))}</td><td>${h(redact.text(c.fix ?? ''))}</td></tr>`,
      );
    }
    out.push('</table>');
  }

  const missing = plan.files.flatMap((f) => f.missing);
  if (missing.length) out.push(`<h2>Not yet captured</h2><ul>${missing.map((m) => `<li>${h(m)}</li>`).join('')}</ul>`);

  out.push('<h2>Screenshots and recorded exchanges</h2>');
  for (const f of plan.files) {
    for (const s of f.scenarios) {
      const ev = input.evidence.byScenario.get(s.id);
      out.push(`<h3 id="${h(s.id)}">${h(s.title)} <span class="muted">(${h(scenarioStateText(s.status))})</span></h3>`);
      const shots = f.entries.filter((e) => e.scenarioId === s.id);
      if (shots.length) {
        out.push('<div class="shots">');
        for (const e of shots) {
          const full = rel(input.finalDir, path.join(input.workspaceDir, e.source));
          out.push(
            `<div class="shot"><a href="${full}" target="_blank"><img src="${full}" alt="${h(e.slotName)}" loading="lazy" decoding="async"></a><div><b>${h(e.slotName)}</b></div><div class="muted">${h(redact.url(e.url))}</div><div class="muted">${h(e.capturedAt)}</div></div>`,
          );
        }
        out.push('</div>');
      }
      if (ev?.error)
        out.push(
          `<p class="fail">Error: ${h(redact.text(ev.error.message))}${ev.error.hint ? ` &middot; fix: ${h(redact.text(ev.error.hint))}` : ''}</p>`,
        );
      for (const x of ev?.exchanges ?? []) {
        out.push(
          `<details><summary><code>${h(x.method)} ${h(redact.url(x.url))}</code> &middot; ${h(x.kind)}${x.responseStatus ? ` &middot; ${x.responseStatus}` : ''} &middot; step ${x.step} &middot; ${h(x.observedBy)}</summary>`,
        );
        out.push(`<p>Request</p>${fieldsTable(x.requestFields, redact)}`);
        if (x.responseFields) out.push(`<p>Response</p>${fieldsTable(x.responseFields, redact)}`);
        if (x.redirectedTo) out.push(`<p>Redirected to <code>${h(redact.url(x.redirectedTo))}</code></p>`);
        out.push('</details>');
      }
    }
  }
  const snippets = plan.files.flatMap((f) => f.entries.filter((e) => e.kind === 'snippet'));
  if (snippets.length) {
    out.push('<h2>Code snippets</h2><ul>');
    for (const e of snippets)
      out.push(
        `<li>${h(e.slotName)}: <a href="${rel(input.finalDir, path.join(input.workspaceDir, e.source))}">${h(e.source)}</a></li>`,
      );
    out.push('</ul>');
  }
  out.push('</body></html>\n');
  const file = path.join(input.stagingDir, 'index.html');
  await writeFileAtomic(file, out.join('\n'));
  return path.join(input.finalDir, 'index.html');
}
