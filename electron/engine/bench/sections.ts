import { captureBench } from './capture';
import { packageBench } from './package';
import { relayBench } from './relay';
import { rendererBench } from './renderer';
import { soakBench } from './soak';
import type { BenchSection } from './types';

// Each area adds its section here (capture, package, renderer, relay, soak). Sections run one after another so their
// timings do not compete for the machine's two cores.
export const BENCH_SECTIONS: BenchSection[] = [captureBench, packageBench, rendererBench, relayBench, soakBench];
