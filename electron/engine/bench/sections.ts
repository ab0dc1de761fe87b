import { captureBench } from '../capture/bench';
import { packageBench } from '../package/bench';
import { rendererBench } from '../host/bench';
import type { BenchSection } from './types';

// Each area adds its section here (capture, package, renderer). Sections run one after another so their
// timings do not compete for the machine's two cores.
export const BENCH_SECTIONS: BenchSection[] = [captureBench, packageBench, rendererBench];
