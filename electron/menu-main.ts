import type { MenuItemConstructorOptions } from 'electron';

export interface MenuActions {
  openWorkspace(): void;
  openRecent(dir: string): void;
  openDemo(): void;
  quit(): void;
}

/** The app menu: open a workspace, the recent ones, the demo; plus the standard edit and view roles. */
export function menuTemplate(
  recent: string[],
  actions: MenuActions,
  platform: NodeJS.Platform = process.platform,
): MenuItemConstructorOptions[] {
  const file: MenuItemConstructorOptions = {
    label: 'File',
    submenu: [
      { label: 'Open Workspace…', accelerator: 'CmdOrCtrl+O', click: () => actions.openWorkspace() },
      {
        label: 'Open Recent',
        submenu: recent.length
          ? recent.map((dir) => ({ label: dir, click: () => actions.openRecent(dir) }))
          : [{ label: 'No recent workspaces', enabled: false }],
      },
      { label: 'Open Demo Workspace', click: () => actions.openDemo() },
      { type: 'separator' },
      platform === 'darwin'
        ? { role: 'close' }
        : { label: 'Quit', accelerator: 'CmdOrCtrl+Q', click: () => actions.quit() },
    ],
  };
  return [
    ...(platform === 'darwin' ? [{ role: 'appMenu' } as MenuItemConstructorOptions] : []),
    file,
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        { role: 'reload' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
  ];
}
