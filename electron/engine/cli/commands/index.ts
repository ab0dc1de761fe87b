import type { CliCommand } from '../command';
import { appCommand } from './app';
import { benchCommand } from './bench';
import { catalogCommand } from './catalog';
import { initCommand } from './init';
import { planCommand } from './plan';
import { signCommand } from './sign';
import { sandboxCommand } from './sandbox';
import { verifyCommand } from './verify';
import { packageCommand } from './package';
import { emailCommand } from './email';
import { snippetCommand } from './snippet';
import { runCommand } from './run';
import { captureCommand } from './capture';
import { demoCommand } from './demo';
import { importCommand } from './import';
import { ledgerCommand } from './ledger';
import { configCommand } from './config';
import { pinCommand } from './pin';
import { signoffCommand } from './signoff';
import { relayCommand } from './relay';
import { trafficCommand } from './traffic';

// Each command lives in its own file; this list is the only place that names them all.
export const COMMANDS: CliCommand[] = [
  initCommand,
  configCommand,
  planCommand,
  catalogCommand,
  signCommand,
  benchCommand,
  appCommand,
  verifyCommand,
  signoffCommand,
  pinCommand,
  packageCommand,
  emailCommand,
  snippetCommand,
  runCommand,
  captureCommand,
  importCommand,
  ledgerCommand,
  relayCommand,
  trafficCommand,
  demoCommand,
  sandboxCommand,
];
