import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';

/**
 * core's folders, bottom to top: a folder may import only the folders before it (and files at core/'s root, like
 * app-root.ts, which import no folder). The order is the one the imports had when it was written down, so
 * "Bad layering" here means an import points up; a new folder must take its place in this list first.
 */
export const coreLayers = ['config', 'data', 'sandbox', 'api', 'engine', 'models', 'train', 'store', 'notebook', 'loop', 'host', 'server', 'cli'];

const order = coreLayers.join(' < ');

/** The core folder a path lies in: '' for a file at core/'s root, null outside core/. */
function coreFolder(path, coreDir) {
  const rel = relative(coreDir, path);
  if (rel.startsWith('..') || isAbsolute(rel)) return null;
  const parts = rel.split(sep);
  return parts.length > 1 ? parts[0] : '';
}

/** @type {import('eslint').Rule.RuleModule} */
const rule = {
  meta: {
    type: 'problem',
    docs: { description: "core's folders import only folders below them (lint/layer-order.js: coreLayers)" },
    schema: [],
  },
  create(context) {
    const coreDir = resolve(context.cwd, 'core');
    const from = coreFolder(context.filename, coreDir);
    if (from === null) return {};
    const fromRank = from === '' ? -1 : coreLayers.indexOf(from);

    function check(node, source) {
      if (!source || source.type !== 'Literal' || typeof source.value !== 'string' || !source.value.startsWith('.')) return;
      const target = coreFolder(resolve(dirname(context.filename), source.value.split('?')[0]), coreDir);
      if (target === null || target === '' || target === from) return;
      const rank = coreLayers.indexOf(target);
      if (fromRank === -1 && from !== '') {
        context.report({ node, message: `Bad layering: core/${from} is not in core's layer order (${order}): add it there` });
      } else if (rank === -1) {
        context.report({ node, message: `Bad layering: core/${target} is not in core's layer order (${order}): add it there` });
      } else if (rank > fromRank) {
        const who = from === '' ? `core/'s root` : `core/${from}`;
        context.report({ node, message: `Bad layering: ${who} must not import core/${target} (layer order: ${order})` });
      }
    }

    return {
      ImportDeclaration: (node) => check(node, node.source),
      ExportNamedDeclaration: (node) => check(node, node.source),
      ExportAllDeclaration: (node) => check(node, node.source),
      ImportExpression: (node) => check(node, node.source),
    };
  },
};

export default { rules: { 'layer-order': rule } };
