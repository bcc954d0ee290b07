import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The layering rules must fire where they should and stay quiet where imports are allowed (STYLE.md 7).
const eslint = new ESLint();

async function layeringErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.message.includes('Bad layering')).map((m) => m.message);
}

describe('layering lint', () => {
  it.each([
    ['core/host/x.ts', "import { app } from 'electron';", 'only electron/ may import Electron'],
    ['core/host/x.ts', "import '../../electron/main';", 'core/ must not import electron/ or renderer/'],
    ['core/sandbox/x.ts', "import '../../renderer/src/main';", 'core/ must not import electron/ or renderer/'],
    ['core/host/x.ts', "import * as ort from 'onnxruntime-node';", 'only core/engine may import onnxruntime-node'],
    ['core/engine/x.ts', "import Database from 'better-sqlite3';", 'only core/store may import better-sqlite3'],
    ['electron/x.ts', "import * as ort from 'onnxruntime-node';", 'only core/engine may import onnxruntime-node'],
    ['renderer/src/x.ts', "import { readFileSync } from 'node:fs';", 'renderer/ must not import Node-only modules'],
    ['renderer/src/x.ts', "import { Core } from '../../core/host/core';", 'renderer/ may import only core/api'],
    ['renderer/src/x.ts', "import { x } from '../../electron/preload-bridge';", 'renderer/ must not import electron/'],
    ['test/x.ts', "import { app } from 'electron';", 'only electron/ may import Electron'],
    // core's layer order (lint/layer-order.js): an import that points up, in each form an import takes
    ['core/models/x.ts', "import { rewardConfigSchema } from '../train/reward-config';", 'core/models must not import core/train'],
    ['core/train/x.ts', "import type { Scored } from '../loop/metrics/rerank';", 'core/train must not import core/loop'],
    ['core/engine/sub/x.ts', "export { openStore } from '../../store/open-store';", 'core/engine must not import core/store'],
    ['core/sandbox/x.ts', "const m = import('../api/wire');", 'core/sandbox must not import core/api'],
    ['core/loop/x.ts', "import text from '../host/core.ts?raw';", 'core/loop must not import core/host'],
    ['core/app-root.ts', "import '../core/data/problem';", "core/'s root must not import core/data"],
    ['core/newfolder/x.ts', "import '../data/problem';", 'core/newfolder is not in core\'s layer order'],
  ])('%s: %s is refused', async (file, code, why) => {
    expect(await layeringErrors(file, code)).toEqual([expect.stringContaining(why)]);
  });

  it.each([
    ['core/engine/x.ts', "import * as ort from 'onnxruntime-node';"],
    ['core/store/x.ts', "import Database from 'better-sqlite3';"],
    ['electron/x.ts', "import { app } from 'electron';"],
    ['renderer/src/x.ts', "import { methods } from '../../core/api/contract';"],
    ['test/electron/x.ts', "import { buildWindowOptions } from '../../electron/window-options';"],
    ['core/train/x.ts', "import { transformerConfig } from '../models/transformer';"],
    ['core/loop/stages/x.ts', "import { z } from 'zod'; import { stagesOf } from '../../store/runs';"],
    ['core/models/x.ts', "import { defaultModels } from './default-config'; import { appRoot } from '../app-root';"],
    ['test/core/x.ts', "import { runStage } from '../../core/loop/pipeline';"],
  ])('%s: %s is allowed', async (file, code) => {
    expect(await layeringErrors(file, code)).toEqual([]);
  });
});
