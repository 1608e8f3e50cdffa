import fs from 'node:fs/promises';
import { echoSafeLabel, echoSafePointer } from '../privacy/property-path.ts';

/**
 * One line of the rejects report: where (row; the native column and/or the document's JSON Pointer),
 * which stage refused it, the rule code and its message. Never the value: the report is what a partner
 * mails to support.
 */
export interface RejectLine {
  row: number;
  column: string;
  pointer: string;
  /** adapter: the row could not be mapped; check: the partner-side privacy gate; hub: the hub refused it; read: the record could not be read. */
  stage: 'read' | 'adapter' | 'check' | 'hub';
  code: string;
  message: string;
}

const HEADER = 'row,column,pointer,stage,code,message\n';

function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * The rejects report, a CSV written as the push goes. `resumeAt` (bytes) cuts a previous run's report back
 * to what its checkpoint covered, so a resumed push neither loses nor repeats lines.
 */
export class RejectsReport {
  private constructor(
    readonly file: string,
    private readonly handle: fs.FileHandle,
    private size: number,
  ) {}

  static async open(file: string, options: { resumeAt?: number } = {}): Promise<RejectsReport> {
    if (options.resumeAt !== undefined) {
      const handle = await fs.open(file, 'r+');
      const { size } = await handle.stat();
      if (size >= options.resumeAt && options.resumeAt >= HEADER.length) {
        await handle.truncate(options.resumeAt);
        return new RejectsReport(file, handle, options.resumeAt);
      }
      await handle.close();
    }
    const handle = await fs.open(file, 'w');
    await handle.write(HEADER);
    return new RejectsReport(file, handle, Buffer.byteLength(HEADER));
  }

  /** Bytes written so far; a checkpoint records it. */
  get bytes(): number {
    return this.size;
  }

  async append(lines: readonly RejectLine[]): Promise<void> {
    if (lines.length === 0) return;
    const text = lines
      .map((line) => [line.row, echoSafeLabel(line.column), echoSafePointer(line.pointer), line.stage, line.code, line.message].map(csvField).join(','))
      .join('\n');
    const buffer = Buffer.from(`${text}\n`, 'utf8');
    await this.handle.write(buffer, 0, buffer.length, this.size);
    this.size += buffer.length;
  }

  /** Makes what was written durable before a checkpoint names its length. */
  async sync(): Promise<void> {
    await this.handle.datasync();
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}
