import path from 'node:path';
import type { Page } from 'puppeteer-core';
import type { RunEvent } from '../../../shared/schema/events';
import type { ScenarioEvidence, Screenshot } from '../../../shared/schema/evidence';
import { scenarioDir, writeScenarioEvidence } from '../evidence/store';
import { writeFileAtomic } from '../util/atomic-write';
import { drawHeader, formatCaptureTime } from './header';
import { capturePage, type CaptureOptions, type PageImage } from './page-image';
import type { PageShooter } from './page-shooter';

export interface EvidenceIO {
  /** Writes an image file; replaced in tests to simulate a full disk. */
  writeFile(file: string, data: Buffer): Promise<void>;
}

export const defaultIO: EvidenceIO = { writeFile: (file, data) => writeFileAtomic(file, data) };

/** What a shot is for: a slot of the scenario, an untagged page, the page a step failed on, or a popup. */
export interface ShotInfo {
  slot?: string;
  label: string;
  failure?: boolean;
  popup?: boolean;
  /** The HTTP status the page's document came with. */
  httpStatus?: number;
}

/** Serialises background work (header drawing, file writes) so evidence order matches capture order. */
class Chain {
  private tail: Promise<void> = Promise.resolve();
  private firstError: unknown;
  add(task: () => Promise<void>): void {
    this.tail = this.tail.then(task).catch((err) => {
      // Kept, not dropped: the scenario's verdict reports it once the chain is drained.
      this.firstError ??= err;
    });
  }
  async drain(): Promise<unknown> {
    await this.tail;
    return this.firstError;
  }
}

export interface CapturerOptions {
  workspaceDir: string;
  /** The scenario's evidence, kept up to date on disk after every shot. */
  evidence: ScenarioEvidence;
  capture: CaptureOptions;
  timeZone: string;
  io?: EvidenceIO;
  /** The flow step running now, recorded with each shot. */
  step: () => number;
  emit: (event: RunEvent) => void;
}

function fileName(index: number, info: ShotInfo, format: PageImage['format']): string {
  const ext = format === 'jpeg' ? 'jpg' : 'png';
  const kind = info.slot ? info.slot.replace(/\./g, '-') : info.failure ? 'failure' : info.popup ? 'popup' : 'page';
  return `${String(index).padStart(2, '0')}-${kind}.${ext}`;
}

/**
 * Takes a scenario's screenshots. Only the browser's shot is on the flow's path; the URL header, both image files
 * and scenario.json follow in the background, in capture order, so a killed run keeps what was captured.
 */
export class Capturer {
  private shots = 0;
  private readonly background = new Chain();
  private saveError: unknown;
  private readonly dir: string;
  private readonly io: EvidenceIO;

  constructor(private readonly o: CapturerOptions) {
    this.dir = scenarioDir(o.workspaceDir, o.evidence.runId, o.evidence.scenarioId);
    this.io = o.io ?? defaultIO;
  }

  /** Writes scenario.json; the first failure is kept for the verdict rather than stopping the flow. */
  async save(): Promise<void> {
    try {
      await writeScenarioEvidence(this.o.workspaceDir, this.o.evidence);
    } catch (err) {
      this.saveError ??= err;
    }
  }

  /** The browser's shot of `target`; returns it so the caller can read the page's text. */
  async shoot(target: Page, shooter: PageShooter, info: ShotInfo): Promise<PageImage> {
    const image = await capturePage(target, shooter, this.o.capture);
    const at = new Date();
    const name = fileName(++this.shots, info, image.format);
    const step = this.o.step();
    this.background.add(() => this.file(image, name, at, step, info));
    return image;
  }

  private async file(image: PageImage, name: string, at: Date, step: number, info: ShotInfo): Promise<void> {
    const { evidence, timeZone, capture } = this.o;
    await this.io.writeFile(path.join(this.dir, 'raw', name), image.data);
    const header = {
      url: image.facts.url,
      capturedAt: at,
      timeZone,
      scenarioId: evidence.scenarioId,
      stepLabel: info.label,
      slot: info.slot,
      truncated: image.truncated,
    };
    const drawn = await drawHeader(image.data, image.width, image.height, header, image.format, capture.quality);
    await this.io.writeFile(path.join(this.dir, name), drawn.data);
    const shot: Screenshot = {
      file: name,
      rawFile: `raw/${name}`,
      slot: info.slot,
      url: image.facts.url,
      title: image.facts.title,
      capturedAt: formatCaptureTime(at, timeZone).iso,
      timeZone,
      step,
      stepLabel: info.label,
      width: drawn.width,
      height: drawn.height,
      bytes: drawn.data.length,
      lang: image.facts.lang,
      dir: image.facts.dir,
      text: image.facts.text,
      failure: !!info.failure,
      ...(info.httpStatus !== undefined ? { httpStatus: info.httpStatus } : {}),
    };
    evidence.screenshots.push(shot);
    await this.save();
    this.o.emit({
      type: 'captured',
      runId: evidence.runId,
      scenarioId: evidence.scenarioId,
      file: name,
      slot: info.slot,
      url: image.facts.url,
    });
  }

  /**
   * Waits for the background work. `files`: the first image or header that could not be written;
   * `save`: the first scenario.json write that failed.
   */
  async drain(): Promise<{ files?: unknown; save?: unknown }> {
    const files = await this.background.drain();
    return { files, save: this.saveError };
  }
}
