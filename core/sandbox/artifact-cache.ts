import type { SandboxFile } from './isolation/types';

/** Bytes of compiled artifacts kept in memory (the same program compiles once per process). */
const ARTIFACT_CACHE_BYTES = 256 * 1024 ** 2;

/** Compiled programs by key, the oldest dropped first once they hold more than ARTIFACT_CACHE_BYTES. */
export class ArtifactCache {
  private readonly entries = new Map<string, { files: SandboxFile[]; bytes: number }>();
  private bytes = 0;

  get(key: string): SandboxFile[] | undefined {
    return this.entries.get(key)?.files;
  }

  set(key: string, files: SandboxFile[]): void {
    const bytes = files.reduce((n, f) => n + (typeof f.content === 'string' ? Buffer.byteLength(f.content) : f.content.length), 0);
    // One huge artifact would push out everything else for a single reuse.
    if (bytes > ARTIFACT_CACHE_BYTES / 4) return;
    this.entries.set(key, { files, bytes });
    this.bytes += bytes;
    for (const [oldKey, old] of this.entries) {
      if (this.bytes <= ARTIFACT_CACHE_BYTES) break;
      this.entries.delete(oldKey);
      this.bytes -= old.bytes;
    }
  }
}
