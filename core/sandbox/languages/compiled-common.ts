import { classifyCompile } from '../classify';
import type { CompileStep, ProgramContext, StepCommand } from '../language';
import type { Limits } from '../limits';

/**
 * Shared shape of the compiled languages (C++, Java, C#, Go, Rust). The build and run commands depend on the
 * program's context (whose evaluator, which libraries, warm or the baseline), so prepareProgram() writes them as
 * build.sh and run.sh beside the source; the compile step runs build.sh and hands `artifact` and run.sh on to the
 * run step, which gets nothing else.
 */
export const ARTIFACT = 'artifact';

export const compiledStep: CompileStep = {
  command: () => ({ argv: ['/bin/sh', 'build.sh'], collect: [ARTIFACT, 'run.sh'] }),
  classify: classifyCompile,
};

/** run.sh gets the memory budget in MiB as $1, for runtimes capped by their own flag. */
export function runScript(limits: Limits): StepCommand {
  return { argv: ['/bin/sh', 'run.sh', String(Math.max(16, Math.floor(limits.memoryBytes / 1024 ** 2)))] };
}

/** A POSIX shell word. */
export function sh(word: string): string {
  return /^[A-Za-z0-9_./:=+,@%-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export function shLine(argv: readonly string[]): string {
  return argv.map(sh).join(' ');
}

/**
 * Warm (the default) may use state shared between candidates: compile servers, precompiled headers, a prewarmed
 * build cache. The benchmark's baseline passes warm: false and gets MultiPL-E's plain commands.
 */
export function isWarm(context: ProgramContext | undefined): boolean {
  return context?.warm !== false;
}

/** A ustar archive of regular files (the artifact of compilers that emit several files, unpacked by run.sh). */
export function tarArchive(files: readonly { path: string; content: Uint8Array }[]): Uint8Array {
  const blocks: Uint8Array[] = [];
  const field = (header: Uint8Array, offset: number, length: number, text: string): void => {
    header.set(Buffer.from(text, 'utf8').subarray(0, length), offset);
  };
  const octal = (value: number, length: number): string => value.toString(8).padStart(length - 1, '0') + '\0';
  for (const file of files) {
    const header = new Uint8Array(512);
    field(header, 0, 100, file.path);
    field(header, 100, 8, octal(0o644, 8));
    field(header, 108, 8, octal(0, 8));
    field(header, 116, 8, octal(0, 8));
    field(header, 124, 12, octal(file.content.length, 12));
    field(header, 136, 12, octal(0, 12));
    field(header, 148, 8, '        ');
    field(header, 156, 1, '0');
    field(header, 257, 6, 'ustar\0');
    field(header, 263, 2, '00');
    const sum = header.reduce((a, b) => a + b, 0);
    field(header, 148, 8, octal(sum, 7) + ' ');
    blocks.push(header, file.content);
    const pad = (512 - (file.content.length % 512)) % 512;
    if (pad > 0) blocks.push(new Uint8Array(pad));
  }
  blocks.push(new Uint8Array(1024));
  return Buffer.concat(blocks);
}
