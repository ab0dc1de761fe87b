#!/usr/bin/env node
// Runs the TypeScript CLI straight from source, so `npx certkit` works right after `npm install`.
import { register } from 'tsx/esm/api';

register();
const { runProcess } = await import('../engine/cli/main.ts');
await runProcess(process.argv.slice(2));
