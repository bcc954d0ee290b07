import { parentPort, workerData } from 'node:worker_threads';
import { CallMessageSchema, type ServerMessage } from '../api/wire';
import { Core } from './core';
import type { CoreOptions } from './core-options';

// Entry of the core worker thread: everything that may block (onnxruntime's synchronous run(), sandbox
// bookkeeping, SQLite) lives on this thread, never on the event loop of the process that talks to the UI.
const port = parentPort;
if (!port) throw new Error('core-worker must run as a worker thread');

const core = new Core(workerData as CoreOptions);
const post = (message: ServerMessage): void => port.postMessage(message);

core.subscribe((event) => post(event));
port.on('message', (raw: unknown) => {
  const call = CallMessageSchema.safeParse(raw);
  if (!call.success) return;
  const { id, method, params } = call.data;
  void core.invoke(method, params).then((outcome) => post({ kind: 'result', id, ...outcome }));
});
core.log.write('info', 'core', `core started (${core.options.mode} mode, workspace ${core.options.workspace})`);
