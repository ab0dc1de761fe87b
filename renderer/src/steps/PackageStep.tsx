import { useEffect } from 'react';
import { Badge, Card, formatBytes, Spinner } from '../components/common';
import { SignoffPanel } from '../components/SignoffPanel';
import { useApp, useCatalogName, useT } from '../store/use-app';
import { CATALOG } from '../../../shared/aps/catalog-index';
import type { PackageView } from '../../../shared/api/contract';
import { PACKAGE_BLOCKERS } from '../../../shared/schema/signoff';

export function PackageStep() {
  const t = useT();
  const pkg = useApp((s) => s.pkg);
  const folder = useApp((s) => s.folder);
  const load = useApp((s) => s.loadPackagePlan);
  const build = useApp((s) => s.buildPackage);
  const open = useApp((s) => s.openOutputFolder);
  const building = useApp((s) => s.busy['package.build']);
  const signoff = useApp((s) => s.signoff);
  // Blockers about the package itself do not stop it from being built; the others make it a draft.
  const blocked = !!signoff?.blockers.some((b) => !PACKAGE_BLOCKERS.includes(b.kind));
  useEffect(() => {
    void load();
  }, [load]);
  return (
    <div className="stack">
      <SignoffPanel />
      <Card
        title={t('package.title')}
        actions={
          <div className="row gap-s wrap">
            <button
              type="button"
              className="btn btn-primary"
              onClick={() => void build(blocked)}
              disabled={building}
              data-testid="package-build"
              data-draft={blocked}
            >
              {building && <Spinner />}
              {blocked ? t('package.buildDraft') : t('package.build')}
            </button>
            <button type="button" className="btn" onClick={open} data-testid="package-open">
              {t('package.openFolder')}
            </button>
          </div>
        }
      >
        {folder && (
          <p
            className={`notice small ${folder.opened ? '' : 'notice-warn'}`}
            role="status"
            data-testid="package-folder"
            data-opened={folder.opened}
          >
            {folder.opened ? t('package.folderOpened') : t('package.folderNotOpened')}{' '}
            <span className="mono" dir="ltr">
              {folder.path}
            </span>
          </p>
        )}
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
            <MissingList missing={pkg.missing ?? []} />
            {pkg.warnings.map((w, i) => (
              <p key={i} className="notice notice-warn small" dir="ltr" lang="en">
                {w}
              </p>
            ))}
            <div className="table-wrap">
              <table className="table" data-testid="package-files">
                <thead>
                  <tr>
                    <th scope="col">{t('package.file')}</th>
                    <th scope="col" className="num-head">
                      {t('package.items')}
                    </th>
                    <th scope="col">{t('package.size')}</th>
                  </tr>
                </thead>
                <tbody>
                  {pkg.files.map((f) => {
                    const ratio = f.bytes / pkg.maxBytes;
                    return (
                      <tr key={f.name} data-testid={`package-${f.name}`} data-built={!f.estimated}>
                        <td>
                          <span className="mono" dir="ltr">
                            {f.name}
                          </span>{' '}
                          <Badge tone={f.estimated ? 'muted' : 'ok'}>
                            {f.estimated ? t('package.estimated') : t('package.built')}
                          </Badge>
                        </td>
                        <td className="num">{f.items}</td>
                        <td>
                          <div className="size-cell">
                            <div className="bar thin" aria-hidden="true">
                              <div
                                className={`bar-fill ${ratio > 1 ? 'tone-bad' : ratio > 0.8 ? 'tone-warn' : 'tone-ok'}`}
                                style={{ width: `${Math.min(100, ratio * 100)}%` }}
                              />
                            </div>
                            <span className="small" dir="ltr">
                              {formatBytes(f.bytes)} / {formatBytes(pkg.maxBytes)}
                            </span>
                          </div>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          </>
        )}
      </Card>
    </div>
  );
}

/** What the checklist asks for and the evidence lacks, named in the interface language; the package lists it too. */
function MissingList({ missing }: { missing: PackageView['missing'] }) {
  const t = useT();
  const name = useCatalogName();
  if (!missing.length) return null;
  const slotName = (id: string) => {
    const slot = CATALOG.slots.find(id);
    return name('slot', id, slot?.checklistName ?? id);
  };
  return (
    <div className="notice notice-warn small" data-testid="package-missing">
      <p>{t('package.missing')}</p>
      <ul>
        {missing.map((m) => {
          if (!m.scenarioId)
            return <li key={m.slot}>{t('package.missingSnippet').replace('{slot}', slotName(m.slot))}</li>;
          const scenario = CATALOG.scenarios.find(m.scenarioId);
          return (
            <li key={`${m.scenarioId}/${m.slot}`}>
              {name('scenario', m.scenarioId, scenario?.title ?? m.scenarioId)}: {slotName(m.slot)}
              {!m.scenarioRan && ` (${t('package.notRun')})`}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
