export { QAHWA_FAULTS, startQahwa, type Qahwa, type QahwaFault, type QahwaOptions } from './server';
export { qahwaFlows, QAHWA_EXTRACT_RULES } from './flows';
