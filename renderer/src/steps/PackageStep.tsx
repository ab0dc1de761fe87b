import { useEffect } from 'react';
import { Badge, Card, formatBytes } from '../components/common';
import { useApp, useT } from '../store/use-app';
import { PACKAGE_BLOCKERS } from '../../../shared/schema/signoff';

export function PackageStep() {
  const t = useT();
  const pkg = useApp((s) => s.pkg);
  const load = useApp((s) => s.loadPackagePlan);
  const build = useApp((s) => s.buildPackage);
  const open = useApp((s) => s.openOutputFolder);
  const building = useApp((s) => s.busy['package.build']);
  const signoff = useApp((s) => s.signoff);
  const loadSignoff = useApp((s) => s.loadSignoff);
  useEffect(() => {
    void load();
    void loadSignoff();
  }, [load, loadSignoff]);
  // Blockers about the package itself do not stop it from being built.
  const blocked = !!signoff?.blockers.some((b) => !PACKAGE_BLOCKERS.includes(b.kind));
  return (
    <Card
      title={t('package.title')}
      actions={
        <div className="row gap">
          <button
            type="button"
            className="btn btn-primary"
            onClick={() => void build(blocked)}
            disabled={building}
            data-testid="package-build"
            data-draft={blocked}
          >
            {blocked ? t('package.buildDraft') : t('package.build')}
          </button>
          <button type="button" className="btn" onClick={open} data-testid="package-open">
            {t('package.openFolder')}
          </button>
        </div>
      }
    >
      {blocked && (
        <p className="notice notice-warn small" data-testid="package-blocked">
          {t('package.blocked')}
        </p>
      )}
      {pkg && (
        <>
          {pkg.draft && pkg.files.some((f) => !f.estimated) && (
            <p className="notice small" data-testid="package-draft">
              {t('package.draftBuilt')}
            </p>
          )}
          <p className="muted small">
            {t('package.limit')} {formatBytes(pkg.maxBytes)} · {t('package.folderAt')}{' '}
            <span className="mono" dir="ltr">
              {pkg.outputDir}
            </span>
          </p>
          {pkg.warnings.map((w, i) => (
            <p key={i} className="notice notice-warn small">
              {w}
            </p>
          ))}
          <table className="table" data-testid="package-files">
            <thead>
              <tr>
                <th>{t('package.file')}</th>
                <th className="num-head">{t('package.items')}</th>
                <th>{t('package.size')}</th>
              </tr>
            </thead>
            <tbody>
              {pkg.files.map((f) => {
                const ratio = f.bytes / pkg.maxBytes;
                return (
                  <tr key={f.name} data-testid={`package-${f.name}`}>
                    <td>
                      <span className="mono">{f.name}</span>{' '}
                      <Badge tone={f.estimated ? 'muted' : 'ok'}>
                        {f.estimated ? t('package.estimated') : t('package.built')}
                      </Badge>
                    </td>
                    <td className="num">{f.items}</td>
                    <td>
                      <div className="size-cell">
                        <div className="bar thin">
                          <div
                            className={`bar-fill ${ratio > 1 ? 'tone-bad' : ratio > 0.8 ? 'tone-warn' : 'tone-ok'}`}
                            style={{ width: `${Math.min(100, ratio * 100)}%` }}
                          />
                        </div>
                        <span className="small">
                          {formatBytes(f.bytes)} / {formatBytes(pkg.maxBytes)}
                        </span>
                      </div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </>
      )}
    </Card>
  );
}
