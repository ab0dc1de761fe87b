/**
 * Environment variables, as the CLI or the app received them. No engine module looks them up on its own: whoever
 * starts the engine (cli/, the Electron shell, the browser host's command) hands in what it needs.
 */
export type Env = Readonly<Record<string, string | undefined>>;
