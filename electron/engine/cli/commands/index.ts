import type { CliCommand } from '../command';
import { benchCommand } from './bench';
import { catalogCommand } from './catalog';
import { initCommand } from './init';
import { planCommand } from './plan';
import { signCommand } from './sign';

// Each command lives in its own file; this list is the only place that names them all.
export const COMMANDS: CliCommand[] = [initCommand, planCommand, catalogCommand, signCommand, benchCommand];
