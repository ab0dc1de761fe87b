/**
 * Environment variables, as the CLI or the app received them. The engine never reads process.env itself: whoever
 * starts it (cli/, the Electron shell, the browser host's command) hands in what it needs.
 */
export type Env = Readonly<Record<string, string | undefined>>;
