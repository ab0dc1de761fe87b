import { useState } from 'react';
import { INTEGRATION_TYPE_INFO, INTEGRATION_TYPES } from '../../../shared/aps/checkpoints';
import { METHOD_IDS, PAYMENT_METHODS } from '../../../shared/aps/methods';
import { SHA_TYPE_LABELS, SHA_TYPES } from '../../../shared/aps/sha';
import { LIMITS } from '../../../shared/limits';
import { BROWSER_ENGINES, type BrowserEngine, type WorkspaceInput } from '../../../shared/schema/workspace';
import { Badge, Card, Field } from '../components/common';
import { useApp, useCatalogName, useT } from '../store/use-app';

function toggle<T>(list: readonly T[] | undefined, item: T, on: boolean): T[] {
  const rest = (list ?? []).filter((x) => x !== item);
  return on ? [...rest, item] : rest;
}

export function ProjectStep() {
  const t = useT();
  const catalogName = useCatalogName();
  const lang = useApp((s) => s.lang);
  const ws = useApp((s) => s.ws)!.workspace as WorkspaceInput;
  const edit = useApp((s) => s.editWorkspace);
  const plan = useApp((s) => s.plan);
  const customers = ws.customers ?? [];
  const features = ws.features ?? { installments: false, savedCards: false, recurring: false };

  return (
    <div className="grid-2">
      <div className="stack">
        <Card title={t('project.account')}>
          <Field label={t('project.accountName')} hint={t('project.accountNameHint')}>
            <input
              data-testid="account-name"
              value={ws.account.name}
              onChange={(e) => edit((w) => ({ ...w, account: { ...w.account, name: e.target.value } }))}
            />
          </Field>
          <div className="grid-2 tight">
            <Field label={t('project.merchantId')}>
              <input
                dir="ltr"
                value={ws.account.merchantIdentifier ?? ''}
                onChange={(e) =>
                  edit((w) => ({ ...w, account: { ...w.account, merchantIdentifier: e.target.value || undefined } }))
                }
              />
            </Field>
            <Field label={t('project.environment')}>
              <select
                value={ws.account.environment ?? 'sandbox'}
                onChange={(e) =>
                  edit((w) => ({ ...w, account: { ...w.account, environment: e.target.value as 'sandbox' } }))
                }
              >
                <option value="simulator">{t('project.env.simulator')}</option>
                <option value="sandbox">{t('project.env.sandbox')}</option>
                <option value="production">{t('project.env.production')}</option>
              </select>
            </Field>
          </div>
        </Card>
        <Card title={t('project.integrationTypes')}>
          <div className="checks">
            {INTEGRATION_TYPES.map((id) => (
              <label key={id} className="check">
                <input
                  type="checkbox"
                  data-testid={`itype-${id}`}
                  checked={ws.integrationTypes.includes(id)}
                  onChange={(e) =>
                    edit((w) => ({ ...w, integrationTypes: toggle(w.integrationTypes, id, e.target.checked) }))
                  }
                />
                {catalogName('integration', id, INTEGRATION_TYPE_INFO[id].label)}
              </label>
            ))}
          </div>
        </Card>
        <Card title={t('project.methods')}>
          <div className="checks cols-3">
            {METHOD_IDS.map((id) => (
              <label key={id} className="check">
                <input
                  type="checkbox"
                  data-testid={`method-${id}`}
                  checked={ws.methods.includes(id)}
                  onChange={(e) => edit((w) => ({ ...w, methods: toggle(w.methods, id, e.target.checked) }))}
                />
                {lang === 'ar' ? PAYMENT_METHODS[id].labelAr : PAYMENT_METHODS[id].label}
              </label>
            ))}
          </div>
          <h3 className="sub">{t('project.features')}</h3>
          <div className="checks">
            {(['installments', 'savedCards', 'recurring'] as const).map((f) => (
              <label key={f} className="check">
                <input
                  type="checkbox"
                  data-testid={`feature-${f}`}
                  checked={!!features[f]}
                  onChange={(e) => edit((w) => ({ ...w, features: { ...features, [f]: e.target.checked } }))}
                />
                {t(`project.feature.${f}`)}
              </label>
            ))}
          </div>
        </Card>
        <Card title={t('project.store')}>
          <div className="grid-2 tight">
            <Field
              label={
                <>
                  {t('project.baseUrl')} (<bdi dir="ltr">{'{{baseUrl}}'}</bdi>)
                </>
              }
            >
              <input
                dir="ltr"
                value={ws.store?.baseUrl ?? ''}
                onChange={(e) => edit((w) => ({ ...w, store: { ...w.store, baseUrl: e.target.value || undefined } }))}
                placeholder="https://shop.example.com"
              />
            </Field>
            <Field label={t('project.returnUrl')}>
              <input
                dir="ltr"
                value={ws.store?.returnUrl ?? ''}
                onChange={(e) => edit((w) => ({ ...w, store: { ...w.store, returnUrl: e.target.value || undefined } }))}
                placeholder="https://shop.example.com/aps/return"
              />
            </Field>
          </div>
        </Card>
      </div>
      <div className="stack">
        <SecretsCard />
        <BrowserCard />
        <Card title={t('project.customers')}>
          <p className="muted small">{t('project.customersHint')}</p>
          <div className="table-wrap">
            <table className="table compact customers">
              <thead>
                <tr>
                  <th scope="col">{t('project.email')}</th>
                  <th scope="col">{t('project.phone')}</th>
                  <th scope="col">{t('project.name')}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t('project.remove')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {customers.map((c, i) => (
                  <tr key={i}>
                    {(['email', 'phone', 'name'] as const).map((k) => (
                      <td key={k}>
                        <input
                          dir="ltr"
                          aria-label={`${t(`project.${k}`)} ${i + 1}`}
                          data-testid={`customer-${i}-${k}`}
                          value={c[k] ?? ''}
                          onChange={(e) =>
                            edit((w) => ({
                              ...w,
                              customers: (w.customers ?? []).map((x, j) =>
                                j === i ? { ...x, [k]: e.target.value || (k === 'email' ? '' : undefined) } : x,
                              ),
                            }))
                          }
                        />
                      </td>
                    ))}
                    <td>
                      <button
                        type="button"
                        className="btn btn-ghost small"
                        disabled={customers.length <= 1}
                        onClick={() =>
                          edit((w) => ({ ...w, customers: (w.customers ?? []).filter((_, j) => j !== i) }))
                        }
                        aria-label={`${t('project.remove')} ${i + 1}`}
                      >
                        {t('project.remove')}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <button
            type="button"
            className="btn small"
            onClick={() =>
              edit((w) => ({ ...w, customers: [...(w.customers ?? []), { email: 'new.customer@example.com' }] }))
            }
          >
            {t('project.addCustomer')}
          </button>
        </Card>
        {plan && (
          <Card title={`${t('project.plan')} · ${plan.scenarios.length}`}>
            <ul className="plan-list" tabIndex={0} aria-label={t('project.plan')}>
              {plan.scenarios.map((s) => (
                <li key={s.id}>
                  <span className="mono small" dir="ltr">
                    {s.id}
                  </span>
                  <span>{catalogName('scenario', s.id, s.title)}</span>
                  <Badge tone={s.outcome === 'success' ? 'ok' : 'warn'}>{t(`outcome.${s.outcome}`)}</Badge>
                </li>
              ))}
            </ul>
          </Card>
        )}
      </div>
    </div>
  );
}

function SecretsCard() {
  const t = useT();
  const secrets = useApp((s) => s.secrets);
  const setSecrets = useApp((s) => s.setSecrets);
  const busy = useApp((s) => s.busy['secrets.set']);
  const [form, setForm] = useState({ accessCode: '', requestPhrase: '', responsePhrase: '' });
  const [shaType, setShaType] = useState(secrets?.shaType ?? 'sha256');
  const submit = async () => {
    const input = Object.fromEntries(Object.entries(form).filter(([, v]) => v));
    await setSecrets({ ...input, shaType });
    setForm({ accessCode: '', requestPhrase: '', responsePhrase: '' });
  };
  return (
    <Card title={t('project.secrets')} testId="secrets-card">
      <p className={`notice ${secrets?.store === 'memory' ? 'notice-warn' : ''}`} data-testid="secrets-notice">
        {secrets?.store === 'memory' ? t('project.secretsMemory') : t('project.secretsKeychain')}
      </p>
      {(['accessCode', 'requestPhrase', 'responsePhrase'] as const).map((k) => (
        <Field key={k} label={t(`project.${k}`)}>
          <div className="row gap center">
            <input
              type="password"
              autoComplete="off"
              dir="ltr"
              value={form[k]}
              onChange={(e) => setForm({ ...form, [k]: e.target.value })}
              data-testid={`secret-${k}`}
            />
            <Badge tone={secrets?.[k] ? 'ok' : 'muted'}>
              {secrets?.[k] ? t('project.isSet') : t('project.notSet')}
            </Badge>
          </div>
        </Field>
      ))}
      <div className="row gap end">
        <Field label={t('project.shaType')}>
          <select value={shaType} onChange={(e) => setShaType(e.target.value)}>
            {SHA_TYPES.map((s) => (
              <option key={s} value={s}>
                {SHA_TYPE_LABELS[s]}
              </option>
            ))}
          </select>
        </Field>
        <button type="button" className="btn btn-primary" onClick={submit} disabled={busy} data-testid="secrets-save">
          {t('project.storeSecrets')}
        </button>
      </div>
    </Card>
  );
}

/** Which browser runs drive and how many scenarios run side by side (browser.* in certkit.json). */
function BrowserCard() {
  const t = useT();
  const ws = useApp((s) => s.ws)!.workspace as WorkspaceInput;
  const edit = useApp((s) => s.editWorkspace);
  const browser = ws.browser ?? {};
  const { min, max } = LIMITS.concurrency;
  const set = (change: Partial<NonNullable<WorkspaceInput['browser']>>) =>
    edit((w) => ({ ...w, browser: { ...w.browser, ...change } }));
  return (
    <Card title={t('project.browser')} testId="browser-card">
      <div className="grid-2 tight">
        <Field label={t('project.browserEngine')} hint={t('project.browserEngineHint')}>
          <select
            data-testid="browser-engine"
            value={browser.engine ?? 'chromium'}
            onChange={(e) => set({ engine: e.target.value as BrowserEngine })}
          >
            {BROWSER_ENGINES.map((engine) => (
              <option key={engine} value={engine}>
                {t(`project.browser.${engine}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('project.concurrency')} hint={t('project.concurrencyHint')}>
          <input
            type="number"
            data-testid="browser-concurrency"
            min={min}
            max={max}
            value={browser.concurrency ?? LIMITS.concurrency.default}
            onChange={(e) => {
              const n = Math.trunc(Number(e.target.value));
              if (n >= min && n <= max) set({ concurrency: n });
            }}
          />
        </Field>
      </div>
      <label className="check">
        <input
          type="checkbox"
          data-testid="browser-visible"
          checked={browser.headless === false}
          onChange={(e) => set({ headless: !e.target.checked })}
        />
        {t('project.browserVisible')}
      </label>
    </Card>
  );
}
