import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { notebookFile, readNotebook, saveNotebook } from '../../../core/notebook/notebook-file';

describe('the notebook file', () => {
  const workspace = (): string => mkdtempSync(join(tmpdir(), 'rr-notebook-'));

  it('implies a cell per iteration until the notebook places them', () => {
    const ws = workspace();
    expect(readNotebook(ws, 'default', [0, 1]).cells).toEqual([
      { kind: 'iteration', id: 'iteration-0', iteration: 0 },
      { kind: 'iteration', id: 'iteration-1', iteration: 1 },
    ]);
    const saved = saveNotebook(ws, 'default', 0, [
      { kind: 'markdown', id: 'n1', text: '# why iteration 1 regressed' },
      { kind: 'iteration', id: 'iteration-1', iteration: 1 },
      { kind: 'sql', id: 'q1', sql: 'SELECT count(*) FROM candidates' },
    ], [0, 1]);
    expect(saved.revision).toBe(1);
    // Iteration 0 was left out of the saved order, and iteration 2 is new: both come back after the saved cells.
    expect(readNotebook(ws, 'default', [0, 1, 2]).cells.map((c) => c.id)).toEqual(['n1', 'iteration-1', 'q1', 'iteration-0', 'iteration-2']);
  });

  it('refuses a save based on a stale revision (two windows) and keeps the other window\'s cells', () => {
    const ws = workspace();
    const first = readNotebook(ws, 'default', []);
    const second = readNotebook(ws, 'default', []);
    saveNotebook(ws, 'default', first.revision, [{ kind: 'markdown', id: 'a', text: 'from window A' }], []);
    expect(() => saveNotebook(ws, 'default', second.revision, [{ kind: 'markdown', id: 'b', text: 'from window B' }], [])).toThrow(
      /stale notebook: .*default\.json was saved elsewhere .* revision 1 after your revision 0; reload it/,
    );
    const now = readNotebook(ws, 'default', []);
    expect(now.cells).toEqual([{ kind: 'markdown', id: 'a', text: 'from window A' }]);
    expect(saveNotebook(ws, 'default', now.revision, [...now.cells, { kind: 'markdown', id: 'b', text: 'from window B' }], []).revision).toBe(2);
  });

  it('writes through a temporary file renamed over the notebook, leaving nothing beside it', () => {
    const ws = workspace();
    saveNotebook(ws, 'run/with odd name', 0, [{ kind: 'sql', id: 'q', sql: 'SELECT 1' }], []);
    const file = notebookFile(ws, 'run/with odd name');
    expect(file).toBe(join(ws, 'notebooks', 'run%2fwith%20odd%20name.json'));
    expect(readdirSync(join(ws, 'notebooks'))).toEqual(['run%2fwith%20odd%20name.json']);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ revision: 1, cells: [{ kind: 'sql', id: 'q', sql: 'SELECT 1' }] });
  });

  it('names the file and the place when the notebook on disk is not one', () => {
    const ws = workspace();
    saveNotebook(ws, 'default', 0, [], []);
    writeFileSync(notebookFile(ws, 'default'), JSON.stringify({ revision: 1, cells: [{ kind: 'chart', id: 'x' }] }));
    expect(() => readNotebook(ws, 'default', [])).toThrow(/default\.json: not a notebook \(at 'cells\.0\.kind'/);
  });
});
