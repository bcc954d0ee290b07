// core/engine/engine.ts
import { Worker } from "node:worker_threads";

// core/engine/providers.ts
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import * as ort from "onnxruntime-node";
var require2 = createRequire(import.meta.url);
function bindingDir() {
  try {
    const root = dirname(require2.resolve("onnxruntime-node/package.json"));
    return join(root, "bin", "napi-v6", process.platform, process.arch);
  } catch {
    return null;
  }
}
var downloaded = {
  cuda: { library: "libonnxruntime_providers_cuda.so", needs: "CUDA 12 and cuDNN 9" },
  tensorrt: { library: "libonnxruntime_providers_tensorrt.so", needs: "CUDA 12, cuDNN 9 and TensorRT 10" }
};
var installHint = (needs) => `not installed: run \`ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install.js\` on a machine that reaches the internet (needs ${needs})`;
function listExecutionProviders() {
  const dir = bindingDir();
  return ort.listSupportedBackends().map(({ name, bundled }) => {
    if (name === "cpu") return { name, bundled, status: "available", detail: "built in" };
    if (name === "webgpu") {
      return { name, bundled, status: "unverified", detail: "built in; needs a WebGPU adapter (a GPU and its driver)" };
    }
    const download = downloaded[name];
    if (!bundled && download && dir && existsSync(join(dir, download.library))) {
      return { name, bundled, status: "unverified", detail: `installed; needs a GPU with ${download.needs}` };
    }
    if (!bundled) return { name, bundled, status: "missing", detail: installHint(download?.needs ?? "its GPU runtime") };
    return { name, bundled, status: "unverified", detail: "built in; needs its device" };
  });
}
function onnxruntimeVersion() {
  return ort.env.versions?.node ?? null;
}
var platformOnly = {
  dml: "DirectML ships with onnxruntime-node on Windows only (x64/arm64); use cpu, cuda or webgpu here",
  coreml: "CoreML ships with onnxruntime-node on macOS only; use cpu or webgpu here"
};
var deviceNeeds = {
  cuda: "an NVIDIA GPU with its driver, CUDA 12 and cuDNN 9",
  webgpu: "a GPU with a WebGPU-capable driver (on Linux: Vulkan, i.e. the libvulkan1 package and mesa-vulkan-drivers or the vendor driver)",
  dml: "a DirectX 12 GPU",
  coreml: "an Apple device"
};
function providerNeeds(name) {
  return deviceNeeds[name] ?? "its device";
}
function checkProvider(name) {
  if (name === "cpu") return;
  const known = listExecutionProviders().find((p) => p.name === name);
  if (!known) {
    const why = platformOnly[name] ?? `onnxruntime-node ${onnxruntimeVersion() ?? ""} has no provider named '${name}'`;
    throw new Error(`execution provider '${name}' is not available on ${process.platform}/${process.arch}: ${why}`);
  }
  if (known.status === "missing") throw new Error(`execution provider '${name}' is ${known.detail}`);
}

// core/engine/worker-url.ts
import { createHash } from "node:crypto";
import { existsSync as existsSync2, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname as dirname2, join as join2 } from "node:path";
import { fileURLToPath } from "node:url";
async function engineWorkerUrl() {
  const built = new URL("./engine-worker.js", import.meta.url);
  if (built.protocol === "file:" && existsSync2(fileURLToPath(built))) return built;
  const here = dirname2(fileURLToPath(import.meta.url));
  const sources2 = ["worker.ts", "protocol.ts"].map((f) => readFileSync(join2(here, f)));
  const hash = createHash("sha256").update(Buffer.concat(sources2)).digest("hex").slice(0, 16);
  const cacheDir = join2(here, "..", "..", "node_modules", ".cache", "rewardranker");
  const out = join2(cacheDir, `engine-worker-${hash}.mjs`);
  if (!existsSync2(out)) {
    const esbuild = await import("esbuild");
    const result = await esbuild.build({
      entryPoints: [join2(here, "worker.ts")],
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      external: ["onnxruntime-node"],
      write: false
    });
    mkdirSync(cacheDir, { recursive: true });
    const tmp = `${out}.${process.pid}.tmp`;
    writeFileSync(tmp, result.outputFiles[0].contents);
    renameSync(tmp, out);
  }
  return new URL(`file://${out}`);
}

// core/engine/engine.ts
var Engine = class _Engine {
  constructor(worker, provider) {
    this.worker = worker;
    this.provider = provider;
    worker.on("message", (reply) => {
      const p = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      p?.resolve(reply);
    });
    const die = (why) => {
      this.dead = why;
      for (const p of this.pending.values()) p.reject(new Error(why));
      this.pending.clear();
    };
    worker.on("error", (err) => die(`the engine worker crashed: ${err.message}`));
    worker.on("exit", (code) => die(`the engine worker exited (code ${code})`));
  }
  worker;
  provider;
  nextId = 0;
  pending = /* @__PURE__ */ new Map();
  loaded = /* @__PURE__ */ new Map();
  dead = null;
  static async start(options = {}) {
    const provider = options.provider ?? "cpu";
    checkProvider(provider);
    const worker = new Worker(await engineWorkerUrl(), {
      workerData: { provider, intraOpThreads: options.intraOpThreads ?? 2 }
    });
    return new _Engine(worker, provider);
  }
  async call(req) {
    if (this.dead) throw new Error(this.dead);
    const id = this.nextId++;
    const reply = await new Promise((resolve2, reject) => {
      this.pending.set(id, { resolve: resolve2, reject });
      this.worker.postMessage({ ...req, id });
    });
    if (!reply.ok) throw new Error(reply.error);
    return reply;
  }
  /** Creates the program's session unless one with the same signature exists. */
  load(program) {
    let p = this.loaded.get(program.key);
    if (!p) {
      p = this.call({ kind: "load", key: program.key, bytes: program.bytes, optimization: program.optimization }).then(
        () => void 0,
        (err) => {
          this.loaded.delete(program.key);
          throw new Error(
            this.provider === "cpu" ? `onnxruntime rejected the program: ${err.message}` : `execution provider '${this.provider}' could not start (it needs ${providerNeeds(this.provider)}): ${err.message}`
          );
        }
      );
      this.loaded.set(program.key, p);
    }
    return p;
  }
  async run(program, req) {
    await this.load(program);
    const names = new Set(program.inputs.map((i) => i.name));
    for (const i of program.inputs) if (!(i.name in req.feeds)) throw new Error(`run: input '${i.name}' is not fed`);
    for (const n of Object.keys(req.feeds)) if (!names.has(n)) throw new Error(`run: the program has no input '${n}'`);
    const reply = await this.call({ kind: "run", key: program.key, feeds: req.feeds, keep: req.keep ?? {}, fetch: req.fetch ?? [] });
    return reply.tensors ?? {};
  }
  async put(tensors) {
    await this.call({ kind: "put", tensors });
  }
  async get(names) {
    return (await this.call({ kind: "get", names })).tensors ?? {};
  }
  async drop(names) {
    await this.call({ kind: "drop", names });
  }
  /** Runs a decoding loop inside the worker (see DecodePlan). */
  async decode(program, plan) {
    await this.load(program);
    const reply = await this.call({ kind: "decode", key: program.key, plan });
    return reply.decoded ?? { tokens: [] };
  }
  async close() {
    this.dead = "the engine was closed";
    await this.worker.terminate();
  }
};

// core/data/load.ts
import { dirname as dirname3, resolve } from "node:path";

// core/data/formats/humaneval.ts
import { z as z2 } from "zod";

// core/data/problem.ts
import { z } from "zod";
var problemLanguages = [
  "python",
  "javascript",
  "typescript",
  "cpp",
  "java",
  "csharp",
  "php",
  "bash",
  "go",
  "rust",
  "lua",
  "ruby"
];
var harnesses = ["multipl-e", "humaneval-x"];
var completionRules = ["as-is", "python-top-block", "go-auto-imports"];
var problemSchema = z.object({
  task_id: z.string().min(1),
  language: z.enum(problemLanguages),
  /** What a generator is given. */
  prompt: z.string(),
  /** Program text before the completion. */
  prefix: z.string(),
  /** Program text after the completion: the tests and whatever calls them. */
  suffix: z.string(),
  /** A completion known to pass, when the benchmark has one. */
  canonical_solution: z.string().nullable().default(null),
  harness: z.enum(harnesses).default("multipl-e"),
  completion_rule: z.enum(completionRules).default("as-is"),
  /** Offset into prefix where go-auto-imports puts its import block. */
  go_imports_at: z.number().int().nonnegative().nullable().default(null),
  /** Packages that go-auto-imports must not add again (CodeGeeX checks the test setup text). */
  go_setup: z.string().nullable().default(null),
  /** Extra libraries to link (C++: `-l<name>`), as the benchmark's evaluator does for a few tasks. */
  link: z.array(z.string().regex(/^[A-Za-z0-9_+.-]+$/)).default([]),
  /**
   * The directory holding files the harness needs besides the program (HumanEval-X Go: go.mod, go.sum,
   * vendor.tar.gz; MultiPL-E Java: javatuples-1.2.jar). The loader sets it to the problem file's directory.
   */
  support_dir: z.string().nullable().default(null),
  /** Which format the problem was read from. */
  source_format: z.string().default("normalized")
}).strict();
function makeProblem(input2) {
  return problemSchema.parse(input2);
}

// core/data/formats/humaneval.ts
var humanEvalRecord = z2.object({
  task_id: z2.string().min(1),
  prompt: z2.string(),
  canonical_solution: z2.string(),
  test: z2.string(),
  entry_point: z2.string().min(1)
});
function humanEvalProblem(r) {
  return makeProblem({
    task_id: r.task_id,
    language: "python",
    prompt: r.prompt,
    prefix: r.prompt,
    suffix: `
${r.test}
check(${r.entry_point})`,
    canonical_solution: r.canonical_solution,
    source_format: "humaneval"
  });
}

// core/data/formats/humaneval-x.ts
import { z as z3 } from "zod";
var pythonImports = [
  "import math",
  "import re",
  "import sys",
  "import copy",
  "import datetime",
  "import itertools",
  "import collections",
  "import heapq",
  "import statistics",
  "import functools",
  "import hashlib",
  "import numpy",
  "import numpy as np",
  "import string",
  "from typing import *",
  "from collections import *"
];
var cppIncludes = [
  "#include<stdlib.h>",
  "#include<algorithm>",
  "#include<math.h>",
  "#include<stdio.h>",
  "#include<vector>",
  "#include<string>",
  "#include<climits>",
  "#include<cstring>",
  "#include<iostream>"
];
var rustCrateUses = ["use rand::Rng;", "use regex::Regex;", "use md5;"];
var rustMain = "\nfn main(){ \n } \n";
var languageByPrefix = {
  Python: "python",
  CPP: "cpp",
  Java: "java",
  JavaScript: "javascript",
  Go: "go",
  Rust: "rust"
};
var humanEvalXRecord = z3.object({
  task_id: z3.string().refine((id) => (id.split("/")[0] ?? "") in languageByPrefix, {
    message: `expected <Language>/<n> with Language one of ${Object.keys(languageByPrefix).join(", ")}`
  }),
  prompt: z3.string(),
  declaration: z3.string(),
  canonical_solution: z3.string(),
  test: z3.string(),
  example_test: z3.string().optional(),
  import: z3.string().optional(),
  test_setup: z3.string().optional()
});
function humanEvalXProblem(r) {
  const language = languageByPrefix[r.task_id.split("/")[0] ?? ""];
  const base = {
    task_id: r.task_id,
    prompt: r.prompt,
    canonical_solution: r.canonical_solution,
    harness: "humaneval-x",
    source_format: "humaneval-x"
  };
  switch (language) {
    case "python":
      return makeProblem({
        ...base,
        language,
        prefix: pythonImports.join("\n") + "\n" + r.prompt,
        suffix: `
${r.test}
`,
        completion_rule: "python-top-block"
      });
    case "cpp": {
      const setup = cppIncludes.filter((line) => !r.prompt.includes(line)).map((line) => line + "\n").join("");
      return makeProblem({
        ...base,
        language,
        prefix: `${setup}
${r.prompt}`,
        suffix: `
${r.test}`,
        // CodeGeeX links OpenSSL for the one task (CPP/162) whose test computes an MD5.
        link: r.task_id.includes("162") ? ["crypto", "ssl"] : []
      });
    }
    case "java":
    case "javascript":
      return makeProblem({ ...base, language, prefix: r.prompt, suffix: `
${r.test}` });
    case "go": {
      const setup = r.test_setup ?? "";
      const prompt = r.import ? r.prompt.split(r.import).join("") : r.prompt;
      return makeProblem({
        ...base,
        language,
        prefix: `${setup}
${prompt}`,
        suffix: `
${r.test}`,
        completion_rule: "go-auto-imports",
        go_imports_at: setup.length + 1,
        go_setup: setup
      });
    }
    case "rust": {
      const declaration = r.declaration.split("\n").filter((line) => !rustCrateUses.includes(line.trim())).join("\n");
      return makeProblem({ ...base, language, prefix: rustMain + declaration + r.prompt, suffix: r.test });
    }
    default:
      throw new Error(`unknown HumanEval-X language in ${r.task_id}`);
  }
}

// core/data/formats/mbpp.ts
import { z as z4 } from "zod";
var taskId = z4.union([z4.number().int(), z4.string().min(1)]).transform(String);
var mbppRecord = z4.object({
  task_id: taskId,
  text: z4.string(),
  code: z4.string(),
  test_setup_code: z4.string(),
  test_list: z4.array(z4.string()),
  challenge_test_list: z4.array(z4.string()).default([])
});
var mbppSanitizedRecord = z4.object({
  task_id: taskId,
  prompt: z4.string(),
  code: z4.string(),
  test_imports: z4.array(z4.string()),
  test_list: z4.array(z4.string()),
  source_file: z4.string().optional()
});
function mbppPrompt(text, tests) {
  return `${text}
Your code should pass these tests:

${tests.join("\n")}
`;
}
function mbppProblem(r) {
  return makeProblem({
    task_id: r.task_id,
    language: "python",
    prompt: mbppPrompt(r.text, r.test_list),
    prefix: "",
    suffix: `
${r.test_setup_code}
${r.test_list.join("\n")}
`,
    canonical_solution: r.code,
    source_format: "mbpp"
  });
}
function mbppSanitizedProblem(r) {
  return makeProblem({
    task_id: r.task_id,
    language: "python",
    prompt: mbppPrompt(r.prompt, r.test_list),
    prefix: "",
    suffix: `
${r.test_imports.join("\n")}
${r.test_list.join("\n")}
`,
    canonical_solution: r.code,
    source_format: "mbpp-sanitized"
  });
}

// core/data/formats/multipl-e.ts
import { z as z5 } from "zod";
var languageByName = {
  py: "python",
  python: "python",
  js: "javascript",
  ts: "typescript",
  cpp: "cpp",
  java: "java",
  cs: "csharp",
  php: "php",
  sh: "bash",
  go: "go",
  "go_test.go": "go",
  rs: "rust",
  lua: "lua",
  rb: "ruby"
};
var multiplERecord = z5.object({
  name: z5.string().min(1),
  language: z5.string().refine((l) => l in languageByName, {
    message: `unknown language (expected one of ${Object.keys(languageByName).join(", ")})`
  }),
  prompt: z5.string(),
  tests: z5.string(),
  stop_tokens: z5.array(z5.string()),
  task_id: z5.string().optional()
});
function multiplEProblem(r) {
  const language = languageByName[r.language];
  if (language === void 0) throw new Error(`unknown MultiPL-E language ${r.language}`);
  return makeProblem({
    task_id: r.name,
    language,
    prompt: r.prompt,
    prefix: r.prompt,
    suffix: `
${r.tests}`,
    source_format: "multipl-e"
  });
}

// core/data/read-records.ts
import { readFileSync as readFileSync2 } from "node:fs";
var DataFileError = class extends Error {
  constructor(file, place, detail) {
    super(`${file}:${place}: ${detail}`);
    this.file = file;
    this.place = place;
    this.name = "DataFileError";
  }
  file;
  place;
};
function readRecords(file) {
  let text;
  try {
    text = readFileSync2(file, "utf8");
  } catch (err) {
    throw new DataFileError(file, "open", err instanceof Error ? err.message : String(err));
  }
  if (text.trimStart().startsWith("[")) {
    let items;
    try {
      items = JSON.parse(text);
    } catch (err) {
      throw new DataFileError(file, "json", `not valid JSON (${err instanceof Error ? err.message : String(err)})`);
    }
    if (!Array.isArray(items)) throw new DataFileError(file, "json", "expected an array of records");
    return items.map((value, i) => ({ value, place: `item ${i + 1}` }));
  }
  const records = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (line.trim() === "") continue;
    try {
      records.push({ value: JSON.parse(line), place: `line ${i + 1}` });
    } catch (err) {
      throw new DataFileError(file, `line ${i + 1}`, `not valid JSON (${err instanceof Error ? err.message : String(err)})`);
    }
  }
  return records;
}
function parseRecord(schema, file, record) {
  const result = schema.safeParse(record.value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const key = issue && issue.path.length > 0 ? `key "${issue.path.join(".")}": ` : "";
  throw new DataFileError(file, record.place, `${key}${issue?.message ?? "invalid record"}`);
}

// core/data/load.ts
var format = (f) => f;
var formats = {
  normalized: format({ schema: problemSchema, toProblem: (r) => r, signature: ["prefix", "suffix", "language"] }),
  "multipl-e": format({ schema: multiplERecord, toProblem: multiplEProblem, signature: ["stop_tokens", "tests"] }),
  "humaneval-x": format({ schema: humanEvalXRecord, toProblem: humanEvalXProblem, signature: ["declaration"] }),
  "mbpp-sanitized": format({
    schema: mbppSanitizedRecord,
    toProblem: mbppSanitizedProblem,
    signature: ["test_imports", "test_list"]
  }),
  mbpp: format({ schema: mbppRecord, toProblem: mbppProblem, signature: ["test_setup_code", "test_list"] }),
  humaneval: format({ schema: humanEvalRecord, toProblem: humanEvalProblem, signature: ["entry_point", "test"] })
};
var problemFormats = Object.keys(formats);
function detectFormat(record) {
  if (typeof record !== "object" || record === null) return null;
  for (const name of problemFormats) {
    if (formats[name].signature.every((key) => key in record)) return name;
  }
  return null;
}
function convert(name, file, record) {
  const f = formats[name];
  return f.toProblem(parseRecord(f.schema, file, record));
}
function loadProblems(file, format2) {
  const records = readRecords(file);
  const first = records[0];
  if (first === void 0) throw new DataFileError(file, "line 1", "no problems in the file");
  const name = format2 ?? detectFormat(first.value);
  if (name === null) {
    throw new DataFileError(
      file,
      first.place,
      `cannot tell the problem format from the keys; pass one of ${problemFormats.join(", ")}`
    );
  }
  const seen = /* @__PURE__ */ new Set();
  const supportDir = dirname3(resolve(file));
  return records.map((record) => {
    const converted = convert(name, file, record);
    const problem = { ...converted, support_dir: converted.support_dir ?? supportDir };
    if (seen.has(problem.task_id)) {
      throw new DataFileError(file, record.place, `key "task_id": duplicate task ${problem.task_id}`);
    }
    seen.add(problem.task_id);
    return problem;
  });
}

// core/data/default-set/python.ts
function pyMod(a, b) {
  return (a % b + b) % b;
}
function pyFloorDiv(a, b) {
  return Math.floor(a / b);
}
function pyCompare(a, b) {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  throw new Error(`pyCompare: cannot order ${typeof a} and ${typeof b}`);
}
function reprString(s) {
  if (s.includes("'") && !s.includes('"')) return `"${s.replace(/\\/g, "\\\\")}"`;
  return `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}
function pyRepr(value) {
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) throw new Error(`pyRepr: ${value} is not a safe integer`);
    return String(value);
  }
  if (typeof value === "string") return reprString(value);
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(", ")}]`;
  return `{${[...value].map(([k, v]) => `${reprString(k)}: ${pyRepr(v)}`).join(", ")}}`;
}

// core/data/default-set/grammar.ts
var wrap = (e, min) => e.prec < min ? `(${e.text})` : e.text;
var num = (p) => {
  if (typeof p !== "number") throw new Error(`expected a number constant, got ${String(p)}`);
  return p;
};
var chr = (p) => {
  if (typeof p !== "string") throw new Error(`expected a character constant, got ${String(p)}`);
  return p;
};
var int = (e) => num(e);
var str = (e) => chr(e);
var neighbours = (k, min) => [k - 1, k + 1].filter((x) => x >= min);
var nextLetter = (c) => [c === "z" ? "y" : String.fromCharCode(c.charCodeAt(0) + 1)];
var keyPool = ["a", "b", "c", "x", "y", "z", "ann", "bob", "cat", "dog", "red", "tea", "sun", "fig", "kiwi", "lime"];
var lexicon = [
  "apple",
  "ant",
  "art",
  "bat",
  "bee",
  "bus",
  "cat",
  "cup",
  "code",
  "dog",
  "data",
  "egg",
  "east",
  "fish",
  "gas",
  "hat",
  "ice",
  "jam",
  "kit",
  "lamp",
  "map",
  "nest",
  "oak",
  "pen",
  "pass",
  "rest",
  "sun",
  "stars",
  "tea",
  "top",
  "tips",
  "up",
  "van",
  "web",
  "yes",
  "zoo",
  "salt",
  "pots",
  "banana",
  "cactus",
  "atlas",
  "tennis",
  "pasta",
  "bus"
];
var charPool = "abcdeiostxyzAEIOBCSTX0123456789";
function intList(rng, lo, hi) {
  return Array.from({ length: rng.int(5, 9) }, () => rng.int(lo, hi));
}
var sources = [
  {
    id: "list",
    elem: "int",
    args: ["xs", "nums", "values", "numbers", "lst", "arr"],
    v: "x",
    iter: (a) => a,
    nouns: (a) => [["numbers", `in ${a}`], ["elements", `of ${a}`], ["values", `in the list ${a}`], ["integers", `in ${a}`]],
    lo: -6,
    hi: 20,
    negative: true,
    dict: false,
    input: (rng) => intList(rng, -6, 20),
    items: (input2) => input2.map((value) => ({ key: null, value }))
  },
  {
    id: "range1",
    elem: "int",
    args: ["n", "m", "limit", "top"],
    v: "x",
    iter: (a) => `range(1, ${a} + 1)`,
    nouns: (a) => [
      ["integers", `from 1 to ${a}`],
      ["numbers", `from 1 through ${a}`],
      ["whole numbers", `between 1 and ${a} inclusive`]
    ],
    lo: 1,
    hi: 20,
    negative: false,
    dict: false,
    input: (rng) => rng.int(3, 20),
    items: (input2) => Array.from({ length: int(input2) }, (_, i) => ({ key: null, value: i + 1 }))
  },
  {
    id: "range0",
    elem: "int",
    args: ["n", "m", "limit", "count"],
    v: "i",
    iter: (a) => `range(${a})`,
    nouns: (a) => [
      ["integers", `from 0 up to but not including ${a}`],
      ["non-negative integers", `below ${a}`],
      ["numbers", `in range(${a})`]
    ],
    lo: 0,
    hi: 19,
    negative: false,
    dict: false,
    input: (rng) => rng.int(3, 20),
    items: (input2) => Array.from({ length: int(input2) }, (_, i) => ({ key: null, value: i }))
  },
  {
    id: "digits",
    elem: "int",
    args: ["n", "num", "k"],
    v: "d",
    iter: (a) => `map(int, str(${a}))`,
    nouns: (a) => [["digits", `of ${a}`], ["decimal digits", `of ${a}`], ["digits", `in the number ${a}`]],
    lo: 0,
    hi: 9,
    negative: false,
    dict: false,
    input: (rng) => {
      const digits = [rng.int(1, 9), ...Array.from({ length: rng.int(3, 7) }, () => rng.int(0, 9))];
      return Number(digits.join(""));
    },
    items: (input2) => [...String(int(input2))].map((d) => ({ key: null, value: Number(d) }))
  },
  {
    id: "dict",
    elem: "int",
    args: ["d", "counts", "scores", "prices", "ages", "stock"],
    v: "v",
    iter: (a) => `${a}.values()`,
    nouns: (a) => [["values", `in ${a}`], ["values", `of the dictionary ${a}`], ["values", `stored in ${a}`]],
    lo: -5,
    hi: 15,
    negative: true,
    dict: true,
    input: (rng) => {
      const keys = rng.shuffle(keyPool).slice(0, rng.int(3, 6));
      return new Map(keys.map((k) => [k, rng.int(-5, 15)]));
    },
    items: (input2) => [...input2].map(([key, value]) => ({ key, value }))
  },
  {
    id: "chars",
    elem: "char",
    args: ["s", "text", "word", "code"],
    v: "c",
    iter: (a) => a,
    nouns: (a) => [["characters", `of ${a}`], ["characters", `in the string ${a}`], ["characters", `in ${a}`]],
    lo: 0,
    hi: 0,
    negative: false,
    dict: false,
    input: (rng) => Array.from({ length: rng.int(5, 12) }, () => rng.pick([...charPool])).join(""),
    items: (input2) => [...str(input2)].map((value) => ({ key: null, value }))
  },
  {
    id: "words",
    elem: "word",
    args: ["s", "text", "line", "phrase"],
    v: "w",
    iter: (a) => `${a}.split()`,
    nouns: (a) => [["words", `in ${a}`], ["words", `of the sentence ${a}`], ["space-separated words", `in ${a}`]],
    lo: 0,
    hi: 0,
    negative: false,
    dict: false,
    input: (rng) => Array.from({ length: rng.int(3, 6) }, () => {
      const w = rng.pick(lexicon);
      return rng.chance(0.25) ? w[0].toUpperCase() + w.slice(1) : w;
    }).join(" "),
    items: (input2) => str(input2).split(" ").map((value) => ({ key: null, value }))
  }
];
var inside = (rng, src, lo, hi) => rng.int(Math.max(src.lo + lo, -3), Math.min(src.hi - hi, 12));
var isUpper = (c) => /^[A-Z]$/.test(c);
var isLower = (c) => /^[a-z]$/.test(c);
var filters = [
  {
    id: "even",
    family: "parity",
    elem: "int",
    sibling: "odd",
    adj: "even",
    choose: () => null,
    py: (v) => `${v} % 2 == 0`,
    test: (e) => pyMod(int(e), 2) === 0,
    vp: () => ["are even"],
    slug: () => "even",
    tweak: () => []
  },
  {
    id: "odd",
    family: "parity",
    elem: "int",
    sibling: "even",
    adj: "odd",
    choose: () => null,
    py: (v) => `${v} % 2 == 1`,
    test: (e) => pyMod(int(e), 2) === 1,
    vp: () => ["are odd"],
    slug: () => "odd",
    tweak: () => []
  },
  {
    id: "gt",
    family: "above",
    elem: "int",
    sibling: "lt",
    choose: (rng, src) => inside(rng, src, 1, 2),
    py: (v, p) => `${v} > ${num(p)}`,
    test: (e, p) => int(e) > num(p),
    vp: (p) => [`are greater than ${num(p)}`, `exceed ${num(p)}`, `are above ${num(p)}`],
    slug: (p) => `over${num(p)}`.replace("-", "m"),
    tweak: (p) => neighbours(num(p), -99)
  },
  {
    id: "lt",
    family: "below",
    elem: "int",
    sibling: "gt",
    choose: (rng, src) => inside(rng, src, 2, 1),
    py: (v, p) => `${v} < ${num(p)}`,
    test: (e, p) => int(e) < num(p),
    vp: (p) => [`are less than ${num(p)}`, `are below ${num(p)}`, `are smaller than ${num(p)}`],
    slug: (p) => `under${num(p)}`.replace("-", "m"),
    tweak: (p) => neighbours(num(p), -99)
  },
  {
    id: "div",
    family: "divisor",
    elem: "int",
    sibling: "notdiv",
    choose: (rng) => rng.int(3, 6),
    py: (v, p) => `${v} % ${num(p)} == 0`,
    test: (e, p) => pyMod(int(e), num(p)) === 0,
    vp: (p) => [`are divisible by ${num(p)}`, `are multiples of ${num(p)}`],
    slug: (p) => `div${num(p)}`,
    tweak: (p) => neighbours(num(p), 2)
  },
  {
    id: "notdiv",
    family: "divisor",
    elem: "int",
    sibling: "div",
    choose: (rng) => rng.int(3, 5),
    py: (v, p) => `${v} % ${num(p)} != 0`,
    test: (e, p) => pyMod(int(e), num(p)) !== 0,
    vp: (p) => [`are not divisible by ${num(p)}`, `are not multiples of ${num(p)}`],
    slug: (p) => `nondiv${num(p)}`,
    tweak: (p) => neighbours(num(p), 2)
  },
  {
    id: "ne",
    family: "equal",
    elem: "int",
    choose: (rng, src) => rng.int(Math.max(src.lo, 0), Math.min(src.hi, 9)),
    py: (v, p) => `${v} != ${num(p)}`,
    test: (e, p) => int(e) !== num(p),
    vp: (p) => [`are not equal to ${num(p)}`, `differ from ${num(p)}`],
    slug: (p) => `not${num(p)}`,
    tweak: (p) => neighbours(num(p), -99)
  },
  {
    id: "pos",
    family: "sign",
    elem: "int",
    sibling: "neg",
    adj: "positive",
    negativeOnly: true,
    choose: () => null,
    py: (v) => `${v} > 0`,
    test: (e) => int(e) > 0,
    vp: () => ["are positive", "are greater than zero"],
    slug: () => "pos",
    tweak: () => []
  },
  {
    id: "neg",
    family: "sign",
    elem: "int",
    sibling: "pos",
    adj: "negative",
    negativeOnly: true,
    choose: () => null,
    py: (v) => `${v} < 0`,
    test: (e) => int(e) < 0,
    vp: () => ["are negative", "are below zero"],
    slug: () => "neg",
    tweak: () => []
  },
  {
    id: "upper",
    family: "case",
    elem: "char",
    sibling: "lower",
    adj: "uppercase",
    choose: () => null,
    py: (v) => `${v}.isupper()`,
    test: (e) => isUpper(str(e)),
    vp: () => ["are uppercase", "are uppercase letters"],
    slug: () => "upper",
    tweak: () => []
  },
  {
    id: "lower",
    family: "case",
    elem: "char",
    sibling: "upper",
    adj: "lowercase",
    choose: () => null,
    py: (v) => `${v}.islower()`,
    test: (e) => isLower(str(e)),
    vp: () => ["are lowercase", "are lowercase letters"],
    slug: () => "lower",
    tweak: () => []
  },
  {
    id: "digit",
    family: "kind",
    elem: "char",
    sibling: "alpha",
    adj: "digit",
    choose: () => null,
    py: (v) => `${v}.isdigit()`,
    test: (e) => /^[0-9]$/.test(str(e)),
    vp: () => ["are digits"],
    slug: () => "digits",
    tweak: () => []
  },
  {
    id: "alpha",
    family: "kind",
    elem: "char",
    sibling: "digit",
    adj: "alphabetic",
    choose: () => null,
    py: (v) => `${v}.isalpha()`,
    test: (e) => /^[A-Za-z]$/.test(str(e)),
    vp: () => ["are letters"],
    slug: () => "letters",
    tweak: () => []
  },
  {
    id: "vowel",
    family: "vowel",
    elem: "char",
    sibling: "alpha",
    choose: () => null,
    py: (v) => `${v}.lower() in 'aeiou'`,
    test: (e) => "aeiou".includes(str(e).toLowerCase()),
    vp: () => ["are vowels"],
    slug: () => "vowels",
    tweak: () => []
  },
  {
    id: "notch",
    family: "equal",
    elem: "char",
    choose: (rng) => rng.pick(["a", "b", "e", "o", "s", "x"]),
    py: (v, p) => `${v} != '${chr(p)}'`,
    test: (e, p) => str(e) !== chr(p),
    vp: (p) => [`are not '${chr(p)}'`, `differ from '${chr(p)}'`],
    slug: (p) => `not_${chr(p)}`,
    tweak: (p) => nextLetter(chr(p))
  },
  {
    id: "longer",
    family: "long",
    elem: "word",
    sibling: "shorter",
    choose: (rng) => rng.int(2, 4),
    py: (v, p) => `len(${v}) > ${num(p)}`,
    test: (e, p) => str(e).length > num(p),
    vp: (p) => [`are longer than ${num(p)} characters`, `have more than ${num(p)} letters`],
    slug: (p) => `longer${num(p)}`,
    tweak: (p) => neighbours(num(p), 1)
  },
  {
    id: "shorter",
    family: "short",
    elem: "word",
    sibling: "longer",
    choose: (rng) => rng.int(4, 6),
    py: (v, p) => `len(${v}) < ${num(p)}`,
    test: (e, p) => str(e).length < num(p),
    vp: (p) => [`are shorter than ${num(p)} characters`, `have fewer than ${num(p)} letters`],
    slug: (p) => `shorter${num(p)}`,
    tweak: (p) => neighbours(num(p), 1)
  },
  {
    id: "starts",
    family: "edge",
    elem: "word",
    sibling: "ends",
    choose: (rng) => rng.pick(["a", "b", "c", "p", "s", "t"]),
    py: (v, p) => `${v}.startswith('${chr(p)}')`,
    test: (e, p) => str(e).startsWith(chr(p)),
    vp: (p) => [`start with '${chr(p)}'`, `begin with '${chr(p)}'`],
    slug: (p) => `from_${chr(p)}`,
    tweak: (p) => nextLetter(chr(p))
  },
  {
    id: "ends",
    family: "edge",
    elem: "word",
    sibling: "starts",
    choose: (rng) => rng.pick(["a", "e", "s", "t", "p"]),
    py: (v, p) => `${v}.endswith('${chr(p)}')`,
    test: (e, p) => str(e).endsWith(chr(p)),
    vp: (p) => [`end with '${chr(p)}'`, `finish with '${chr(p)}'`],
    slug: (p) => `to_${chr(p)}`,
    tweak: (p) => nextLetter(chr(p))
  },
  {
    id: "capital",
    family: "case",
    elem: "word",
    sibling: "lowerw",
    adj: "capitalized",
    choose: () => null,
    py: (v) => `${v}[0].isupper()`,
    test: (e) => isUpper(str(e)[0] ?? ""),
    vp: () => ["start with an uppercase letter", "are capitalized"],
    slug: () => "capital",
    tweak: () => []
  },
  {
    id: "lowerw",
    family: "case",
    elem: "word",
    sibling: "capital",
    adj: "all-lowercase",
    choose: () => null,
    py: (v) => `${v}.islower()`,
    test: (e) => str(e) === str(e).toLowerCase() && /[a-z]/.test(str(e)),
    vp: () => ["are all lowercase", "have no uppercase letters"],
    slug: () => "lowercase",
    tweak: () => []
  },
  {
    id: "lenis",
    family: "long",
    elem: "word",
    choose: (rng) => rng.int(3, 5),
    py: (v, p) => `len(${v}) == ${num(p)}`,
    test: (e, p) => str(e).length === num(p),
    vp: (p) => [`have exactly ${num(p)} letters`, `are ${num(p)} characters long`],
    slug: (p) => `len${num(p)}`,
    tweak: (p) => neighbours(num(p), 1)
  }
];
var times = (k) => k === 2 ? ["doubled", "multiplied by 2"] : k === 3 ? ["tripled", "multiplied by 3"] : [`multiplied by ${k}`, `times ${k}`];
var maps = [
  {
    id: "mul",
    from: "int",
    to: "int",
    family: "mul",
    sibling: "add",
    choose: (rng) => rng.int(2, 5),
    py: (x, p) => ({ text: `${wrap(x, 2)} * ${num(p)}`, prec: 2 }),
    apply: (e, p) => int(e) * num(p),
    post: (p) => times(num(p)),
    slug: (p) => `x${num(p)}`,
    tweak: (p) => neighbours(num(p), 2)
  },
  {
    id: "add",
    from: "int",
    to: "int",
    family: "add",
    sibling: "sub",
    choose: (rng) => rng.int(1, 9),
    py: (x, p) => ({ text: `${wrap(x, 1)} + ${num(p)}`, prec: 1 }),
    apply: (e, p) => int(e) + num(p),
    post: (p) => [`increased by ${num(p)}`, `plus ${num(p)}`],
    slug: (p) => `plus${num(p)}`,
    tweak: (p) => neighbours(num(p), 1)
  },
  {
    id: "sub",
    from: "int",
    to: "int",
    family: "add",
    sibling: "add",
    choose: (rng) => rng.int(1, 9),
    py: (x, p) => ({ text: `${wrap(x, 1)} - ${num(p)}`, prec: 1 }),
    apply: (e, p) => int(e) - num(p),
    post: (p) => [`decreased by ${num(p)}`, `minus ${num(p)}`],
    slug: (p) => `minus${num(p)}`,
    tweak: (p) => neighbours(num(p), 1)
  },
  {
    id: "square",
    from: "int",
    to: "int",
    family: "power",
    sibling: "double",
    choose: () => null,
    py: (x) => ({ text: `${wrap(x, 5)} ** 2`, prec: 4 }),
    apply: (e) => int(e) * int(e),
    post: () => ["squared"],
    pre: () => ["the squares of"],
    slug: () => "squared",
    tweak: () => []
  },
  {
    // Only a sibling of square (the wrong variant "x * 2" for "x ** 2"); never chosen on its own (mul covers it).
    id: "double",
    from: "int",
    to: "int",
    family: "mul",
    choose: () => null,
    py: (x) => ({ text: `${wrap(x, 2)} * 2`, prec: 2 }),
    apply: (e) => int(e) * 2,
    post: () => ["doubled"],
    slug: () => "doubled",
    tweak: () => []
  },
  {
    id: "mod",
    from: "int",
    to: "int",
    family: "mod",
    sibling: "fdiv",
    choose: (rng) => rng.int(3, 9),
    py: (x, p) => ({ text: `${wrap(x, 2)} % ${num(p)}`, prec: 2 }),
    apply: (e, p) => pyMod(int(e), num(p)),
    post: (p) => [`taken modulo ${num(p)}`, `reduced modulo ${num(p)}`],
    pre: (p) => [`the remainders modulo ${num(p)} of`],
    slug: (p) => `mod${num(p)}`,
    tweak: (p) => neighbours(num(p), 2)
  },
  {
    id: "fdiv",
    from: "int",
    to: "int",
    family: "mod",
    sibling: "mod",
    choose: (rng) => rng.int(2, 5),
    py: (x, p) => ({ text: `${wrap(x, 2)} // ${num(p)}`, prec: 2 }),
    apply: (e, p) => pyFloorDiv(int(e), num(p)),
    post: (p) => [`divided by ${num(p)} and rounded down`, `floor-divided by ${num(p)}`],
    slug: (p) => `fdiv${num(p)}`,
    tweak: (p) => neighbours(num(p), 2)
  },
  {
    id: "negate",
    from: "int",
    to: "int",
    family: "sign",
    choose: () => null,
    py: (x) => ({ text: `-${wrap(x, 3)}`, prec: 3 }),
    apply: (e) => -int(e) || 0,
    post: () => ["negated", "with its sign flipped"],
    slug: () => "negated",
    tweak: () => []
  },
  {
    id: "abs",
    from: "int",
    to: "int",
    family: "sign",
    negativeOnly: true,
    choose: () => null,
    py: (x) => ({ text: `abs(${x.text})`, prec: 5 }),
    apply: (e) => Math.abs(int(e)),
    post: () => ["made non-negative", "in absolute value"],
    pre: () => ["the absolute values of"],
    slug: () => "abs",
    tweak: () => []
  },
  {
    id: "cupper",
    from: "char",
    to: "char",
    family: "case",
    sibling: "clower",
    choose: () => null,
    py: (x) => ({ text: `${wrap(x, 5)}.upper()`, prec: 5 }),
    apply: (e) => str(e).toUpperCase(),
    post: () => ["in uppercase", "converted to uppercase"],
    slug: () => "upper",
    tweak: () => []
  },
  {
    id: "clower",
    from: "char",
    to: "char",
    family: "case",
    sibling: "cupper",
    choose: () => null,
    py: (x) => ({ text: `${wrap(x, 5)}.lower()`, prec: 5 }),
    apply: (e) => str(e).toLowerCase(),
    post: () => ["in lowercase", "converted to lowercase"],
    slug: () => "lower",
    tweak: () => []
  },
  {
    id: "swap",
    from: "char",
    to: "char",
    family: "case",
    sibling: "cupper",
    choose: () => null,
    py: (x) => ({ text: `${wrap(x, 5)}.swapcase()`, prec: 5 }),
    apply: (e) => {
      const c = str(e);
      return isUpper(c) ? c.toLowerCase() : c.toUpperCase();
    },
    post: () => ["with its case swapped"],
    slug: () => "swapped",
    tweak: () => []
  },
  {
    id: "wupper",
    from: "word",
    to: "word",
    family: "case",
    sibling: "wcap",
    choose: () => null,
    py: (x) => ({ text: `${wrap(x, 5)}.upper()`, prec: 5 }),
    apply: (e) => str(e).toUpperCase(),
    post: () => ["in uppercase", "converted to uppercase"],
    slug: () => "upper",
    tweak: () => []
  },
  {
    id: "wcap",
    from: "word",
    to: "word",
    family: "case",
    sibling: "wupper",
    choose: () => null,
    py: (x) => ({ text: `${wrap(x, 5)}.capitalize()`, prec: 5 }),
    apply: (e) => str(e).charAt(0).toUpperCase() + str(e).slice(1).toLowerCase(),
    post: () => ["capitalized"],
    slug: () => "capitalized",
    tweak: () => []
  },
  {
    id: "reverse",
    from: "word",
    to: "word",
    family: "order",
    choose: () => null,
    py: (x) => ({ text: `${wrap(x, 5)}[::-1]`, prec: 5 }),
    apply: (e) => [...str(e)].reverse().join(""),
    post: () => ["reversed", "spelled backwards"],
    slug: () => "reversed",
    tweak: () => []
  },
  {
    id: "head",
    from: "word",
    to: "word",
    family: "cut",
    sibling: "tail",
    choose: (rng) => rng.int(2, 3),
    py: (x, p) => ({ text: `${wrap(x, 5)}[:${num(p)}]`, prec: 5 }),
    apply: (e, p) => str(e).slice(0, num(p)),
    post: (p) => [`cut to its first ${num(p)} letters`],
    pre: (p) => [`the first ${num(p)} letters of`],
    slug: (p) => `head${num(p)}`,
    tweak: (p) => neighbours(num(p), 1)
  },
  {
    id: "tail",
    from: "word",
    to: "word",
    family: "cut",
    sibling: "head",
    choose: (rng) => rng.int(2, 3),
    py: (x, p) => ({ text: `${wrap(x, 5)}[-${num(p)}:]`, prec: 5 }),
    apply: (e, p) => str(e).slice(-num(p)),
    post: (p) => [`cut to its last ${num(p)} letters`],
    pre: (p) => [`the last ${num(p)} letters of`],
    slug: (p) => `tail${num(p)}`,
    tweak: (p) => neighbours(num(p), 1)
  },
  {
    id: "first",
    from: "word",
    to: "char",
    family: "cut",
    sibling: "last",
    choose: () => null,
    py: (x) => ({ text: `${wrap(x, 5)}[0]`, prec: 5 }),
    apply: (e) => str(e).charAt(0),
    post: () => ["reduced to its first letter"],
    pre: () => ["the first letters of", "the initials of"],
    slug: () => "initials",
    tweak: () => []
  },
  {
    id: "last",
    from: "word",
    to: "char",
    family: "cut",
    sibling: "first",
    choose: () => null,
    py: (x) => ({ text: `${wrap(x, 5)}[-1]`, prec: 5 }),
    apply: (e) => str(e).slice(-1),
    post: () => ["reduced to its last letter"],
    pre: () => ["the last letters of"],
    slug: () => "finals",
    tweak: () => []
  },
  {
    id: "len",
    from: "word",
    to: "int",
    family: "len",
    choose: () => null,
    py: (x) => ({ text: `len(${x.text})`, prec: 5 }),
    apply: (e) => str(e).length,
    post: () => ["replaced by its length"],
    pre: () => ["the lengths of"],
    slug: () => "lengths",
    tweak: () => []
  }
];
var filterById = new Map(filters.map((f) => [f.id, f]));
var mapById = new Map(maps.map((m) => [m.id, m]));

// core/data/default-set/reductions.ts
var gen = (r) => `${r.expr.text} for ${r.v} in ${r.iter}${r.cond ? ` if ${r.cond}` : ""}`;
var kept = (flow) => flow.filter((f) => f.pass).map((f) => f.mapped);
var sortValues = (values) => [...values].sort(pyCompare);
var isText = (out) => out !== "int";
var reductions = [
  {
    id: "sum",
    accepts: ["int"],
    needsFilter: false,
    noMap: false,
    dict: "also",
    nonEmpty: false,
    slug: "sum",
    sibling: "max",
    render: (r) => `sum(${gen(r)})`,
    evaluate: (flow) => kept(flow).reduce((a, b) => a + b, 0),
    phrases: (p) => [`Return the sum of ${p.e}.`, `Add up ${p.e} and return the total.`, `Compute the total of ${p.e}.`]
  },
  {
    id: "max",
    accepts: ["int", "word"],
    needsFilter: false,
    noMap: false,
    dict: "also",
    nonEmpty: true,
    slug: "max",
    sibling: "min",
    render: (r) => `max(${gen(r)})`,
    evaluate: (flow) => {
      const v = kept(flow);
      return v.length === 0 ? null : v.reduce((a, b) => pyCompare(b, a) > 0 ? b : a);
    },
    phrases: (p) => isText(p.out) ? [`Return the alphabetically last of ${p.e}.`, `Return whichever of ${p.e} comes last in sorted order.`] : [`Return the largest of ${p.e}.`, `Return the maximum of ${p.e}.`, `Find the biggest value among ${p.e}.`]
  },
  {
    id: "min",
    accepts: ["int", "word"],
    needsFilter: false,
    noMap: false,
    dict: "also",
    nonEmpty: true,
    slug: "min",
    sibling: "max",
    render: (r) => `min(${gen(r)})`,
    evaluate: (flow) => {
      const v = kept(flow);
      return v.length === 0 ? null : v.reduce((a, b) => pyCompare(b, a) < 0 ? b : a);
    },
    phrases: (p) => isText(p.out) ? [`Return the alphabetically first of ${p.e}.`, `Return whichever of ${p.e} comes first in sorted order.`] : [`Return the smallest of ${p.e}.`, `Return the minimum of ${p.e}.`, `Find the lowest value among ${p.e}.`]
  },
  {
    id: "count",
    accepts: ["int", "char", "word"],
    needsFilter: true,
    noMap: true,
    dict: "also",
    nonEmpty: false,
    slug: "count",
    render: (r) => `len([${r.v} for ${r.v} in ${r.iter} if ${r.cond ?? "True"}])`,
    evaluate: (flow) => flow.filter((f) => f.pass).length,
    phrases: (p) => [`Count ${p.e}.`, `Return how many of ${p.src} ${p.vp}.`, `Return the number of ${p.e}.`]
  },
  {
    id: "list",
    accepts: ["int", "char", "word"],
    needsFilter: false,
    noMap: false,
    dict: "also",
    nonEmpty: false,
    slug: "list",
    sibling: "sorted",
    render: (r) => `[${gen(r)}]`,
    evaluate: (flow) => kept(flow),
    phrases: (p) => [`Return a list of ${p.e}.`, `Return ${p.e}, in their original order.`, `Collect ${p.e} into a list.`]
  },
  {
    id: "sorted",
    accepts: ["int", "char", "word"],
    needsFilter: false,
    noMap: false,
    dict: "also",
    nonEmpty: false,
    slug: "sorted",
    sibling: "rsorted",
    render: (r) => `sorted(${gen(r)})`,
    evaluate: (flow) => sortValues(kept(flow)),
    phrases: (p) => isText(p.out) ? [`Return ${p.e}, in alphabetical order.`, `Return a sorted list of ${p.e}.`] : [
      `Return ${p.e}, sorted in increasing order.`,
      `Return a sorted list of ${p.e}.`,
      `Sort ${p.e}, from smallest to largest.`
    ]
  },
  {
    id: "rsorted",
    accepts: ["int", "char", "word"],
    needsFilter: false,
    noMap: false,
    dict: "also",
    nonEmpty: false,
    slug: "rsorted",
    sibling: "sorted",
    render: (r) => `sorted([${gen(r)}], reverse=True)`,
    evaluate: (flow) => sortValues(kept(flow)).reverse(),
    phrases: (p) => isText(p.out) ? [`Return ${p.e}, in reverse alphabetical order.`, `Return a list of ${p.e}, sorted from last to first.`] : [`Return ${p.e}, sorted in decreasing order.`, `Return a list of ${p.e}, from largest to smallest.`]
  },
  {
    id: "unique",
    accepts: ["int", "char", "word"],
    needsFilter: false,
    noMap: false,
    dict: "also",
    nonEmpty: false,
    slug: "unique",
    sibling: "sorted",
    render: (r) => `sorted(set(${gen(r)}))`,
    evaluate: (flow) => {
      const seen = new Map(kept(flow).map((v) => [pyRepr(v), v]));
      return sortValues([...seen.values()]);
    },
    phrases: (p) => [
      `Return the distinct values among ${p.e}, sorted.`,
      `Return a sorted list of the unique values of ${p.e}.`
    ]
  },
  {
    id: "join",
    accepts: ["char", "word"],
    needsFilter: false,
    noMap: false,
    dict: "never",
    nonEmpty: false,
    slug: "joined",
    render: (r) => `'${r.out === "word" ? " " : ""}'.join(${gen(r)})`,
    evaluate: (flow, out) => kept(flow).join(out === "word" ? " " : ""),
    phrases: (p) => p.out === "word" ? [`Return ${p.e}, joined with single spaces.`, `Join ${p.e} with spaces and return the result.`] : [`Join ${p.e} into one string.`, `Return the string made of ${p.e}, in order.`]
  },
  {
    id: "any",
    accepts: ["int", "char", "word"],
    needsFilter: true,
    noMap: true,
    dict: "also",
    nonEmpty: false,
    slug: "any",
    sibling: "all",
    render: (r) => `any(${r.cond ?? "True"} for ${r.v} in ${r.iter})`,
    evaluate: (flow) => flow.some((f) => f.pass),
    phrases: (p) => [
      `Return whether any of ${p.src} ${p.vp}.`,
      `Return True if at least one of ${p.src} ${p.vp}, else False.`
    ]
  },
  {
    id: "all",
    accepts: ["int", "char", "word"],
    needsFilter: true,
    noMap: true,
    dict: "also",
    nonEmpty: false,
    slug: "all",
    sibling: "any",
    render: (r) => `all(${r.cond ?? "True"} for ${r.v} in ${r.iter})`,
    evaluate: (flow) => flow.every((f) => f.pass),
    phrases: (p) => [`Return whether all of ${p.src} ${p.vp}.`, `Return True if all of ${p.src} ${p.vp}, else False.`]
  },
  {
    id: "keys",
    accepts: ["int"],
    needsFilter: true,
    noMap: true,
    dict: "only",
    nonEmpty: false,
    slug: "keys",
    render: (r) => `[k for k, ${r.v} in ${r.arg}.items() if ${r.cond ?? "True"}]`,
    evaluate: (flow) => flow.filter((f) => f.pass).map((f) => f.key ?? ""),
    phrases: (p) => [
      `Return the keys of ${p.arg} whose values ${p.vp}.`,
      `List the keys in ${p.arg} with values that ${p.vp}.`
    ]
  },
  {
    id: "dict",
    accepts: ["int"],
    needsFilter: false,
    noMap: false,
    dict: "only",
    nonEmpty: false,
    slug: "dict",
    render: (r) => `{k: ${r.expr.text} for k, ${r.v} in ${r.arg}.items()${r.cond ? ` if ${r.cond}` : ""}}`,
    evaluate: (flow) => new Map(flow.filter((f) => f.pass).map((f) => [f.key ?? "", f.mapped])),
    phrases: (p) => p.vp && p.post ? [`Return a dictionary of the entries of ${p.arg} whose values ${p.vp}, with each value ${p.post}.`] : p.vp ? [
      `Return a dictionary of the entries of ${p.arg} whose values ${p.vp}.`,
      `Keep only the entries of ${p.arg} whose values ${p.vp}, as a new dictionary.`
    ] : [
      `Return a new dictionary with the keys of ${p.arg} and each value ${p.post}.`,
      `Return a copy of ${p.arg} with every value ${p.post}.`
    ]
  }
];
var reductionById = new Map(reductions.map((r) => [r.id, r]));

// core/data/default-set/spec.ts
var sourceById = new Map(sources.map((s) => [s.id, s]));

// core/data/default-set/generate.ts
function splitOf(taskId2) {
  const prefix = taskId2.slice(0, taskId2.indexOf("/"));
  return prefix === "train" || prefix === "heldout" ? prefix : null;
}

// core/data/assemble.ts
var goHelperPackages = ["math", "strings", "fmt", "strconv", "time", "bytes", "regexp", "sort", "math/rand", "crypto/md5"];
function pythonTopBlock(completion) {
  const kept2 = [];
  for (const line of completion.split("\n")) {
    if (line.trim().length > 0 && line[0] !== " " && line[0] !== "	") break;
    kept2.push(line);
  }
  return kept2.join("\n");
}
function goImportBlock(completion, setup) {
  const used = goHelperPackages.filter((pkg) => {
    if (setup.includes(pkg)) return false;
    const name = pkg.split("/").pop() ?? pkg;
    return completion.includes(`${name}.`);
  });
  if (used.length === 0) return "";
  return "import (\n" + used.map((pkg) => `"${pkg}"
`).join("    ") + ")\n";
}
function assembleProgram(problem, completion) {
  switch (problem.completion_rule) {
    case "as-is":
      return problem.prefix + completion + problem.suffix;
    case "python-top-block":
      return problem.prefix + pythonTopBlock(completion) + problem.suffix;
    case "go-auto-imports": {
      const at = problem.go_imports_at ?? 0;
      const imports = goImportBlock(completion, problem.go_setup ?? "");
      return problem.prefix.slice(0, at) + imports + problem.prefix.slice(at) + completion + problem.suffix;
    }
  }
}

// core/models/tokenizers/train.ts
import { mkdtempSync, readFileSync as readFileSync4, rmSync, writeFileSync as writeFileSync3 } from "node:fs";
import { tmpdir } from "node:os";
import { join as join4 } from "node:path";
import { BPE, Tokenizer as Tokenizer2, byteLevelPreTokenizer, sequencePreTokenizer, splitPreTokenizer } from "tokenizers";

// core/models/tokenizers/byte-level.ts
function byteLevelAlphabet() {
  const printable = (b) => b >= 33 && b <= 126 || b >= 161 && b <= 172 || b >= 174 && b <= 255;
  const out = [];
  let shifted = 0;
  for (let b = 0; b < 256; b++) {
    out.push(String.fromCodePoint(printable(b) ? b : 256 + shifted++));
  }
  return out;
}

// core/models/tokenizers/tokenizer.ts
import { existsSync as existsSync3, readFileSync as readFileSync3, writeFileSync as writeFileSync2 } from "node:fs";
import { dirname as dirname4, join as join3 } from "node:path";
import { Tokenizer } from "@huggingface/tokenizers";

// core/models/tokenizers/tokenizer-json.ts
var specialTokens = { pad: "<|pad|>", bos: "<|bos|>", eos: "<|eos|>" };
var preTokenizer = {
  type: "Sequence",
  pretokenizers: [
    { type: "Split", pattern: { String: "\n" }, behavior: "Isolated", invert: false },
    { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: true }
  ]
};
var decoder = { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: true };
function byteLevelBpeJson(vocab, merges) {
  const added = Object.values(specialTokens).map((content, id) => ({
    id,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true
  }));
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: null,
    pre_tokenizer: preTokenizer,
    post_processor: null,
    decoder,
    model: {
      type: "BPE",
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges
    }
  };
}

// core/models/tokenizers/tokenizer.ts
var TokenizerFileError = class extends Error {
  constructor(file, what) {
    super(`${file}: ${what}`);
    this.file = file;
    this.name = "TokenizerFileError";
  }
  file;
};
function oneLine(err) {
  return (err instanceof Error ? err.message : String(err)).split("\n")[0] ?? "";
}
function isRecord(x) {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}
var TextTokenizer = class _TextTokenizer {
  constructor(json, source, config) {
    this.json = json;
    this.source = source;
    const model = json.model;
    if (!isRecord(model)) throw new TokenizerFileError(source, 'key "model": missing or not an object');
    if (!isRecord(model.vocab)) throw new TokenizerFileError(source, 'key "model.vocab": missing or not an object');
    if (!Array.isArray(json.added_tokens)) throw new TokenizerFileError(source, 'key "added_tokens": not a list');
    try {
      this.hf = new Tokenizer(json, { clean_up_tokenization_spaces: false, ...config });
    } catch (err) {
      throw new TokenizerFileError(source, `not a tokenizer this loader supports: ${oneLine(err)}`);
    }
    this.ids = new Map(this.hf.get_vocab(true));
    this.vocabSize = Math.max(...this.ids.values()) + 1;
  }
  json;
  source;
  hf;
  ids;
  vocabSize;
  /** From the parsed JSON of a tokenizer.json (and its tokenizer_config.json, when there is one). */
  static fromJson(json, source = "tokenizer.json", config = {}) {
    if (!isRecord(json)) throw new TokenizerFileError(source, "not a JSON object");
    return new _TextTokenizer(json, source, config);
  }
  /** Loads a tokenizer.json file, with the tokenizer_config.json beside it if there is one (imported models). */
  static load(file) {
    const read = (path) => {
      let text;
      try {
        text = readFileSync3(path, "utf8");
      } catch (err) {
        throw new TokenizerFileError(path, `cannot read: ${oneLine(err)}`);
      }
      try {
        return JSON.parse(text);
      } catch (err) {
        throw new TokenizerFileError(path, `not JSON: ${oneLine(err)}`);
      }
    };
    const configFile = join3(dirname4(file), "tokenizer_config.json");
    const config = existsSync3(configFile) ? read(configFile) : {};
    if (!isRecord(config)) throw new TokenizerFileError(configFile, "not a JSON object");
    return _TextTokenizer.fromJson(read(file), file, config);
  }
  /** The id of a token as spelled in the vocabulary ("<|eos|>", "Ċ"), or null. */
  tokenId(token) {
    return this.ids.get(token) ?? null;
  }
  encode(text) {
    return this.hf.encode(text, { add_special_tokens: false }).ids;
  }
  /** Text of the ids; special tokens are kept unless `skipSpecial`, so decode(encode(text)) === text. */
  decode(ids, options = {}) {
    if (ids.length === 0) return "";
    return this.hf.decode([...ids], {
      skip_special_tokens: options.skipSpecial ?? false,
      clean_up_tokenization_spaces: false
    });
  }
  /** The tokenizer.json text (compact, as the Hugging Face library writes it without `pretty`). */
  toJson() {
    return JSON.stringify(this.json);
  }
  save(file) {
    writeFileSync2(file, this.toJson());
  }
};
function specialIds(tokenizer) {
  const id = (token, what) => {
    const found2 = tokenizer.tokenId(token);
    if (found2 === null) throw new TokenizerFileError(tokenizer.source, `no ${what} token ${JSON.stringify(token)}`);
    return found2;
  };
  const newline = tokenizer.encode("\n");
  if (newline.length !== 1) throw new TokenizerFileError(tokenizer.source, "a line end is not a single token");
  return {
    pad: id(specialTokens.pad, "padding"),
    bos: id(specialTokens.bos, "beginning-of-sequence"),
    eos: id(specialTokens.eos, "end-of-sequence"),
    lineEnd: newline[0]
  };
}

// core/models/tokenizers/train.ts
var TRAINER_VOCAB = 3e4;
var minVocabSize = Object.keys(specialTokens).length + 256;
var maxVocabSize = TRAINER_VOCAB;
function parseMerge(m) {
  if (Array.isArray(m) && m.length === 2 && typeof m[0] === "string" && typeof m[1] === "string") return [m[0], m[1]];
  if (typeof m === "string") {
    const space = m.indexOf(" ");
    if (space > 0) return [m.slice(0, space), m.slice(space + 1)];
  }
  throw new Error(`tokenizer training: unexpected merge ${JSON.stringify(m)} in the trainer's output`);
}
function trainerMerges(texts) {
  const dir = mkdtempSync(join4(tmpdir(), "bpe-train-"));
  try {
    const corpus = join4(dir, "corpus.txt");
    writeFileSync3(corpus, texts.join("\n"));
    const trainer = new Tokenizer2(BPE.empty());
    trainer.setPreTokenizer(
      sequencePreTokenizer([splitPreTokenizer("\n", "isolated"), byteLevelPreTokenizer(false, true)])
    );
    trainer.train([corpus]);
    const out = join4(dir, "trained.json");
    trainer.save(out);
    const json = JSON.parse(readFileSync4(out, "utf8"));
    return (json.model?.merges ?? []).map(parseMerge);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
function trainByteLevelBpe(texts, options) {
  const { vocabSize } = options;
  if (!Number.isInteger(vocabSize) || vocabSize < minVocabSize || vocabSize > maxVocabSize) {
    throw new Error(`tokenizer training: vocab size ${vocabSize} is outside ${minVocabSize}-${maxVocabSize}`);
  }
  const vocab = {};
  let next = 0;
  for (const token of Object.values(specialTokens)) vocab[token] = next++;
  for (const ch of byteLevelAlphabet()) vocab[ch] = next++;
  const merges = [];
  for (const [a, b] of trainerMerges(texts)) {
    if (next >= vocabSize) break;
    merges.push([a, b]);
    if (!(a + b in vocab)) vocab[a + b] = next++;
  }
  return byteLevelBpeJson(vocab, merges);
}
function trainTokenizer(texts, options) {
  return TextTokenizer.fromJson(trainByteLevelBpe(texts, options), `<byte-level BPE, ${options.vocabSize} tokens>`);
}

// core/models/transformer.ts
import { z as z6 } from "zod";

// core/engine/graph.ts
import { dirname as dirname5, sep } from "node:path";
import { fileURLToPath as fileURLToPath2 } from "node:url";
var nextId = 0;
var Tensor = class {
  constructor(op, inputs, attrs, shape, dtype, site, leaf = null) {
    this.op = op;
    this.inputs = inputs;
    this.attrs = attrs;
    this.shape = shape;
    this.dtype = dtype;
    this.site = site;
    this.leaf = leaf;
  }
  op;
  inputs;
  attrs;
  shape;
  dtype;
  site;
  leaf;
  id = nextId++;
  get rank() {
    return this.shape.length;
  }
  toString() {
    return `${this.leaf ? this.leaf.name : this.op}${formatShape(this.shape)}:${this.dtype}`;
  }
};
function formatShape(shape) {
  return `[${shape.join(", ")}]`;
}
function isFloat(dtype) {
  return dtype === "float32" || dtype === "float64";
}
var GraphError = class extends Error {
  name = "GraphError";
};
var engineDir = dirname5(fileURLToPath2(import.meta.url)) + sep;
function callSite() {
  const stack = new Error().stack?.split("\n").slice(1) ?? [];
  const frame = stack.find((line) => !line.includes(engineDir) && !line.includes("node:internal"));
  const m = frame?.match(/\(?((?:file:\/\/)?[^()\s]+:\d+:\d+)\)?\s*$/);
  if (!m?.[1]) return "unknown location";
  return m[1].replace(/^file:\/\//, "").replace(`${process.cwd()}/`, "");
}
function fail(op, site, message) {
  throw new GraphError(`${op}: ${message} (at ${site})`);
}
function staticSize(shape) {
  let n = 1;
  for (const d of shape) {
    if (typeof d !== "number") return null;
    n *= d;
  }
  return n;
}
function broadcastShapes(op, site, a, b) {
  const rank = Math.max(a.length, b.length);
  const out = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da === db || db === 1) out.push(da);
    else if (da === 1) out.push(db);
    else fail(op, site, `shapes ${formatShape(a)} and ${formatShape(b)} don't broadcast (dim ${i}: ${da} vs ${db})`);
  }
  return out;
}
function normAxis(op, site, axis, rank) {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) fail(op, site, `axis ${axis} is out of range for rank ${rank}`);
  return a;
}
function dimProduct(dims) {
  let n = 1;
  const syms = [];
  for (const d of dims) {
    if (typeof d === "number") n *= d;
    else syms.push(d);
  }
  if (syms.length === 0) return n;
  return n === 1 ? syms.join("*") : [...syms, String(n)].join("*");
}

// core/engine/ops.ts
var attrNum = (t, k) => t.attrs[k];
var attrNums = (t, k) => t.attrs[k];
function sameFloat(op, site, x) {
  const dtype = x[0].dtype;
  if (!isFloat(dtype)) fail(op, site, `needs a float tensor, got ${x[0]}`);
  for (const t of x) if (t.dtype !== dtype) fail(op, site, `mixes ${dtype} and ${t.dtype} (${x.join(", ")})`);
  return dtype;
}
var binary = (onnx2, vjp) => ({
  infer: (x, _a, site) => ({ shape: broadcastShapes(onnx2, site, x[0].shape, x[1].shape), dtype: binaryType(onnx2, site, x) }),
  emit: (e, ins) => e.node(onnx2, ins),
  vjp
});
function binaryType(op, site, x) {
  if (x[0].dtype !== x[1].dtype) fail(op, site, `mixes ${x[0].dtype} and ${x[1].dtype} (${x[0]}, ${x[1]})`);
  return x[0].dtype;
}
var unary = (onnx2, vjp) => ({
  infer: (x, _a, site) => ({ shape: x[0].shape, dtype: sameFloat(onnx2, site, x) }),
  emit: (e, ins) => e.node(onnx2, ins),
  vjp: (g, t) => [vjp(g, t)]
});
var compare = (onnx2) => ({
  infer: (x, _a, site) => {
    binaryType(onnx2, site, x);
    return { shape: broadcastShapes(onnx2, site, x[0].shape, x[1].shape), dtype: "bool" };
  },
  emit: (e, ins) => e.node(onnx2, ins)
});
var opTable = {
  Add: binary("Add", (g) => [g, g]),
  Sub: binary("Sub", (g) => [g, neg(g)]),
  Mul: binary("Mul", (g, t) => [mul(g, t.inputs[1]), mul(g, t.inputs[0])]),
  Div: binary("Div", (g, t) => [div(g, t.inputs[1]), neg(div(mul(g, t), t.inputs[1]))]),
  Neg: unary("Neg", (g) => neg(g)),
  Exp: unary("Exp", (g, t) => mul(g, t)),
  Log: unary("Log", (g, t) => div(g, t.inputs[0])),
  Sqrt: unary("Sqrt", (g, t) => div(mul(g, 0.5), t)),
  Tanh: unary("Tanh", (g, t) => mul(g, sub(1, mul(t, t)))),
  Sigmoid: unary("Sigmoid", (g, t) => mul(g, mul(t, sub(1, t)))),
  Relu: unary("Relu", (g, t) => where(greater(t.inputs[0], 0), g, 0)),
  Pow: {
    infer: (x, _a, site) => ({ shape: x[0].shape, dtype: sameFloat("Pow", site, x) }),
    emit: (e, ins, t) => e.node("Pow", [ins[0], e.scalar(attrNum(t, "p"), t.dtype)]),
    vjp: (g, t) => [mul(g, mul(pow(t.inputs[0], attrNum(t, "p") - 1), attrNum(t, "p")))]
  },
  Equal: compare("Equal"),
  Less: compare("Less"),
  LessOrEqual: compare("LessOrEqual"),
  Greater: compare("Greater"),
  Where: {
    infer: (x, _a, site) => {
      if (x[0].dtype !== "bool") fail("Where", site, `condition must be bool, got ${x[0]}`);
      const shape = broadcastShapes("Where", site, broadcastShapes("Where", site, x[0].shape, x[1].shape), x[2].shape);
      return { shape, dtype: binaryType("Where", site, [x[1], x[2]]) };
    },
    emit: (e, ins) => e.node("Where", ins),
    vjp: (g, t) => [null, where(t.inputs[0], g, 0), where(t.inputs[0], 0, g)]
  },
  Cast: {
    infer: (x, a) => ({ shape: x[0].shape, dtype: a.to }),
    emit: (e, ins, t) => e.node("Cast", ins, { to: onnxTypeCode(t.dtype) }),
    vjp: (g, t) => [isFloat(t.inputs[0].dtype) ? cast(g, t.inputs[0].dtype) : null]
  },
  Detach: {
    infer: (x) => ({ shape: x[0].shape, dtype: x[0].dtype }),
    emit: (e, ins) => e.node("Identity", ins),
    vjp: () => [null]
  },
  MatMul: {
    infer: (x, _a, site) => {
      const [a, b] = [x[0], x[1]];
      if (a.rank < 2 || b.rank < 2) fail("MatMul", site, `needs rank >= 2, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
      const k1 = a.shape[a.rank - 1];
      const k2 = b.shape[b.rank - 2];
      if (k1 !== k2) fail("MatMul", site, `inner dims differ: ${formatShape(a.shape)} @ ${formatShape(b.shape)} (${k1} vs ${k2})`);
      const batch = broadcastShapes("MatMul", site, a.shape.slice(0, -2), b.shape.slice(0, -2));
      return { shape: [...batch, a.shape[a.rank - 2], b.shape[b.rank - 1]], dtype: binaryType("MatMul", site, x) };
    },
    emit: (e, ins) => e.node("MatMul", ins),
    vjp: (g, t) => {
      const [a, b] = [t.inputs[0], t.inputs[1]];
      const ga = matmul(g, swapLast(b));
      if (b.rank === 2 && a.rank > 2) {
        const k = a.shape[a.rank - 1];
        const n = g.shape[g.rank - 1];
        const a2 = reshape(a, [dimProduct(a.shape.slice(0, -1)), k]);
        const g2 = reshape(g, [dimProduct(g.shape.slice(0, -1)), n]);
        return [ga, matmul(transpose(a2, [1, 0]), g2)];
      }
      return [ga, matmul(swapLast(a), g)];
    }
  },
  Transpose: {
    infer: (x, a, site) => {
      const perm = a.perm;
      const sorted = [...perm].sort((p, q) => p - q);
      if (perm.length !== x[0].rank || sorted.some((p, i) => p !== i)) {
        fail("Transpose", site, `perm [${perm}] is not a permutation of the ${x[0].rank} axes of ${formatShape(x[0].shape)}`);
      }
      return { shape: perm.map((p) => x[0].shape[p]), dtype: x[0].dtype };
    },
    emit: (e, ins, t) => e.node("Transpose", ins, { perm: attrNums(t, "perm") }),
    vjp: (g, t) => {
      const perm = attrNums(t, "perm");
      const inv = perm.map((_, i) => perm.indexOf(i));
      return [transpose(g, inv)];
    }
  },
  Reshape: {
    infer: (x, a, site) => {
      const target = a.shape;
      const odd = target.find((d) => typeof d === "number" && !(Number.isInteger(d) && d > 0));
      if (odd !== void 0) fail("Reshape", site, `target dim ${odd} in ${formatShape(target)} is not a positive integer`);
      if (!sameSize(x[0].shape, target)) {
        fail("Reshape", site, `can't reshape ${formatShape(x[0].shape)} to ${formatShape(target)}: sizes differ`);
      }
      reshapeSpec(x[0].shape, target, site);
      return { shape: target, dtype: x[0].dtype };
    },
    emit: (e, ins, t) => e.node("Reshape", [ins[0], e.constI64(reshapeSpec(t.inputs[0].shape, t.shape, t.site))]),
    vjp: (g, t) => [reshapeBack(g, t.inputs[0])]
  },
  ReshapeLike: {
    infer: (x, _a, site) => {
      if (!sameSize(x[0].shape, x[1].shape)) {
        fail("Reshape", site, `can't reshape ${formatShape(x[0].shape)} to ${formatShape(x[1].shape)}: sizes differ`);
      }
      return { shape: x[1].shape, dtype: x[0].dtype };
    },
    emit: (e, ins) => e.node("Reshape", [ins[0], e.node("Shape", [ins[1]])]),
    vjp: (g, t) => [reshapeBack(g, t.inputs[0]), null]
  },
  Unsqueeze: {
    infer: (x, a) => {
      const shape = [...x[0].shape];
      for (const ax of [...a.axes].sort((p, q) => p - q)) shape.splice(ax, 0, 1);
      return { shape, dtype: x[0].dtype };
    },
    emit: (e, ins, t) => e.node("Unsqueeze", [ins[0], e.constI64(attrNums(t, "axes"))]),
    vjp: (g, t) => [squeeze(g, attrNums(t, "axes"))]
  },
  Squeeze: {
    infer: (x, a, site) => {
      const axes = a.axes.map((ax) => normAxis("Squeeze", site, ax, x[0].rank));
      for (const ax of axes) if (x[0].shape[ax] !== 1) fail("Squeeze", site, `axis ${ax} of ${formatShape(x[0].shape)} is not 1`);
      return { shape: x[0].shape.filter((_, i) => !axes.includes(i)), dtype: x[0].dtype };
    },
    emit: (e, ins, t) => e.node("Squeeze", [ins[0], e.constI64(attrNums(t, "axes"))]),
    vjp: (g, t) => [unsqueeze(g, attrNums(t, "axes"))]
  },
  ExpandLike: {
    infer: (x, _a, site) => ({ shape: broadcastShapes("Expand", site, x[0].shape, x[1].shape), dtype: x[0].dtype }),
    emit: (e, ins) => e.node("Expand", [ins[0], e.node("Shape", [ins[1]])]),
    vjp: (g) => [g, null]
  },
  ReduceSum: {
    infer: (x, a, site) => reduceShape("ReduceSum", x[0], a, site),
    emit: (e, ins, t) => e.node("ReduceSum", [ins[0], e.constI64(attrNums(t, "axes"))], { keepdims: attrNum(t, "keepdims") }),
    vjp: (g, t) => {
      const kept2 = attrNum(t, "keepdims") ? g : unsqueeze(g, attrNums(t, "axes"));
      return [expandLike(kept2, t.inputs[0])];
    }
  },
  ReduceMax: {
    infer: (x, a, site) => reduceShape("ReduceMax", x[0], a, site),
    emit: (e, ins, t) => e.node("ReduceMax", ins, { axes: attrNums(t, "axes"), keepdims: attrNum(t, "keepdims") }),
    vjp: (g, t) => {
      const x = t.inputs[0];
      const keep = (y) => attrNum(t, "keepdims") ? y : unsqueeze(y, attrNums(t, "axes"));
      return [where(equal(x, keep(t)), expandLike(keep(g), x), 0)];
    }
  },
  Softmax: {
    infer: (x, a, site) => (normAxis("Softmax", site, a.axis, x[0].rank), { shape: x[0].shape, dtype: sameFloat("Softmax", site, x) }),
    emit: (e, ins, t) => e.node("Softmax", ins, { axis: attrNum(t, "axis") }),
    vjp: (g, t) => [mul(t, sub(g, sum(mul(g, t), [attrNum(t, "axis")], true)))]
  },
  LogSoftmax: {
    infer: (x, a, site) => (normAxis("LogSoftmax", site, a.axis, x[0].rank), { shape: x[0].shape, dtype: sameFloat("LogSoftmax", site, x) }),
    emit: (e, ins, t) => e.node("LogSoftmax", ins, { axis: attrNum(t, "axis") }),
    vjp: (g, t) => [sub(g, mul(exp(t), sum(g, [attrNum(t, "axis")], true)))]
  },
  Concat: {
    infer: (x, a, site) => {
      const axis = normAxis("Concat", site, a.axis, x[0].rank);
      const shape = [...x[0].shape];
      const parts2 = [];
      for (const t of x) {
        if (t.rank !== shape.length || t.dtype !== x[0].dtype || t.shape.some((d, i) => i !== axis && d !== shape[i])) {
          fail("Concat", site, `can't concatenate ${x.map((v) => v.toString()).join(" and ")} along axis ${axis}`);
        }
        parts2.push(t.shape[axis]);
      }
      shape[axis] = dimSum(parts2);
      return { shape, dtype: x[0].dtype };
    },
    emit: (e, ins, t) => e.node("Concat", ins, { axis: attrNum(t, "axis") }),
    vjp: (g, t) => {
      const axis = normAxis("Concat", t.site, attrNum(t, "axis"), t.rank);
      let start = 0;
      return t.inputs.map((x) => {
        const d = x.shape[axis];
        if (typeof d !== "number") fail("Concat", t.site, `the gradient needs static sizes along axis ${axis}, got ${x}`);
        const part = slice(g, axis, start, start + d);
        start += d;
        return part;
      });
    }
  },
  Slice: {
    infer: (x, a, site) => {
      const axis = normAxis("Slice", site, a.axis, x[0].rank);
      const [start, end] = [a.start, a.end];
      const d = x[0].shape[axis];
      if (start < 0 || end >= 0 && end < start || typeof d === "number" && (start > d || end > d)) {
        fail("Slice", site, `[${start}, ${end < 0 ? "end" : end}) is out of range for axis ${axis} of ${formatShape(x[0].shape)}`);
      }
      const shape = [...x[0].shape];
      if (end >= 0) shape[axis] = end - start;
      else if (typeof d === "number") shape[axis] = d - start;
      else shape[axis] = start === 0 ? d : `${d}-${start}`;
      return { shape, dtype: x[0].dtype };
    },
    emit: (e, ins, t) => {
      const end = attrNum(t, "end");
      return e.node("Slice", [ins[0], e.constI64([attrNum(t, "start")]), e.constI64([end < 0 ? 2 ** 62 : end]), e.constI64([attrNum(t, "axis")])]);
    },
    vjp: (g, t) => {
      const x = t.inputs[0];
      const axis = normAxis("Slice", t.site, attrNum(t, "axis"), x.rank);
      const d = x.shape[axis];
      const end = attrNum(t, "end");
      if (end >= 0 && typeof d !== "number") fail("Slice", t.site, `the gradient needs a static axis ${axis} in ${x}`);
      const after = end < 0 ? 0 : d - end;
      return [apply("Pad", [g], { axis, before: attrNum(t, "start"), after }, t.site)];
    }
  },
  Pad: {
    infer: (x, a) => {
      const shape = [...x[0].shape];
      const d = shape[a.axis];
      shape[a.axis] = typeof d === "number" ? d + a.before + a.after : `${d}+${a.before}+${a.after}`;
      return { shape, dtype: x[0].dtype };
    },
    emit: (e, ins, t) => {
      const pads = new Array(2 * t.rank).fill(0);
      pads[attrNum(t, "axis")] = attrNum(t, "before");
      pads[t.rank + attrNum(t, "axis")] = attrNum(t, "after");
      return e.node("Pad", [ins[0], e.constI64(pads)]);
    },
    vjp: (g, t) => {
      const before = attrNum(t, "before");
      const d = t.inputs[0].shape[attrNum(t, "axis")];
      return [slice(g, attrNum(t, "axis"), before, typeof d === "number" && attrNum(t, "after") > 0 ? before + d : -1)];
    }
  },
  Gather: {
    infer: (x, _a, site) => {
      if (x[1].dtype !== "int64") fail("Gather", site, `indices must be int64, got ${x[1]}`);
      return { shape: [...x[1].shape, ...x[0].shape.slice(1)], dtype: x[0].dtype };
    },
    emit: (e, ins) => e.node("Gather", ins, { axis: 0 }),
    vjp: (g, t) => [apply("ScatterAddRows", [g, t.inputs[1], t.inputs[0]], {}, t.site), null]
  },
  /** Gather's gradient: rows of g added into zeros shaped like the table (ScatterND with reduction add). */
  ScatterAddRows: {
    infer: (x) => ({ shape: x[2].shape, dtype: x[0].dtype }),
    emit: (e, ins, t) => {
      const zeros = e.node("ConstantOfShape", [e.node("Shape", [ins[2]])], { value: { tensorValue: 0, dtype: t.dtype } });
      const idx = e.node("Unsqueeze", [ins[1], e.constI64([-1])]);
      return e.node("ScatterND", [zeros, idx, ins[0]], { reduction: "add" });
    }
  },
  GatherElements: {
    infer: (x, a, site) => {
      if (x[1].dtype !== "int64") fail("GatherElements", site, `indices must be int64, got ${x[1]}`);
      if (x[1].rank !== x[0].rank) fail("GatherElements", site, `indices ${x[1]} and data ${x[0]} differ in rank`);
      normAxis("GatherElements", site, a.axis, x[0].rank);
      return { shape: x[1].shape, dtype: x[0].dtype };
    },
    emit: (e, ins, t) => e.node("GatherElements", ins, { axis: attrNum(t, "axis") }),
    vjp: (g, t) => [apply("ScatterAddElements", [g, t.inputs[1], t.inputs[0]], t.attrs, t.site), null]
  },
  ScatterAddElements: {
    infer: (x) => ({ shape: x[2].shape, dtype: x[0].dtype }),
    emit: (e, ins, t) => {
      const zeros = e.node("ConstantOfShape", [e.node("Shape", [ins[2]])], { value: { tensorValue: 0, dtype: t.dtype } });
      return e.node("ScatterElements", [zeros, ins[1], ins[0]], { axis: attrNum(t, "axis"), reduction: "add" });
    }
  },
  /** [0, 1, ..., n-1] where n is dim `axis` of the reference tensor (static or symbolic). */
  Arange: {
    infer: (x, a, site) => ({ shape: [x[0].shape[normAxis("Arange", site, a.axis, x[0].rank)]], dtype: "int64" }),
    emit: (e, ins, t) => {
      const axis = normAxis("Arange", t.site, attrNum(t, "axis"), t.inputs[0].rank);
      const n = e.node("Squeeze", [e.node("Shape", [ins[0]], { start: axis, end: axis + 1 }), e.constI64([0])]);
      return e.node("Range", [e.constI64([0], true), n, e.constI64([1], true)]);
    }
  }
};
function swapLast(x) {
  const perm = x.shape.map((_, i) => i);
  [perm[x.rank - 1], perm[x.rank - 2]] = [perm[x.rank - 2], perm[x.rank - 1]];
  return transpose(x, perm);
}
function reshapeBack(g, x) {
  try {
    return apply("Reshape", [g], { shape: x.shape }, g.site);
  } catch {
    return apply("ReshapeLike", [g, x], {}, g.site);
  }
}
function reduceShape(op, x, a, site) {
  const axes = a.axes.map((ax) => normAxis(op, site, ax, x.rank));
  const shape = a.keepdims ? x.shape.map((d, i) => axes.includes(i) ? 1 : d) : x.shape.filter((_, i) => !axes.includes(i));
  return { shape, dtype: sameFloat(op, site, [x]) };
}
function factors(dims) {
  let n = 1;
  const syms = [];
  for (const d of dims) {
    if (typeof d === "number") n *= d;
    else {
      for (const part of d.split("*")) {
        if (/^\d+$/.test(part)) n *= Number(part);
        else syms.push(part);
      }
    }
  }
  return `${syms.sort().join("*")}|${n}`;
}
function sameSize(a, b) {
  const sa = staticSize(a);
  const sb = staticSize(b);
  if (sa !== null && sb !== null) return sa === sb;
  return factors(a) === factors(b);
}
function dimSum(parts2) {
  if (parts2.every((d) => typeof d === "number")) return parts2.reduce((p, q) => p + q, 0);
  return parts2.join("+");
}
function reshapeSpec(from, to, site) {
  let inferred = 0;
  const spec = to.map((d, i) => {
    if (typeof d === "number") return d;
    if (from[i] === d) return 0;
    inferred++;
    return -1;
  });
  if (inferred > 1) {
    fail("Reshape", site, `${formatShape(from)} -> ${formatShape(to)} has more than one symbolic dim that moves: use reshapeLike`);
  }
  return spec;
}
function onnxTypeCode(dtype) {
  return { float32: 1, float64: 11, int64: 7, bool: 9 }[dtype];
}
function apply(op, inputs, attrs = {}, site = callSite()) {
  const def = opTable[op];
  if (!def) throw new Error(`unknown op ${op}`);
  const { shape, dtype } = def.infer(inputs, attrs, site);
  return new Tensor(op, inputs, attrs, shape, dtype, site);
}
function constant(data, shape, dtype) {
  return new Tensor("Leaf", [], {}, shape, dtype, callSite(), { kind: "constant", name: "const", data });
}
function scalarOf(value, dtype) {
  const data = dtype === "float32" ? Float32Array.of(value) : dtype === "float64" ? Float64Array.of(value) : dtype === "int64" ? BigInt64Array.of(BigInt(value)) : Uint8Array.of(value ? 1 : 0);
  return constant(data, [], dtype);
}
function input(name, shape, dtype = "float32") {
  return new Tensor("Leaf", [], {}, shape, dtype, callSite(), { kind: "input", name });
}
function param(name, shape, dtype = "float32") {
  if (staticSize(shape) === null) fail("param", callSite(), `parameter ${name} needs a static shape, got ${formatShape(shape)}`);
  return new Tensor("Leaf", [], {}, shape, dtype, callSite(), { kind: "param", name });
}
function pair(a, b) {
  if (typeof a === "number" && typeof b === "number") throw new Error("at least one operand must be a tensor");
  const ta = typeof a === "number" ? scalarOf(a, b.dtype) : a;
  const tb = typeof b === "number" ? scalarOf(b, ta.dtype) : b;
  return [ta, tb];
}
var add = (a, b) => apply("Add", pair(a, b));
var sub = (a, b) => apply("Sub", pair(a, b));
var mul = (a, b) => apply("Mul", pair(a, b));
var div = (a, b) => apply("Div", pair(a, b));
var neg = (x) => apply("Neg", [x]);
var exp = (x) => apply("Exp", [x]);
var sqrt = (x) => apply("Sqrt", [x]);
var tanh = (x) => apply("Tanh", [x]);
var sigmoid = (x) => apply("Sigmoid", [x]);
var pow = (x, p) => apply("Pow", [x], { p });
var equal = (a, b) => apply("Equal", pair(a, b));
var lessOrEqual = (a, b) => apply("LessOrEqual", pair(a, b));
var greater = (a, b) => apply("Greater", pair(a, b));
function where(cond, a, b) {
  const [ta, tb] = pair(a, b);
  return apply("Where", [cond, ta, tb]);
}
var cast = (x, to) => x.dtype === to ? x : apply("Cast", [x], { to });
var detach = (x) => apply("Detach", [x]);
var matmul = (a, b) => apply("MatMul", [a, b]);
var transpose = (x, perm) => apply("Transpose", [x], { perm });
var reshape = (x, shape) => apply("Reshape", [x], { shape });
var expandLike = (x, ref) => apply("ExpandLike", [x, ref]);
var unsqueeze = (x, axes) => apply("Unsqueeze", [x], { axes: axes.map((a) => a < 0 ? a + x.rank + axes.length : a) });
var squeeze = (x, axes) => apply("Squeeze", [x], { axes });
var sum = (x, axes, keepdims = false) => apply("ReduceSum", [x], { axes, keepdims: keepdims ? 1 : 0 });
var softmax = (x, axis = -1) => apply("Softmax", [x], { axis });
var logSoftmax = (x, axis = -1) => apply("LogSoftmax", [x], { axis });
var concat = (xs, axis) => apply("Concat", xs, { axis });
var slice = (x, axis, start, end = -1) => apply("Slice", [x], { axis, start, end });
var gather = (table, indices) => apply("Gather", [table, indices]);
var gatherElements = (x, indices, axis) => apply("GatherElements", [x, indices], { axis });
var arange = (ref, axis) => apply("Arange", [ref], { axis });
function sumTo(g, shape) {
  if (g.rank === shape.length && g.shape.every((d, i) => d === shape[i])) return g;
  const lead = g.rank - shape.length;
  let r = lead > 0 ? apply("ReduceSum", [g], { axes: [...Array(lead).keys()], keepdims: 0 }, g.site) : g;
  const ones = shape.flatMap((d, i) => d === 1 && r.shape[i] !== 1 ? [i] : []);
  if (ones.length) r = apply("ReduceSum", [r], { axes: ones, keepdims: 1 }, g.site);
  return r;
}

// core/engine/composites.ts
function mean(x, axes, keepdims = false) {
  let n = 1;
  for (const a of axes) {
    const d = x.shape[normAxis("mean", x.site, a, x.rank)];
    if (typeof d !== "number") fail("mean", x.site, `axis ${a} of ${x} is symbolic: divide a sum by a count instead`);
    n *= d;
  }
  return mul(sum(x, axes, keepdims), 1 / n);
}
function linear(x, w, b) {
  const y = matmul(x, w);
  return b ? add(y, b) : y;
}
function layerNorm(x, w, b, eps = 1e-5) {
  const xc = sub(x, mean(x, [-1], true));
  const variance = mean(mul(xc, xc), [-1], true);
  return add(mul(div(xc, sqrt(add(variance, eps))), w), b);
}
function rmsNorm(x, w, eps = 1e-6) {
  return mul(div(x, sqrt(add(mean(mul(x, x), [-1], true), eps))), w);
}
function gelu(x) {
  const b = Math.sqrt(2 / Math.PI);
  const inner = mul(x, add(mul(mul(x, x), 0.044715 * b), b));
  return mul(mul(x, 0.5), add(tanh(inner), 1));
}
function silu(x) {
  return mul(x, sigmoid(x));
}
function crossEntropy(logits, targets, mask) {
  const picked = squeeze(gatherElements(logSoftmax(logits, -1), unsqueeze(targets, [-1]), -1), [-1]);
  const all = [...Array(picked.rank).keys()];
  if (!mask) {
    return mul(sum(picked, all), -1 / countOf(picked));
  }
  return div(mul(sum(mul(picked, mask), all), -1), sum(mask, all));
}
function countOf(x) {
  let n = 1;
  for (const d of x.shape) {
    if (typeof d !== "number") fail("crossEntropy", x.site, `${x} has symbolic dims: pass a mask to average over`);
    n *= d;
  }
  return n;
}
function rotaryTables(maxLen, headSize2, base = 1e4) {
  const half = headSize2 / 2;
  const cos = new Float32Array(maxLen * half);
  const sin = new Float32Array(maxLen * half);
  for (let p = 0; p < maxLen; p++) {
    for (let i = 0; i < half; i++) {
      const angle = p * base ** (-(2 * i) / headSize2);
      cos[p * half + i] = Math.cos(angle);
      sin[p * half + i] = Math.sin(angle);
    }
  }
  return { cos, sin };
}

// core/engine/rng.ts
var Rng2 = class {
  s;
  constructor(seed) {
    if (typeof seed === "number") {
      this.s = new Uint32Array(4);
      let x = seed >>> 0;
      for (let i = 0; i < 4; i++) {
        x = x + 2654435769 >>> 0;
        let z9 = x;
        z9 = Math.imul(z9 ^ z9 >>> 16, 2246822507) >>> 0;
        z9 = Math.imul(z9 ^ z9 >>> 13, 3266489909) >>> 0;
        this.s[i] = (z9 ^ z9 >>> 16) >>> 0;
      }
    } else {
      if (seed.length !== 4) throw new Error(`an Rng state is 4 words, got ${seed.length}`);
      this.s = Uint32Array.from(seed);
    }
  }
  /** The state to save: four words (normals are drawn in pairs, so no half-used draw is left over). */
  state() {
    return [...this.s];
  }
  nextU32() {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9 >>> 0;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }
  /** Uniform in [0, 1). */
  uniform() {
    return this.nextU32() / 4294967296;
  }
  /** Uniform integer in [0, n). */
  int(n) {
    return Math.floor(this.uniform() * n);
  }
  /** Fills with normal(0, std) values, two per Box-Muller draw. */
  normal(n, std = 1) {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i += 2) {
      const u = 1 - this.uniform();
      const v = this.uniform();
      const r = Math.sqrt(-2 * Math.log(u)) * std;
      out[i] = r * Math.cos(2 * Math.PI * v);
      if (i + 1 < n) out[i + 1] = r * Math.sin(2 * Math.PI * v);
    }
    return out;
  }
};
function rotl(x, k) {
  return (x << k | x >>> 32 - k) >>> 0;
}

// core/engine/lora.ts
function loraWeight(w, a, b, scale = 1) {
  return add(w, mul(matmul(a, b), scale));
}

// core/models/transformer.ts
var architectures = ["llama", "qwen2", "gpt2"];
var transformerConfigSchema = z6.object({
  arch: z6.enum(architectures).default("llama").describe("llama/qwen2: RMSNorm, rotary, SwiGLU; gpt2: LayerNorm, learned positions, GELU"),
  vocabSize: z6.number().int().positive().default(512).describe("tokens in the vocabulary (the tokenizer decides)"),
  maxSeqLen: z6.number().int().positive().default(256).describe("longest sequence (rotary table or position embedding rows)"),
  nLayer: z6.number().int().positive().default(4).describe("transformer blocks"),
  nHead: z6.number().int().positive().default(4).describe("attention heads"),
  nKvHead: z6.number().int().positive().nullable().default(null).describe("key/value heads (grouped-query attention); null: nHead"),
  nEmbd: z6.number().int().positive().default(128).describe("hidden width"),
  intermediateSize: z6.number().int().positive().nullable().default(null).describe("MLP width; null: 4 x nEmbd for gpt2, 8/3 x nEmbd rounded to 32 for llama"),
  ropeTheta: z6.number().positive().default(1e4).describe("rotary base"),
  normEps: z6.number().positive().default(1e-5).describe("RMSNorm / LayerNorm epsilon"),
  qkvBias: z6.boolean().nullable().default(null).describe("biases on q, k, v projections; null: true for qwen2 only"),
  tieEmbeddings: z6.boolean().default(true).describe("LM head shares the token embedding")
}).strict();
function transformerConfig(input2 = {}) {
  const cfg2 = transformerConfigSchema.parse(input2);
  if (cfg2.nEmbd % cfg2.nHead) throw new Error(`model config: nEmbd ${cfg2.nEmbd} is not a multiple of nHead ${cfg2.nHead}`);
  if (cfg2.nHead % kvHeads(cfg2)) throw new Error(`model config: nHead ${cfg2.nHead} is not a multiple of nKvHead ${kvHeads(cfg2)}`);
  if (cfg2.arch !== "gpt2" && headSize(cfg2) % 2) throw new Error(`model config: head size ${headSize(cfg2)} must be even for rotary`);
  if (cfg2.arch === "gpt2" && cfg2.nKvHead !== null && cfg2.nKvHead !== cfg2.nHead) throw new Error("model config: gpt2 has no grouped-query attention");
  return cfg2;
}
var headSize = (cfg2) => cfg2.nEmbd / cfg2.nHead;
var kvHeads = (cfg2) => cfg2.nKvHead ?? cfg2.nHead;
var hasQkvBias = (cfg2) => cfg2.qkvBias ?? cfg2.arch === "qwen2";
function mlpSize(cfg2) {
  if (cfg2.intermediateSize !== null) return cfg2.intermediateSize;
  return cfg2.arch === "gpt2" ? 4 * cfg2.nEmbd : Math.ceil(8 * cfg2.nEmbd / 3 / 32) * 32;
}
function transformerParams(cfg2, withHeads = ["lm"], seed = 0) {
  const rng = new Rng2(seed);
  const specs = {};
  const normal = (name, shape, std = 0.02) => {
    specs[name] = { shape, init: rng.normal(shape.reduce((a, b) => a * b, 1), std) };
  };
  const fill = (name, shape, value) => {
    specs[name] = { shape, init: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(value) };
  };
  const C = cfg2.nEmbd;
  const kv = kvHeads(cfg2) * headSize(cfg2);
  const F = mlpSize(cfg2);
  const projStd = 0.02 / Math.sqrt(2 * cfg2.nLayer);
  if (cfg2.arch === "gpt2") {
    normal("wte", [cfg2.vocabSize, C]);
    normal("wpe", [cfg2.maxSeqLen, C]);
    for (let l = 0; l < cfg2.nLayer; l++) {
      const h = `h.${l}`;
      fill(`${h}.ln_1.weight`, [C], 1);
      fill(`${h}.ln_1.bias`, [C], 0);
      normal(`${h}.attn.c_attn.weight`, [C, 3 * C]);
      fill(`${h}.attn.c_attn.bias`, [3 * C], 0);
      normal(`${h}.attn.c_proj.weight`, [C, C], projStd);
      fill(`${h}.attn.c_proj.bias`, [C], 0);
      fill(`${h}.ln_2.weight`, [C], 1);
      fill(`${h}.ln_2.bias`, [C], 0);
      normal(`${h}.mlp.c_fc.weight`, [C, F]);
      fill(`${h}.mlp.c_fc.bias`, [F], 0);
      normal(`${h}.mlp.c_proj.weight`, [F, C], projStd);
      fill(`${h}.mlp.c_proj.bias`, [C], 0);
    }
    fill("ln_f.weight", [C], 1);
    fill("ln_f.bias", [C], 0);
  } else {
    normal("embed_tokens.weight", [cfg2.vocabSize, C]);
    for (let l = 0; l < cfg2.nLayer; l++) {
      const h = `layers.${l}`;
      fill(`${h}.input_layernorm.weight`, [C], 1);
      normal(`${h}.self_attn.q_proj.weight`, [C, C]);
      normal(`${h}.self_attn.k_proj.weight`, [C, kv]);
      normal(`${h}.self_attn.v_proj.weight`, [C, kv]);
      if (hasQkvBias(cfg2)) {
        fill(`${h}.self_attn.q_proj.bias`, [C], 0);
        fill(`${h}.self_attn.k_proj.bias`, [kv], 0);
        fill(`${h}.self_attn.v_proj.bias`, [kv], 0);
      }
      normal(`${h}.self_attn.o_proj.weight`, [C, C], projStd);
      fill(`${h}.post_attention_layernorm.weight`, [C], 1);
      normal(`${h}.mlp.gate_proj.weight`, [C, F]);
      normal(`${h}.mlp.up_proj.weight`, [C, F]);
      normal(`${h}.mlp.down_proj.weight`, [F, C], projStd);
    }
    fill("norm.weight", [C], 1);
  }
  if (withHeads.includes("lm") && !cfg2.tieEmbeddings) normal("lm_head.weight", [C, cfg2.vocabSize]);
  for (const head of ["reward", "value", "prm"]) {
    if (!withHeads.includes(head)) continue;
    fill(`${head}_head.weight`, [C, 1], 0);
    fill(`${head}_head.bias`, [1], 0);
  }
  return specs;
}
function parameterCount(specs) {
  return Object.values(specs).reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
}
function weight(p, name) {
  const w = p[name];
  if (!w) throw new Error(`model: parameter '${name}' is missing`);
  const a = p[`${name}.lora_A`];
  const b = p[`${name}.lora_B`];
  return a && b ? loraWeight(w, a, b) : w;
}
function splitHeads(x, n, D) {
  const [B, T] = x.shape;
  return transpose(reshape(x, [B, T, n, D]), [0, 2, 1, 3]);
}
function attentionBias(q, causal, keyMask) {
  let bias = null;
  if (causal) {
    const i = arange(q, 2);
    const allowed = lessOrEqual(unsqueeze(i, [0]), unsqueeze(i, [1]));
    bias = where(allowed, scalarOf(0, "float32"), -1e9);
  }
  if (keyMask) {
    const keys = unsqueeze(mul(sub(keyMask, 1), 1e9), [1, 2]);
    bias = bias ? add(bias, keys) : keys;
  }
  return bias;
}
function groupedAttention(q, k, v, bias, H, K) {
  const [B, , T, D] = q.shape;
  const G = H / K;
  const scale = 1 / Math.sqrt(D);
  const qs = mul(q, scale);
  if (G === 1) {
    let scores2 = matmul(qs, transpose(k, [0, 1, 3, 2]));
    if (bias) scores2 = add(scores2, bias);
    return matmul(softmax(scores2, -1), v);
  }
  const qg = reshape(qs, [B, K, G, T, D]);
  let scores = matmul(qg, unsqueeze(transpose(k, [0, 1, 3, 2]), [2]));
  if (bias) scores = add(scores, bias.rank === 4 ? unsqueeze(bias, [2]) : bias);
  const y = matmul(softmax(scores, -1), unsqueeze(v, [2]));
  return reshape(y, [B, H, T, D]);
}
function rope(x, at) {
  const D = x.shape[3];
  const cos = unsqueeze(gather(at.cos, at.pos), [-3]);
  const sin = unsqueeze(gather(at.sin, at.pos), [-3]);
  const x1 = slice(x, -1, 0, D / 2);
  const x2 = slice(x, -1, D / 2, D);
  return concat([sub(mul(x1, cos), mul(x2, sin)), add(mul(x1, sin), mul(x2, cos))], -1);
}
function selfAttention(cfg2, p, l, x, at, past, keyMask) {
  const [B, T, C] = x.shape;
  const H = cfg2.nHead;
  const K = kvHeads(cfg2);
  const D = headSize(cfg2);
  let q;
  let k;
  let v;
  let proj;
  if (cfg2.arch === "gpt2") {
    const h = `h.${l}`;
    const w = weight(p, `${h}.attn.c_attn.weight`);
    const b = p[`${h}.attn.c_attn.bias`];
    const E = cfg2.nEmbd;
    const part = (i) => splitHeads(linear(x, slice(w, 1, i * E, (i + 1) * E), slice(b, 0, i * E, (i + 1) * E)), H, D);
    [q, k, v] = [part(0), part(1), part(2)];
    proj = (y2) => linear(y2, weight(p, `${h}.attn.c_proj.weight`), p[`${h}.attn.c_proj.bias`]);
  } else {
    const h = `layers.${l}.self_attn`;
    q = splitHeads(linear(x, weight(p, `${h}.q_proj.weight`), p[`${h}.q_proj.bias`]), H, D);
    k = splitHeads(linear(x, weight(p, `${h}.k_proj.weight`), p[`${h}.k_proj.bias`]), K, D);
    v = splitHeads(linear(x, weight(p, `${h}.v_proj.weight`), p[`${h}.v_proj.bias`]), K, D);
    q = rope(q, at);
    k = rope(k, at);
    proj = (y2) => linear(y2, weight(p, `${h}.o_proj.weight`));
  }
  if (past) {
    k = concat([past.k, k], 2);
    v = concat([past.v, v], 2);
  }
  const y = groupedAttention(q, k, v, attentionBias(q, !past, keyMask), H, K);
  const merged = reshape(transpose(y, [0, 2, 1, 3]), [B, T, C]);
  return { y: proj(merged), cache: { k, v } };
}
function mlp(cfg2, p, l, x) {
  if (cfg2.arch === "gpt2") {
    const h2 = `h.${l}.mlp`;
    const hidden = gelu(linear(x, weight(p, `${h2}.c_fc.weight`), p[`${h2}.c_fc.bias`]));
    return linear(hidden, weight(p, `${h2}.c_proj.weight`), p[`${h2}.c_proj.bias`]);
  }
  const h = `layers.${l}.mlp`;
  const gated = mul(silu(linear(x, weight(p, `${h}.gate_proj.weight`))), linear(x, weight(p, `${h}.up_proj.weight`)));
  return linear(gated, weight(p, `${h}.down_proj.weight`));
}
function norm(cfg2, p, name, x) {
  return cfg2.arch === "gpt2" ? layerNorm(x, p[`${name}.weight`], p[`${name}.bias`], cfg2.normEps) : rmsNorm(x, p[`${name}.weight`], cfg2.normEps);
}
function block(cfg2, p, l, x, at, past, keyMask) {
  const [n1, n2] = cfg2.arch === "gpt2" ? [`h.${l}.ln_1`, `h.${l}.ln_2`] : [`layers.${l}.input_layernorm`, `layers.${l}.post_attention_layernorm`];
  const attn = selfAttention(cfg2, p, l, norm(cfg2, p, n1, x), at, past, keyMask);
  const x1 = add(x, attn.y);
  return { x: add(x1, mlp(cfg2, p, l, norm(cfg2, p, n2, x1))), cache: attn.cache };
}
function rotaryConstants(cfg2) {
  const half = headSize(cfg2) / 2;
  const { cos, sin } = rotaryTables(cfg2.maxSeqLen, headSize(cfg2), cfg2.ropeTheta);
  return { cos: constant(cos, [cfg2.maxSeqLen, half], "float32"), sin: constant(sin, [cfg2.maxSeqLen, half], "float32") };
}
function transformerHidden(cfg2, p, idx, options = {}) {
  const pos = options.pos ?? arange(idx, 1);
  let x;
  const at = { pos };
  if (cfg2.arch === "gpt2") {
    x = add(gather(p.wte, idx), gather(p.wpe, pos));
  } else {
    x = gather(p["embed_tokens.weight"], idx);
    Object.assign(at, rotaryConstants(cfg2));
  }
  const cache = [];
  for (let l = 0; l < cfg2.nLayer; l++) {
    const out = block(cfg2, p, l, x, at, options.past?.[l], options.keyMask);
    x = out.x;
    cache.push(out.cache);
  }
  const hidden = cfg2.arch === "gpt2" ? norm(cfg2, p, "ln_f", x) : norm(cfg2, p, "norm", x);
  return { hidden, cache };
}
function lmLogits(cfg2, p, hidden) {
  if (!cfg2.tieEmbeddings) return matmul(hidden, weight(p, "lm_head.weight"));
  const table = cfg2.arch === "gpt2" ? p.wte : p["embed_tokens.weight"];
  return matmul(hidden, transpose(table, [1, 0]));
}
function lmLoss(cfg2, p, x) {
  const { hidden } = transformerHidden(cfg2, p, x.idx);
  return crossEntropy(lmLogits(cfg2, p, hidden), x.targets, x.mask);
}
var lmLossInputs = {
  idx: { shape: ["B", "T"], dtype: "int64" },
  targets: { shape: ["B", "T"], dtype: "int64" },
  mask: { shape: ["B", "T"], dtype: "float32" }
};
function decodeInputs(cfg2) {
  const K = kvHeads(cfg2);
  const D = headSize(cfg2);
  const past = Array.from({ length: cfg2.nLayer }, (_, l) => ({
    k: input(`past.${l}.k`, ["B", K, "P", D]),
    v: input(`past.${l}.v`, ["B", K, "P", D])
  }));
  return { idx: input("idx", ["B", 1], "int64"), pos: input("pos", ["B", 1], "int64"), keyMask: input("key_mask", ["B", "P+1"]), past };
}

// core/train/sft-trainer.ts
import { existsSync as existsSync4 } from "node:fs";

// core/engine/safetensors.ts
import { readFileSync as readFileSync5, renameSync as renameSync2, writeFileSync as writeFileSync4 } from "node:fs";
var codes = { float32: "F32", float64: "F64", int64: "I64", bool: "BOOL" };
var sizes = { F32: 4, F64: 8, I64: 8, BOOL: 1 };
var dtypes = { F32: "float32", F64: "float64", I64: "int64", BOOL: "bool" };
var SafetensorsError = class extends Error {
  name = "SafetensorsError";
};
function writeSafetensors(file, tensors, metadata = {}) {
  const header = { __metadata__: metadata };
  let offset = 0;
  const names = Object.keys(tensors).sort();
  for (const name of names) {
    const t = tensors[name];
    const end = offset + t.data.byteLength;
    header[name] = { dtype: codes[t.dtype], shape: t.dims, data_offsets: [offset, end] };
    offset = end;
  }
  let json = JSON.stringify(header);
  json += " ".repeat((8 - (8 + Buffer.byteLength(json)) % 8) % 8);
  const head = Buffer.from(json, "utf8");
  const out = Buffer.alloc(8 + head.length + offset);
  out.writeBigUInt64LE(BigInt(head.length), 0);
  head.copy(out, 8);
  let at = 8 + head.length;
  for (const name of names) {
    const d = tensors[name].data;
    Buffer.from(d.buffer, d.byteOffset, d.byteLength).copy(out, at);
    at += d.byteLength;
  }
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync4(tmp, out);
  renameSync2(tmp, file);
}
function readSafetensors(file) {
  const bad = (why) => {
    throw new SafetensorsError(`${file}: ${why}`);
  };
  let buf;
  try {
    buf = readFileSync5(file);
  } catch (err) {
    return bad(`can't be read (${err.code ?? String(err)})`);
  }
  if (buf.length < 8) bad(`truncated: ${buf.length} bytes, shorter than the 8-byte header length`);
  const headerLength = buf.readBigUInt64LE(0);
  if (headerLength > BigInt(buf.length - 8)) bad(`truncated: the header claims ${headerLength} bytes, the file has ${buf.length - 8} after the length`);
  const n = Number(headerLength);
  let header;
  try {
    header = JSON.parse(buf.subarray(8, 8 + n).toString("utf8"));
  } catch (err) {
    bad(`the header is not valid JSON (${err.message})`);
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) bad("the header is not a JSON object");
  const dataStart = 8 + n;
  const dataLength = buf.length - dataStart;
  const tensors = {};
  let metadata = {};
  let covered = 0;
  for (const [name, entry] of Object.entries(header)) {
    if (name === "__metadata__") {
      if (typeof entry !== "object" || entry === null || Object.values(entry).some((v) => typeof v !== "string")) {
        bad("__metadata__ must map names to strings");
      }
      metadata = entry;
      continue;
    }
    const e = entry;
    const code = typeof e.dtype === "string" ? e.dtype : "";
    const dtype = dtypes[code] ?? bad(`tensor '${name}': dtype ${JSON.stringify(e.dtype)} is not supported (F32, F64, I64, BOOL)`);
    const shape = e.shape;
    if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) bad(`tensor '${name}': shape ${JSON.stringify(shape)} is not a list of sizes`);
    const offsets = e.data_offsets;
    if (!Array.isArray(offsets) || offsets.length !== 2 || offsets.some((o) => !Number.isInteger(o))) {
      bad(`tensor '${name}': data_offsets ${JSON.stringify(offsets)} is not [begin, end]`);
    }
    const [begin, end] = offsets;
    const count = shape.reduce((a, b) => a * b, 1);
    if (end - begin !== count * sizes[code]) {
      bad(`tensor '${name}': ${end - begin} bytes for ${code}[${shape}] which needs ${count * sizes[code]}`);
    }
    if (begin < 0 || end > dataLength) bad(`truncated: tensor '${name}' ends at byte ${end} of the data, the file holds ${dataLength}`);
    covered += end - begin;
    const bytes = new Uint8Array(end - begin);
    bytes.set(buf.subarray(dataStart + begin, dataStart + end));
    const data = dtype === "float32" ? new Float32Array(bytes.buffer) : dtype === "float64" ? new Float64Array(bytes.buffer) : dtype === "int64" ? new BigInt64Array(bytes.buffer) : bytes;
    tensors[name] = { dtype, dims: shape, data };
  }
  if (covered !== dataLength) bad(`the tensors cover ${covered} bytes of data but the file holds ${dataLength}`);
  return { tensors, metadata };
}

// core/engine/checkpoint.ts
var checkpointFormat = "rewardranker-engine-checkpoint/1";
async function saveCheckpoint(file, trainer, rng, extra = {}) {
  const state = await trainer.state();
  writeSafetensors(file, state.tensors, {
    ...extra,
    format: checkpointFormat,
    step: String(state.step),
    ...rng ? { rng: JSON.stringify(rng.state()) } : {}
  });
}
function readCheckpoint(file) {
  const { tensors, metadata } = readSafetensors(file);
  if (metadata.format !== checkpointFormat) {
    throw new Error(`${file}: not a training checkpoint (metadata format is ${JSON.stringify(metadata.format ?? null)})`);
  }
  const step = Number(metadata.step);
  if (!Number.isInteger(step) || step < 0) throw new Error(`${file}: metadata 'step' is ${JSON.stringify(metadata.step)}, not a step count`);
  let rngState = null;
  if (metadata.rng !== void 0) {
    let parsed = null;
    try {
      parsed = JSON.parse(metadata.rng);
    } catch {
    }
    if (!Array.isArray(parsed) || parsed.length !== 4 || parsed.some((w) => !Number.isInteger(w) || w < 0 || w > 4294967295)) {
      throw new Error(`${file}: metadata 'rng' is not four 32-bit words`);
    }
    rngState = parsed;
  }
  return { state: { step, tensors }, rngState, metadata };
}
async function loadCheckpoint(file, trainer) {
  const loaded = readCheckpoint(file);
  await trainer.restore(loaded.state, file);
  return loaded;
}

// core/engine/adamw.ts
var defaultAdamW = { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, clipNorm: 1 };
function adamw(params, cfg2) {
  const lr = input("lr", []);
  const step = input("step", []);
  const squares = params.map((p) => mul(p.grad, p.grad));
  const gradNorm = sqrt(squares.map((g2) => sum(g2, [...Array(g2.rank).keys()])).reduce((a, b) => add(a, b)));
  const clip = cfg2.clipNorm > 0 ? where(greater(gradNorm, cfg2.clipNorm), div(cfg2.clipNorm, add(gradNorm, 1e-6)), 1) : null;
  const sqrtBc2 = sqrt(sub(1, exp(mul(step, Math.log(cfg2.beta2)))));
  const bc1 = sub(1, exp(mul(step, Math.log(cfg2.beta1))));
  const stepSize = div(mul(lr, sqrtBc2), bc1);
  const epsHat = mul(sqrtBc2, cfg2.eps);
  const gScale = clip ? mul(clip, 1 - cfg2.beta1) : null;
  const g2Scale = clip ? mul(mul(clip, clip), 1 - cfg2.beta2) : null;
  const decay = sub(1, mul(lr, cfg2.weightDecay));
  const updates = /* @__PURE__ */ new Map();
  params.forEach((p, i) => {
    const m = input(`m.${p.name}`, p.value.shape);
    const v = input(`v.${p.name}`, p.value.shape);
    const m2 = add(mul(m, cfg2.beta1), gScale ? mul(p.grad, gScale) : mul(p.grad, 1 - cfg2.beta1));
    const v2 = add(mul(v, cfg2.beta2), g2Scale ? mul(squares[i], g2Scale) : mul(squares[i], 1 - cfg2.beta2));
    const decayed = p.decay && cfg2.weightDecay > 0 ? mul(p.value, decay) : p.value;
    updates.set(p.name, [sub(decayed, mul(div(m2, add(sqrt(v2), epsHat)), stepSize)), m2, v2]);
  });
  return { lr, step, updates, gradNorm };
}
function warmupCosine(step, o) {
  const min = o.min ?? 0;
  if (step <= o.warmup) return o.peak * step / Math.max(1, o.warmup);
  const progress = Math.min(1, (step - o.warmup) / Math.max(1, o.total - o.warmup));
  return min + 0.5 * (o.peak - min) * (1 + Math.cos(Math.PI * progress));
}

// core/engine/autodiff.ts
function ancestors(roots) {
  const seen = /* @__PURE__ */ new Map();
  const stack = [...roots];
  while (stack.length) {
    const t = stack.pop();
    if (seen.has(t.id)) continue;
    seen.set(t.id, t);
    stack.push(...t.inputs);
  }
  return [...seen.values()].sort((a, b) => a.id - b.id);
}
function grad(loss, wrt) {
  if (loss.rank !== 0) throw new GraphError(`grad: the loss must be a scalar, got ${loss} (built at ${loss.site})`);
  const nodes = ancestors([loss]);
  const needs = new Set(wrt.map((t) => t.id));
  for (const t of nodes) if (isFloat(t.dtype) && t.inputs.some((x) => needs.has(x.id))) needs.add(t.id);
  const grads = /* @__PURE__ */ new Map([[loss.id, scalarOf(1, loss.dtype)]]);
  for (let i = nodes.length - 1; i >= 0; i--) {
    const t = nodes[i];
    const g = grads.get(t.id);
    if (!g || t.leaf || !needs.has(t.id)) continue;
    const rule = opTable[t.op]?.vjp;
    if (!rule) throw new GraphError(`grad: ${t.op} has no gradient rule (built at ${t.site})`);
    const inputGrads = rule(g, t);
    t.inputs.forEach((x, k) => {
      const gx = inputGrads[k];
      if (!gx || !needs.has(x.id)) return;
      const summed = sumTo(gx, x.shape);
      const prev = grads.get(x.id);
      grads.set(x.id, prev ? add(prev, summed) : summed);
    });
  }
  return wrt.map((w) => {
    return grads.get(w.id) ?? mul(detach(w), 0);
  });
}

// core/engine/emit.ts
import { createHash as createHash2 } from "node:crypto";
import onnxProto from "onnx-proto";
var { onnx } = onnxProto;
var OPSET = 17;
function tensorProto(name, data, dims, dtype) {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return { name, dims: [...dims], dataType: onnxTypeCode(dtype), rawData: bytes };
}
function valueInfo(v) {
  const dim = v.shape.map((d) => typeof d === "number" ? { dimValue: d } : { dimParam: d });
  return { name: v.name, type: { tensorType: { elemType: onnxTypeCode(v.dtype), shape: { dim } } } };
}
function attribute(name, v) {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof v === "number") return { name, type: T.INT, i: v };
  if (typeof v === "string") return { name, type: T.STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: T.INTS, ints: [...v] };
  const { tensorValue, dtype } = v;
  return { name, type: T.TENSOR, t: tensorProto("", typedScalar(tensorValue, dtype), [1], dtype) };
}
function typedScalar(value, dtype) {
  if (dtype === "float32") return Float32Array.of(value);
  if (dtype === "float64") return Float64Array.of(value);
  if (dtype === "int64") return BigInt64Array.of(BigInt(value));
  return Uint8Array.of(value ? 1 : 0);
}
function emitProgram(outputs, options = {}) {
  const nodes = [];
  const initializers = [];
  const inputs = [];
  const names = /* @__PURE__ */ new Map();
  const leafNames = /* @__PURE__ */ new Map();
  const constCache = /* @__PURE__ */ new Map();
  let counter = 0;
  const fresh = () => `v${counter++}`;
  const emitter = {
    node(opType, ins, attrs = {}) {
      const out = fresh();
      nodes.push({
        opType,
        input: [...ins],
        output: [out],
        name: out,
        attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v))
      });
      return out;
    },
    constI64(values, scalar = false) {
      const key2 = `i64:${scalar}:${values.join(",")}`;
      let name = constCache.get(key2);
      if (!name) {
        name = fresh();
        initializers.push(tensorProto(name, BigInt64Array.from(values, BigInt), scalar ? [] : [values.length], "int64"));
        constCache.set(key2, name);
      }
      return name;
    },
    scalar(value, dtype) {
      const key2 = `${dtype}:${value}`;
      let name = constCache.get(key2);
      if (!name) {
        name = fresh();
        initializers.push(tensorProto(name, typedScalar(value, dtype), [], dtype));
        constCache.set(key2, name);
      }
      return name;
    }
  };
  for (const t of ancestors(Object.values(outputs))) {
    if (t.leaf) {
      const { kind, name, data } = t.leaf;
      if (kind === "constant") {
        const d = data;
        if (d.length === 1 && t.rank === 0) names.set(t.id, emitter.scalar(Number(d[0]), t.dtype));
        else {
          const n = fresh();
          initializers.push(tensorProto(n, d, t.shape, t.dtype));
          names.set(t.id, n);
        }
        continue;
      }
      const other = leafNames.get(name);
      if (other && other !== t) throw new GraphError(`two different tensors are named '${name}' (${other.site} and ${t.site})`);
      leafNames.set(name, t);
      names.set(t.id, name);
      const frozen = kind === "param" ? options.frozen?.get(name) : void 0;
      if (frozen) {
        initializers.push(tensorProto(name, frozen, t.shape, t.dtype));
      } else {
        inputs.push({ name, dtype: t.dtype, shape: t.shape });
      }
      continue;
    }
    const def = opTable[t.op];
    names.set(t.id, def.emit(emitter, t.inputs.map((x) => names.get(x.id)), t));
  }
  const producers = /* @__PURE__ */ new Map();
  for (const node of nodes) producers.set(node.output[0], node);
  const renamed = /* @__PURE__ */ new Map();
  const outSpecs = Object.entries(outputs).map(([name, t]) => {
    if (leafNames.has(name)) throw new GraphError(`output '${name}' has the name of an input (${leafNames.get(name).site})`);
    const value = names.get(t.id);
    if (producers.has(value) && !renamed.has(value)) renamed.set(value, name);
    else nodes.push({ opType: "Identity", input: [renamed.get(value) ?? value], output: [name], name: `out_${name}` });
    return { name, dtype: t.dtype, shape: t.shape };
  });
  for (const node of nodes) {
    node.input = node.input.map((v) => renamed.get(v) ?? v);
    node.output = node.output.map((v) => renamed.get(v) ?? v);
  }
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: "rewardranker-engine",
    opsetImport: [{ domain: "", version: OPSET }],
    graph: {
      name: options.name ?? "program",
      node: nodes,
      initializer: initializers,
      input: inputs.map(valueInfo),
      output: outSpecs.map(valueInfo)
    }
  });
  const bytes = onnx.ModelProto.encode(model).finish();
  const optimization = options.optimization ?? "all";
  const key = createHash2("sha256").update(bytes).update(optimization).digest("hex");
  return { bytes, key, inputs, outputs: outSpecs, optimization };
}

// core/engine/trainer.ts
var trainers = 0;
var Trainer = class _Trainer {
  constructor(engine2, spec, prefix, programs) {
    this.engine = engine2;
    this.spec = spec;
    this.prefix = prefix;
    this.programs = programs;
    this.names = Object.keys(spec.params).filter((n) => spec.params[n].trainable !== false);
  }
  engine;
  spec;
  prefix;
  programs;
  names;
  step = 0;
  static async create(engine2, spec) {
    const cfg2 = { ...defaultAdamW, ...spec.optimizer };
    const frozen = /* @__PURE__ */ new Map();
    const p = {};
    for (const [name, s] of Object.entries(spec.params)) {
      p[name] = param(name, s.shape);
      if (s.trainable === false) frozen.set(name, s.init);
    }
    const x = {};
    for (const [name, s] of Object.entries(spec.inputs)) x[name] = input(name, s.shape, s.dtype);
    const trainable = Object.keys(spec.params).filter((n) => spec.params[n].trainable !== false);
    const decays = (n) => spec.params[n].decay ?? spec.params[n].shape.length >= 2;
    const loss = spec.loss(p, x);
    const grads = grad(loss, trainable.map((n) => p[n]));
    const opt = adamw(
      trainable.map((n, i) => ({ name: n, value: p[n], grad: grads[i], decay: decays(n) })),
      cfg2
    );
    const updateOutputs = () => {
      const out = { gradNorm: opt.gradNorm };
      for (const [n, [np, m, v]] of opt.updates) Object.assign(out, { [`new.p.${n}`]: np, [`new.m.${n}`]: m, [`new.v.${n}`]: v });
      return out;
    };
    const fused = emitProgram({ loss, ...updateOutputs() }, { frozen, name: "train_step" });
    const gradOut = Object.fromEntries(trainable.map((n, i) => [`g.${n}`, grads[i]]));
    const gradsProgram = emitProgram({ loss, ...gradOut }, { frozen, name: "grads" });
    const accOut = Object.fromEntries(trainable.map((n, i) => [`g.${n}`, add(input(`acc.${n}`, spec.params[n].shape), grads[i])]));
    const accumulate = emitProgram({ loss, ...accOut }, { frozen, name: "accumulate" });
    const scale = input("gradScale", []);
    const applyParams = trainable.map((n) => ({
      name: n,
      value: param(n, spec.params[n].shape),
      grad: mul(input(`acc.${n}`, spec.params[n].shape), scale),
      decay: decays(n)
    }));
    const applyOpt = adamw(applyParams, cfg2);
    const applyOut = { gradNorm: applyOpt.gradNorm };
    for (const [n, [np, m, v]] of applyOpt.updates) Object.assign(applyOut, { [`new.p.${n}`]: np, [`new.m.${n}`]: m, [`new.v.${n}`]: v });
    const apply2 = emitProgram(applyOut, { name: "apply" });
    const t = new _Trainer(engine2, spec, `trainer${trainers++}/`, { fused, grads: gradsProgram, accumulate, apply: apply2 });
    await Promise.all([fused, gradsProgram, accumulate, apply2].map((prog) => engine2.load(prog)));
    const initial = {};
    for (const n of trainable) {
      const s = spec.params[n];
      initial[`p.${n}`] = { dtype: "float32", dims: s.shape, data: s.init.slice() };
      initial[`m.${n}`] = { dtype: "float32", dims: s.shape, data: new Float32Array(s.init.length) };
      initial[`v.${n}`] = { dtype: "float32", dims: s.shape, data: new Float32Array(s.init.length) };
    }
    await t.putState(initial);
    return t;
  }
  get stepCount() {
    return this.step;
  }
  resident(key) {
    return { resident: this.prefix + key };
  }
  async putState(tensors) {
    await this.engine.put(Object.fromEntries(Object.entries(tensors).map(([k, v]) => [this.prefix + k, v])));
  }
  stateFeeds() {
    const feeds = {};
    for (const n of this.names) {
      feeds[n] = this.resident(`p.${n}`);
      feeds[`m.${n}`] = this.resident(`m.${n}`);
      feeds[`v.${n}`] = this.resident(`v.${n}`);
    }
    return feeds;
  }
  stateKeep() {
    const keep = {};
    for (const n of this.names) for (const k of ["p", "m", "v"]) keep[`new.${k}.${n}`] = `${this.prefix}${k}.${n}`;
    return keep;
  }
  scalars(lr) {
    return {
      lr: { dtype: "float32", dims: [], data: Float32Array.of(lr) },
      step: { dtype: "float32", dims: [], data: Float32Array.of(this.step) }
    };
  }
  /**
   * One optimizer step at learning rate `lr`. Several batches are micro-batches: their gradients are averaged
   * (each loss is a mean, so equal-sized micro-batches give the gradient of the whole batch).
   */
  async trainStep(batch, lr) {
    const micro = Array.isArray(batch) ? batch : [batch];
    if (micro.length === 0) throw new Error("trainStep: no batches");
    this.step++;
    if (micro.length === 1) {
      const out2 = await this.engine.run(this.programs.fused, {
        feeds: { ...micro[0], ...this.stateFeeds(), ...this.scalars(lr) },
        keep: this.stateKeep(),
        fetch: ["loss", "gradNorm"]
      });
      return { loss: out2.loss.data[0], gradNorm: out2.gradNorm.data[0] };
    }
    let loss = 0;
    const params = Object.fromEntries(this.names.map((n) => [n, this.resident(`p.${n}`)]));
    const accKeep = Object.fromEntries(this.names.map((n) => [`g.${n}`, `${this.prefix}acc.${n}`]));
    for (let i = 0; i < micro.length; i++) {
      const acc2 = i === 0 ? {} : Object.fromEntries(this.names.map((n) => [`acc.${n}`, this.resident(`acc.${n}`)]));
      const out2 = await this.engine.run(i === 0 ? this.programs.grads : this.programs.accumulate, {
        feeds: { ...micro[i], ...params, ...acc2 },
        keep: accKeep,
        fetch: ["loss"]
      });
      loss += out2.loss.data[0];
    }
    const acc = Object.fromEntries(this.names.map((n) => [`acc.${n}`, this.resident(`acc.${n}`)]));
    const out = await this.engine.run(this.programs.apply, {
      feeds: {
        ...this.stateFeeds(),
        ...acc,
        ...this.scalars(lr),
        gradScale: { dtype: "float32", dims: [], data: Float32Array.of(1 / micro.length) }
      },
      keep: this.stateKeep(),
      fetch: ["gradNorm"]
    });
    await this.engine.drop(this.names.map((n) => `${this.prefix}acc.${n}`));
    return { loss: loss / micro.length, gradNorm: out.gradNorm.data[0] };
  }
  /** Current trainable parameters (copied out of the worker). */
  async parameters() {
    const got = await this.engine.get(this.names.map((n) => `${this.prefix}p.${n}`));
    return Object.fromEntries(this.names.map((n) => [n, got[`${this.prefix}p.${n}`]]));
  }
  /** Feeds naming this trainer's resident parameters, for other programs (evaluation, decoding) on the same engine. */
  parameterFeeds() {
    return Object.fromEntries(this.names.map((n) => [n, this.resident(`p.${n}`)]));
  }
  async state() {
    const keys = this.names.flatMap((n) => [`p.${n}`, `m.${n}`, `v.${n}`]);
    const got = await this.engine.get(keys.map((k) => this.prefix + k));
    const tensors = {};
    for (const k of keys) tensors[k.startsWith("p.") ? k.slice(2) : k] = got[this.prefix + k];
    return { step: this.step, tensors };
  }
  /** Restores a state saved by state(); every trainable tensor must be present with its shape. */
  async restore(state, source = "state") {
    const put = {};
    for (const n of this.names) {
      const shape = this.spec.params[n].shape;
      for (const [key, dest] of [[n, `p.${n}`], [`m.${n}`, `m.${n}`], [`v.${n}`, `v.${n}`]]) {
        const t = state.tensors[key];
        if (!t) throw new Error(`${source}: tensor '${key}' is missing`);
        if (t.dtype !== "float32" || t.dims.join() !== shape.join()) {
          throw new Error(`${source}: tensor '${key}' is ${t.dtype}[${t.dims}], expected float32[${shape}]`);
        }
        put[dest] = t;
      }
    }
    await this.putState(put);
    this.step = state.step;
  }
  /** Programs for evaluation with the same params: forward only, loss as output. */
  evalProgram() {
    const p = {};
    const frozen = /* @__PURE__ */ new Map();
    for (const [name, s] of Object.entries(this.spec.params)) {
      p[name] = param(name, s.shape);
      if (s.trainable === false) frozen.set(name, s.init);
    }
    const x = {};
    for (const [name, s] of Object.entries(this.spec.inputs)) x[name] = input(name, s.shape, s.dtype);
    return emitProgram({ loss: this.spec.loss(p, x) }, { frozen, name: "eval" });
  }
  async evaluate(batch) {
    const out = await this.engine.run(this.evalProgramCached(), { feeds: { ...batch, ...this.parameterFeeds() }, fetch: ["loss"] });
    return out.loss.data[0];
  }
  cachedEval = null;
  evalProgramCached() {
    this.cachedEval ??= this.evalProgram();
    return this.cachedEval;
  }
};

// core/models/programs.ts
function modelOfTrainer(trainer, config, heads, shapes, frozenFeeds = {}) {
  return { config, heads, shapes, feeds: { ...frozenFeeds, ...trainer.parameterFeeds() } };
}
function paramTensors(shapes) {
  return Object.fromEntries(Object.entries(shapes).map(([n, s]) => [n, param(n, s)]));
}
function cacheOutputs(cache) {
  const out = {};
  cache.forEach((c, l) => Object.assign(out, { [`present.${l}.k`]: c.k, [`present.${l}.v`]: c.v }));
  return out;
}
var cached = /* @__PURE__ */ new Map();
function memo(kind, model, build) {
  const key = `${kind}:${JSON.stringify(model.config)}:${JSON.stringify(model.shapes)}`;
  let p = cached.get(key);
  if (!p) {
    p = build();
    cached.set(key, p);
  }
  return p;
}
function prefillProgram(model) {
  return memo("prefill", model, () => {
    const p = paramTensors(model.shapes);
    const idx = input("idx", ["B", "T"], "int64");
    const { hidden, cache } = transformerHidden(model.config, p, idx, { pos: input("pos", ["B", "T"], "int64"), keyMask: input("key_mask", ["B", "T"]) });
    const last = gather(transpose(hidden, [1, 0, 2]), input("last", [1], "int64"));
    return emitProgram({ logits: lmLogits(model.config, p, last), ...cacheOutputs(cache) }, { name: "prefill" });
  });
}
function decodeProgram(model) {
  return memo("decode", model, () => {
    const p = paramTensors(model.shapes);
    const { idx, pos, keyMask, past } = decodeInputs(model.config);
    const { hidden, cache } = transformerHidden(model.config, p, idx, { pos, keyMask, past });
    return emitProgram({ logits: lmLogits(model.config, p, hidden), ...cacheOutputs(cache) }, { name: "decode" });
  });
}

// core/models/sampling.ts
import { z as z7 } from "zod";
var samplingConfigSchema = z7.object({
  n: z7.number().int().positive().default(8).describe("samples per prompt"),
  temperature: z7.number().nonnegative().default(1).describe("softmax temperature; 0 picks the most likely token"),
  topP: z7.number().gt(0).lte(1).default(1).describe("nucleus sampling: smallest set of tokens whose probability reaches topP"),
  topK: z7.number().int().nonnegative().default(0).describe("keep only the k most likely tokens; 0 keeps all"),
  maxNewTokens: z7.number().int().positive().default(64).describe("tokens generated at most per sample"),
  stop: z7.array(z7.string().min(1)).default([]).describe("stop sequences (MultiPL-E's stop_tokens): the completion ends before the first one"),
  seed: z7.number().int().nonnegative().default(0).describe("the same seed, model and prompts give the same samples"),
  rowsPerBatch: z7.number().int().positive().default(64).describe("rows decoded together (prompts x n, whole prompts per batch)")
}).strict();
function rowSeed(seed, prompt, sample) {
  let h = 2166136261;
  for (const v of [seed, prompt, sample]) {
    h = Math.imul(h ^ v >>> 0, 16777619) >>> 0;
    h ^= h >>> 16;
    h = Math.imul(h, 2246822507) >>> 0;
    h ^= h >>> 13;
  }
  return h >>> 0;
}
function drawToken(logits, cfg2, rng) {
  const V = logits.length;
  const t = cfg2.temperature > 0 ? cfg2.temperature : 1;
  let max = -Infinity;
  for (let v = 0; v < V; v++) if (logits[v] > max) max = logits[v];
  const probs = new Float64Array(V);
  let z9 = 0;
  for (let v = 0; v < V; v++) {
    probs[v] = Math.exp((logits[v] - max) / t);
    z9 += probs[v];
  }
  const logprobOf = (tok2) => (logits[tok2] - max) / t - Math.log(z9);
  if (cfg2.temperature === 0) {
    let best = 0;
    for (let v = 1; v < V; v++) if (logits[v] > logits[best]) best = v;
    return { token: best, logprob: logprobOf(best) };
  }
  let candidates = null;
  if (cfg2.topK > 0 || cfg2.topP < 1) {
    const order = Array.from({ length: V }, (_, i) => i).sort((a, b) => probs[b] - probs[a] || a - b);
    let keep = cfg2.topK > 0 ? Math.min(cfg2.topK, V) : V;
    if (cfg2.topP < 1) {
      let mass = 0;
      for (let i = 0; i < keep; i++) {
        mass += probs[order[i]] / z9;
        if (mass >= cfg2.topP) {
          keep = i + 1;
          break;
        }
      }
    }
    candidates = order.slice(0, keep);
  }
  const pool = candidates ?? null;
  let total = 0;
  if (pool) for (const v of pool) total += probs[v];
  else total = z9;
  let r = rng.uniform() * total;
  const list = pool ?? Array.from({ length: V }, (_, i) => i);
  let token = list[list.length - 1];
  for (const v of list) {
    r -= probs[v];
    if (r < 0) {
      token = v;
      break;
    }
  }
  return { token, logprob: logprobOf(token) };
}
var batches = 0;
async function sampleTokens(engine2, model, tokenizer, special2, prompts, config, options = {}) {
  const { n } = config;
  const perBatch = Math.max(1, Math.floor(config.rowsPerBatch / n));
  const out = [];
  const prefill = prefillProgram(model);
  const decode = decodeProgram(model);
  for (let first = 0; first < prompts.length; first += perBatch) {
    const group = prompts.slice(first, first + perBatch).map((tokens, i) => ({ index: first + i, tokens }));
    out.push(...await sampleBatch(engine2, model, tokenizer, special2, group, config, prefill, decode));
    options.onProgress?.({ done: Math.min(first + perBatch, prompts.length), total: prompts.length });
  }
  return out;
}
async function sampleBatch(engine2, model, tokenizer, special2, group, config, prefill, decode) {
  const cfg2 = model.config;
  const n = config.n;
  const rows = group.flatMap((g) => Array.from({ length: n }, (_, s) => ({ prompt: g.index, sample: s, tokens: g.tokens })));
  const B = rows.length;
  const T = Math.max(...rows.map((r) => r.tokens.length));
  const maxNew = Math.min(config.maxNewTokens, cfg2.maxSeqLen - T);
  if (maxNew <= 0) throw new Error(`sampling: a prompt of ${T} tokens leaves no room in the model's ${cfg2.maxSeqLen} positions`);
  const idx = new BigInt64Array(B * T);
  const pos = new BigInt64Array(B * T);
  const S = T + maxNew;
  const keyMask = new Float32Array(B * S);
  const nextPos = [];
  rows.forEach((r, b) => {
    const pad = T - r.tokens.length;
    for (let t = 0; t < T; t++) {
      const real = t >= pad;
      idx[b * T + t] = BigInt(real ? r.tokens[t - pad] : special2.pad);
      pos[b * T + t] = BigInt(real ? t - pad : 0);
      keyMask[b * S + t] = real ? 1 : 0;
    }
    nextPos.push(r.tokens.length);
  });
  const maskUpTo = (len) => {
    const data = new Float32Array(B * len);
    for (let b = 0; b < B; b++) data.set(keyMask.subarray(b * S, b * S + len), b * len);
    return { dtype: "float32", dims: [B, len], data };
  };
  const prefix = `sample${batches++}/`;
  const keep = {};
  const pastFeeds = {};
  for (let l = 0; l < cfg2.nLayer; l++) {
    for (const kv of ["k", "v"]) {
      keep[`present.${l}.${kv}`] = `${prefix}past.${l}.${kv}`;
      pastFeeds[`past.${l}.${kv}`] = { resident: `${prefix}past.${l}.${kv}` };
    }
  }
  let result = await engine2.run(prefill, {
    feeds: {
      ...model.feeds,
      idx: { dtype: "int64", dims: [B, T], data: idx },
      pos: { dtype: "int64", dims: [B, T], data: pos },
      key_mask: maskUpTo(T),
      last: { dtype: "int64", dims: [1], data: BigInt64Array.of(BigInt(T - 1)) }
    },
    keep,
    fetch: ["logits"]
  });
  const rngs = rows.map((r) => new Rng2(rowSeed(config.seed, r.prompt, r.sample)));
  const samples2 = rows.map((r) => ({ prompt: r.prompt, sample: r.sample, tokens: [], logprobs: [], text: "", finish: "length" }));
  const done = new Array(B).fill(false);
  const V = cfg2.vocabSize;
  try {
    for (let step = 0; step < maxNew; step++) {
      const logits = result.logits.data;
      const drawn = new BigInt64Array(B);
      for (let b = 0; b < B; b++) {
        if (done[b]) {
          drawn[b] = BigInt(special2.pad);
          continue;
        }
        const { token, logprob } = drawToken(logits.subarray(b * V, (b + 1) * V), config, rngs[b]);
        const s = samples2[b];
        s.tokens.push(token);
        s.logprobs.push(logprob);
        drawn[b] = BigInt(token);
        if (token === special2.eos) {
          s.finish = "eos";
          done[b] = true;
          continue;
        }
        const text = tokenizer.decode(s.tokens);
        const cut = firstStop(text, config.stop);
        s.text = cut === null ? text : text.slice(0, cut);
        if (cut !== null) {
          s.finish = "stop";
          done[b] = true;
        }
      }
      if (done.every(Boolean) || step === maxNew - 1) break;
      const p = new BigInt64Array(B);
      for (let b = 0; b < B; b++) {
        keyMask[b * S + T + step] = 1;
        p[b] = BigInt(nextPos[b]++);
      }
      result = await engine2.run(decode, {
        feeds: {
          ...model.feeds,
          ...pastFeeds,
          idx: { dtype: "int64", dims: [B, 1], data: drawn },
          pos: { dtype: "int64", dims: [B, 1], data: p },
          key_mask: maskUpTo(T + step + 1)
        },
        keep,
        fetch: ["logits"]
      });
    }
  } finally {
    await engine2.drop(Object.values(keep));
  }
  return samples2;
}
function firstStop(text, stops) {
  let best = null;
  for (const s of stops) {
    const i = text.indexOf(s);
    if (i >= 0 && (best === null || i < best)) best = i;
  }
  return best;
}
function promptTokens(tokenizer, special2, prompt) {
  return [special2.bos, ...tokenizer.encode(prompt)];
}

// core/train/batches.ts
var EpochOrder = class {
  constructor(count, seed) {
    this.count = count;
    this.seed = seed;
    if (count === 0) throw new Error("training: no examples");
  }
  count;
  seed;
  perms = /* @__PURE__ */ new Map();
  perm(epoch) {
    let p = this.perms.get(epoch);
    if (!p) {
      const rng = new Rng2(this.seed * 1000003 + epoch * 7919 + 1 >>> 0);
      p = Uint32Array.from({ length: this.count }, (_, i) => i);
      for (let i = p.length - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        [p[i], p[j]] = [p[j], p[i]];
      }
      this.perms.clear();
      this.perms.set(epoch, p);
    }
    return p;
  }
  /** Indices of the examples in batch `step` (0-based): consecutive slices of per-epoch shuffles. */
  batch(step, size) {
    const out = [];
    for (let i = step * size; i < (step + 1) * size; i++) out.push(this.perm(Math.floor(i / this.count))[i % this.count]);
    return out;
  }
};
var i64 = (values, dims) => ({ dtype: "int64", dims, data: BigInt64Array.from(Array.from(values), BigInt) });
var f32 = (values, dims) => ({ dtype: "float32", dims, data: Float32Array.from(values) });

// core/train/sft-config.ts
import { z as z8 } from "zod";
var sftConfigSchema = z8.object({
  steps: z8.number().int().positive().default(170).describe("optimizer steps (the budget is fixed in steps, never in time)"),
  batchSize: z8.number().int().positive().default(64).describe("sequences per step"),
  microBatches: z8.number().int().positive().default(1).describe("split each batch into this many micro-batches (gradient accumulation)"),
  lr: z8.number().positive().default(2e-3).describe("peak learning rate"),
  minLr: z8.number().nonnegative().default(2e-4).describe("learning rate at the end of the cosine decay"),
  warmupSteps: z8.number().int().nonnegative().default(10).describe("linear warm-up steps"),
  weightDecay: z8.number().nonnegative().default(0.1).describe("AdamW weight decay (matrices only)"),
  clipNorm: z8.number().positive().default(1).describe("clip the global gradient norm to this"),
  seed: z8.number().int().nonnegative().default(0).describe("data order (and initial weights of a from-scratch model)"),
  maxLength: z8.number().int().positive().default(256).describe("longest training sequence in tokens; longer examples are cut"),
  checkpointEvery: z8.number().int().nonnegative().default(0).describe("steps between checkpoints (0: only at the end, when a file is given)")
}).strict();

// core/train/sft-trainer.ts
function sftExample(tokenizer, special2, prompt, solution, maxLength) {
  const p = promptTokens(tokenizer, special2, prompt);
  const tokens = [...p, ...tokenizer.encode(solution), special2.eos].slice(0, maxLength);
  return { tokens, promptLength: p.length };
}
function sftBatch(examples, pad) {
  const T = Math.max(...examples.map((e) => e.tokens.length)) - 1;
  const B = examples.length;
  const idx = new Array(B * T).fill(pad);
  const targets = new Array(B * T).fill(pad);
  const mask = new Array(B * T).fill(0);
  examples.forEach((e, b) => {
    for (let t = 0; t + 1 < e.tokens.length; t++) {
      idx[b * T + t] = e.tokens[t];
      targets[b * T + t] = e.tokens[t + 1];
      mask[b * T + t] = t + 1 >= e.promptLength ? 1 : 0;
    }
  });
  return { idx: i64(idx, [B, T]), targets: i64(targets, [B, T]), mask: f32(mask, [B, T]) };
}
async function evaluateLoss(trainer, examples, batchSize, pad) {
  let total = 0;
  let tokens = 0;
  for (let i = 0; i < examples.length; i += batchSize) {
    const slice2 = examples.slice(i, i + batchSize);
    const n = slice2.reduce((s, e) => s + e.tokens.length - e.promptLength, 0);
    total += await trainer.evaluate(sftBatch(slice2, pad)) * n;
    tokens += n;
  }
  return tokens === 0 ? null : total / tokens;
}
async function trainSft(engine2, init, tokenizer, data, configInput, options = {}) {
  const config = sftConfigSchema.parse(configInput);
  const special2 = specialIds(tokenizer);
  const cfg2 = init.config;
  if (tokenizer.vocabSize > cfg2.vocabSize) {
    throw new Error(`${tokenizer.source}: the tokenizer has ${tokenizer.vocabSize} tokens, the model's vocabulary ${cfg2.vocabSize}`);
  }
  const toExamples = (problems2) => problems2.filter((p) => p.canonical_solution !== null).map((p) => sftExample(tokenizer, special2, p.prompt, p.canonical_solution, Math.min(config.maxLength, cfg2.maxSeqLen + 1)));
  const train2 = toExamples(data.train);
  const heldout2 = toExamples(data.heldout);
  if (train2.length === 0) throw new Error("SFT: no training problem has a reference solution");
  const heads = ["lm"];
  const specs = transformerParams(cfg2, heads, config.seed);
  if (init.tensors) {
    for (const [name, s] of Object.entries(specs)) {
      const t = init.tensors[name];
      if (!t) throw new Error(`SFT: the initial weights have no tensor '${name}'`);
      s.init = t.data;
    }
  }
  const trainer = await Trainer.create(engine2, {
    params: specs,
    inputs: lmLossInputs,
    loss: (p, x) => lmLoss(cfg2, p, x),
    optimizer: { weightDecay: config.weightDecay, clipNorm: config.clipNorm }
  });
  if (options.checkpoint && existsSync4(options.checkpoint)) await loadCheckpoint(options.checkpoint, trainer);
  const order = new EpochOrder(train2.length, config.seed);
  const losses = [];
  let tokens = 0;
  const started = performance.now();
  const save = async () => {
    if (options.checkpoint) await saveCheckpoint(options.checkpoint, trainer, void 0, { config: JSON.stringify(cfg2), trainer: "sft" });
  };
  for (let step = trainer.stepCount; step < config.steps; step++) {
    const batch = order.batch(step, config.batchSize).map((i) => train2[i]);
    const per = Math.ceil(batch.length / config.microBatches);
    const micro = Array.from({ length: config.microBatches }, (_, m) => sftBatch(batch.slice(m * per, (m + 1) * per), special2.pad));
    const lr = warmupCosine(step + 1, { peak: config.lr, min: config.minLr, warmup: config.warmupSteps, total: config.steps });
    const { loss } = await trainer.trainStep(micro.length === 1 ? micro[0] : micro, lr);
    losses.push(loss);
    tokens += batch.reduce((s, e) => s + e.tokens.length, 0);
    options.onProgress?.({ done: step + 1, total: config.steps, loss });
    if (config.checkpointEvery > 0 && (step + 1) % config.checkpointEvery === 0) await save();
  }
  await save();
  const seconds = (performance.now() - started) / 1e3;
  const tail = losses.slice(-Math.max(1, Math.floor(losses.length / 10)));
  return {
    trainer,
    specs,
    model: modelOfTrainer(trainer, cfg2, heads, Object.fromEntries(Object.entries(specs).map(([n, s]) => [n, s.shape]))),
    metrics: {
      steps: config.steps,
      trainLoss: tail.length ? tail.reduce((a, b) => a + b, 0) / tail.length : NaN,
      heldoutLoss: await evaluateLoss(trainer, heldout2, config.batchSize, special2.pad),
      losses,
      tokensPerSecond: seconds > 0 ? tokens / seconds : 0,
      seconds
    }
  };
}

// core/sandbox/availability.ts
import { accessSync, constants, existsSync as existsSync6 } from "node:fs";
import { isAbsolute, join as join5 } from "node:path";

// core/sandbox/isolation/bwrap-args.ts
import { existsSync as existsSync5, lstatSync, readlinkSync } from "node:fs";

// core/sandbox/isolation/types.ts
var SANDBOX_WORK_DIR = "/tmp";

// core/sandbox/isolation/bwrap-args.ts
var BWRAP = "/usr/bin/bwrap";
var SANDBOX_UID = 65534;
var SANDBOX_PATH = "/usr/bin:/bin:/usr/local/bin";
function baseEnv(extra = {}) {
  return {
    PATH: SANDBOX_PATH,
    HOME: SANDBOX_WORK_DIR,
    TMPDIR: SANDBOX_WORK_DIR,
    LANG: "C.UTF-8",
    LC_ALL: "C.UTF-8",
    ...extra
  };
}
var SYSTEM_DIRS = ["/usr", "/etc", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"];
function systemBinds() {
  const args2 = [];
  for (const dir of SYSTEM_DIRS) {
    if (!existsSync5(dir)) continue;
    const stat = lstatSync(dir);
    if (stat.isSymbolicLink()) args2.push("--symlink", readlinkSync(dir), dir);
    else if (stat.isDirectory()) args2.push("--ro-bind", dir, dir);
  }
  return args2;
}
var cachedSystemBinds = null;
function bwrapArgs(options) {
  cachedSystemBinds ??= systemBinds();
  const args2 = ["--unshare-all", "--unshare-user", "--disable-userns", "--die-with-parent", "--new-session"];
  args2.push("--hostname", "sandbox", ...cachedSystemBinds);
  for (const path of options.readOnlyPaths) if (existsSync5(path)) args2.push("--ro-bind", path, path);
  args2.push("--proc", "/proc", "--dev", "/dev");
  if (options.hostWorkDir) args2.push("--bind", options.hostWorkDir, SANDBOX_WORK_DIR);
  else args2.push("--size", String(options.tempDirBytes), "--tmpfs", SANDBOX_WORK_DIR);
  args2.push(...options.extra ?? [], "--remount-ro", "/dev", "--remount-ro", "/");
  args2.push("--chdir", SANDBOX_WORK_DIR, "--clearenv");
  for (const [key, value] of Object.entries(options.env)) args2.push("--setenv", key, value);
  args2.push("--");
  return args2;
}
function dropRoot() {
  return process.getuid?.() === 0 ? { uid: SANDBOX_UID, gid: SANDBOX_UID } : {};
}

// core/sandbox/availability.ts
function found(executable) {
  if (isAbsolute(executable)) return existsSync6(executable);
  return SANDBOX_PATH.split(":").some((dir) => {
    try {
      accessSync(join5(dir, executable), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
var memo2 = /* @__PURE__ */ new WeakMap();
function availability(language) {
  const known = memo2.get(language);
  if (known) return known;
  const missing = language.executables.filter((e) => !found(e));
  const result = {
    id: language.id,
    displayName: language.displayName,
    available: missing.length === 0,
    missing,
    packages: [...language.debianPackages]
  };
  memo2.set(language, result);
  return result;
}
function unavailableMessage(a) {
  return `${a.displayName} is unavailable: ${a.missing.join(", ")} not found (install the Debian package${a.packages.length > 1 ? "s" : ""} ${a.packages.join(" ")})`;
}

// core/sandbox/classify.ts
function classifyExit(outcome, rules = {}) {
  const verdict2 = (status) => ({ status, testsPassed: null, testsTotal: null });
  if (outcome.exitCode === 0 && outcome.signal === null) return verdict2("OK");
  const stderr = outcome.stderr.text;
  if (rules.memoryError?.test(stderr)) return verdict2("MemoryLimit");
  if (rules.syntaxError) {
    if (rules.syntaxError.test(stderr)) return verdict2("SyntaxError");
    if (rules.syntaxErrorInStdout && rules.syntaxError.test(outcome.stdout.text)) return verdict2("SyntaxError");
  }
  return verdict2("Exception");
}
function classifyCompile(outcome) {
  const ok = outcome.exitCode === 0 && outcome.signal === null;
  return { status: ok ? "OK" : "SyntaxError", testsPassed: null, testsTotal: null };
}

// core/sandbox/isolation/capture.ts
var CappedCapture = class {
  constructor(cap, stream, onBytes) {
    this.cap = cap;
    stream?.on("data", (chunk) => {
      this.total += chunk.length;
      const room = this.cap - this.keptBytes;
      if (room > 0) {
        const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
        this.kept.push(Buffer.from(part));
        this.keptBytes += part.length;
      }
      onBytes(chunk.length);
    });
  }
  cap;
  kept = [];
  keptBytes = 0;
  total = 0;
  result() {
    return capturedFrom(Buffer.concat(this.kept), this.total);
  }
};
function capturedFrom(kept2, total) {
  let end = kept2.length;
  if (total > kept2.length) {
    let i = end - 1;
    while (i >= 0 && i > end - 4 && (kept2[i] & 192) === 128) i--;
    if (i >= 0) {
      const lead = kept2[i];
      const need = lead >= 240 ? 4 : lead >= 224 ? 3 : lead >= 192 ? 2 : 1;
      if (end - i < need) end = i;
    }
  }
  return { text: kept2.subarray(0, end).toString("utf8"), bytes: total, truncated: total > kept2.length };
}

// core/sandbox/isolation/index.ts
import { spawnSync } from "node:child_process";
import { existsSync as existsSync8, readFileSync as readFileSync7 } from "node:fs";

// core/sandbox/limits.ts
var DEFAULT_LIMITS = Object.freeze({
  timeoutMs: 1e4,
  memoryBytes: 2 * 1024 ** 3,
  outputBytes: 2048,
  outputHardCapBytes: 16 * 1024 ** 2,
  fileSizeBytes: 64 * 1024 ** 2,
  tempDirBytes: 256 * 1024 ** 2,
  openFiles: 1024,
  processes: 512
});
var DEFAULT_COMPILE_LIMITS = Object.freeze({ ...DEFAULT_LIMITS, timeoutMs: 6e4 });
function resolveLimits(partial = {}, base = DEFAULT_LIMITS) {
  const limits = { ...base, ...partial };
  for (const [key, value] of Object.entries(limits)) {
    if (!Number.isFinite(value) || value <= 0) throw new Error(`limits.${key}: expected a positive number, got ${value}`);
  }
  return limits;
}
function limitsKey(limits) {
  return Object.keys(limits).sort().map((k) => `${k}=${limits[k]}`).join(",");
}

// core/sandbox/isolation/direct.ts
import { spawn } from "node:child_process";
import { chownSync, mkdirSync as mkdirSync2, mkdtempSync as mkdtempSync2, readFileSync as readFileSync6, rmSync as rmSync2, writeFileSync as writeFileSync5, existsSync as existsSync7 } from "node:fs";
import { tmpdir as tmpdir2 } from "node:os";
import { dirname as dirname6, join as join6, normalize, isAbsolute as isAbsolute2 } from "node:path";
var PRLIMIT = "/usr/bin/prlimit";
function cpuSeconds(limits) {
  return Math.floor(limits.timeoutMs / 1e3) + 1;
}
function checkedRelative(path) {
  const clean = normalize(path);
  if (isAbsolute2(clean) || clean.startsWith("..")) throw new Error(`sandbox file '${path}' must be relative and stay inside the temp dir`);
  return clean;
}
function rlimitArgs(job) {
  const l = job.limits;
  const args2 = [
    `--cpu=${cpuSeconds(l)}:${cpuSeconds(l) + 1}`,
    `--fsize=${l.fileSizeBytes}`,
    `--nofile=${l.openFiles}`,
    `--nproc=${l.processes}`,
    "--core=0"
  ];
  if (job.addressSpaceLimit) args2.push(`--as=${job.addressSpaceBytes ?? l.memoryBytes}`);
  return args2;
}
function shellUlimits(job) {
  const l = job.limits;
  const parts2 = [`ulimit -t ${cpuSeconds(l)}`, `ulimit -f ${Math.floor(l.fileSizeBytes / 512)}`, `ulimit -n ${l.openFiles}`];
  if (job.addressSpaceLimit) parts2.push(`ulimit -v ${Math.floor((job.addressSpaceBytes ?? l.memoryBytes) / 1024)}`);
  return parts2.join(" && ");
}
function writeHostFiles(dir, files, owner) {
  for (const file of files) {
    const path = join6(dir, checkedRelative(file.path));
    mkdirSync2(dirname6(path), { recursive: true });
    writeFileSync5(path, file.content, { mode: file.executable ? 493 : 420 });
    if (owner.uid !== void 0) chownSync(path, owner.uid, owner.gid ?? owner.uid);
  }
}
function collectHostFiles(dir, names) {
  const out = {};
  for (const name of names ?? []) {
    const path = join6(dir, checkedRelative(name));
    if (existsSync7(path)) out[name] = readFileSync6(path);
  }
  return out;
}
function sandboxRoot() {
  const root = join6(tmpdir2(), `rewardranker-sandbox-${process.getuid?.() ?? "user"}`);
  mkdirSync2(root, { recursive: true, mode: 457 });
  return root;
}
async function runDirect(job, options) {
  const started = performance.now();
  const env2 = baseEnv(job.env);
  const needHostDir = options.mechanism === "process-group" || (job.collect?.length ?? 0) > 0;
  const owner = options.mechanism === "bubblewrap" ? dropRoot() : {};
  let hostDir = null;
  let command;
  let args2;
  const fileStreams = [];
  try {
    if (needHostDir) {
      hostDir = mkdtempSync2(join6(sandboxRoot(), "job-"));
      if (owner.uid !== void 0) chownSync(hostDir, owner.uid, owner.gid ?? owner.uid);
      writeHostFiles(hostDir, job.files, owner);
    }
    if (options.mechanism === "bubblewrap") {
      const extra = [];
      if (!hostDir) {
        const dirs = /* @__PURE__ */ new Set();
        job.files.forEach((file, i) => {
          const rel = checkedRelative(file.path);
          for (let d = dirname6(rel); d !== "." && !dirs.has(d); d = dirname6(d)) dirs.add(d);
          extra.push("--perms", file.executable ? "0755" : "0644", "--file", String(3 + i), `${SANDBOX_WORK_DIR}/${rel}`);
          fileStreams.push(file);
        });
        const dirArgs = [...dirs].sort().flatMap((d) => ["--dir", `${SANDBOX_WORK_DIR}/${d}`]);
        extra.unshift(...dirArgs);
      }
      command = BWRAP;
      args2 = [
        ...bwrapArgs({ readOnlyPaths: options.readOnlyPaths, tempDirBytes: job.limits.tempDirBytes, hostWorkDir: hostDir ?? void 0, env: env2, extra }),
        PRLIMIT,
        ...rlimitArgs(job),
        "--",
        ...job.argv
      ];
    } else {
      command = "/bin/sh";
      args2 = ["-c", `${shellUlimits(job)} && exec "$@"`, "sh", ...job.argv];
      env2.HOME = hostDir;
      env2.TMPDIR = hostDir;
    }
  } catch (err) {
    if (hostDir) rmSync2(hostDir, { recursive: true, force: true });
    return failed(`cannot prepare the sandbox: ${err instanceof Error ? err.message : String(err)}`, started);
  }
  return await new Promise((resolve2) => {
    const child = spawn(command, args2, {
      cwd: hostDir ?? "/",
      env: options.mechanism === "bubblewrap" ? { PATH: process.env.PATH ?? "/usr/bin:/bin" } : env2,
      stdio: ["ignore", "pipe", "pipe", ...fileStreams.map(() => "pipe")],
      detached: options.mechanism === "process-group",
      ...owner
    });
    let timedOut = false;
    let outputLimitExceeded = false;
    let totalOut = 0;
    const killTree = () => {
      if (child.pid === void 0) return;
      try {
        if (options.mechanism === "process-group") process.kill(-child.pid, "SIGKILL");
        else child.kill("SIGKILL");
      } catch {
      }
    };
    const onBytes = (n) => {
      totalOut += n;
      if (totalOut > job.limits.outputHardCapBytes && !outputLimitExceeded) {
        outputLimitExceeded = true;
        killTree();
      }
    };
    const stdout = new CappedCapture(job.limits.outputBytes, child.stdout, onBytes);
    const stderr = new CappedCapture(job.limits.outputBytes, child.stderr, onBytes);
    fileStreams.forEach((file, i) => {
      const stream = child.stdio[3 + i];
      if (stream && "end" in stream) {
        stream.on("error", () => void 0);
        stream.end(file.content);
      }
    });
    const timer = setTimeout(() => {
      timedOut = true;
      killTree();
    }, job.limits.timeoutMs);
    let spawnError = null;
    child.on("error", (err) => {
      spawnError = err.message;
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (options.mechanism === "process-group") killTree();
      const collected = hostDir && code === 0 ? collectHostFiles(hostDir, job.collect) : {};
      if (hostDir) rmSync2(hostDir, { recursive: true, force: true });
      const errText = stderr.result();
      const bwrapFailed = options.mechanism === "bubblewrap" && code === 1 && errText.text.startsWith("bwrap:");
      resolve2({
        exitCode: code,
        signal,
        timedOut,
        outputLimitExceeded,
        wallMs: performance.now() - started,
        cpuMs: null,
        stdout: stdout.result(),
        stderr: errText,
        collected,
        sandboxError: spawnError ? `cannot start ${command}: ${spawnError}` : bwrapFailed ? errText.text.trim() : null,
        supervisorLost: false
      });
    });
  });
}
function failed(message, started) {
  return {
    exitCode: null,
    signal: null,
    timedOut: false,
    outputLimitExceeded: false,
    wallMs: performance.now() - started,
    cpuMs: null,
    stdout: { text: "", bytes: 0, truncated: false },
    stderr: { text: "", bytes: 0, truncated: false },
    collected: {},
    sandboxError: message,
    supervisorLost: false
  };
}

// core/sandbox/isolation/warm-worker.ts
import { spawn as spawn2 } from "node:child_process";
import { createInterface } from "node:readline";

// core/sandbox/isolation/supervisor-py.ts
var SUPERVISOR_PY = String.raw`
import base64, errno, json, os, resource, select, signal, sys, time, traceback, types
# Imported once here so inline Python candidates start warm.
import builtins, collections, copy, decimal, fractions, functools, hashlib, heapq, bisect, itertools, math
import operator, random, re, statistics, string, typing, unittest, datetime

WORK = '/tmp'
PROTO_IN = sys.stdin.buffer
PROTO_OUT = sys.stdout.buffer
PREFIX = os.getpid()

try:
    import ctypes
    _libc = ctypes.CDLL(None, use_errno=True)
    _libc.prctl(36, 1, 0, 0, 0)   # PR_SET_CHILD_SUBREAPER: orphans come back to us to be reaped
    _libc.prctl(4, 0, 0, 0, 0)    # PR_SET_DUMPABLE 0: a candidate (same uid) can't ptrace us or open our fds
except Exception:
    pass


def wipe():
    for name in os.listdir(WORK):
        path = os.path.join(WORK, name)
        try:
            if os.path.isdir(path) and not os.path.islink(path):
                for root, dirs, files in os.walk(path, topdown=False):
                    for f in files:
                        os.unlink(os.path.join(root, f))
                    for d in dirs:
                        p = os.path.join(root, d)
                        if os.path.islink(p):
                            os.unlink(p)
                        else:
                            os.rmdir(p)
                os.rmdir(path)
            else:
                os.unlink(path)
        except OSError:
            try:
                os.chmod(path, 0o700)
            except OSError:
                pass


def kill_all(main_pid):
    # kill(-1) reaches every process of ours in this pid namespace except us and its init: the whole candidate
    # tree, setsid() escapees included. Zombies still count as signalled, so reap between rounds.
    main = None
    for _ in range(2000):
        try:
            os.kill(-1, signal.SIGKILL)
        except OSError:
            break
        main = reap(main_pid) or main
        time.sleep(0.0005)
    return reap(main_pid) or main


def reap(main_pid):
    # Returns (status, rusage) if the job's main process was among the reaped.
    found = None
    while True:
        try:
            pid, status, rusage = os.wait3(os.WNOHANG)
        except ChildProcessError:
            return found
        if pid == 0:
            return found
        if pid == main_pid:
            found = (status, rusage)


def write_files(files):
    for f in files:
        path = os.path.join(WORK, f['path'])
        os.makedirs(os.path.dirname(path), exist_ok=True)
        data = base64.b64decode(f['b64'])
        with open(path, 'wb') as fh:
            fh.write(data)
        os.chmod(path, 0o755 if f.get('executable') else 0o644)


def set_limits(lim, address_space, address_bytes):
    cpu = int(lim['timeoutMs'] / 1000) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_FSIZE, (lim['fileSizeBytes'], lim['fileSizeBytes']))
    resource.setrlimit(resource.RLIMIT_NOFILE, (lim['openFiles'], lim['openFiles']))
    resource.setrlimit(resource.RLIMIT_NPROC, (lim['processes'], lim['processes']))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if address_space:
        resource.setrlimit(resource.RLIMIT_AS, (address_bytes, address_bytes))


def run_inline(path):
    # The same observable start as "python3 path": a fresh __main__, argv, sys.path[0], fresh std streams, new seed.
    main = types.ModuleType('__main__')
    main.__file__ = path
    main.__builtins__ = builtins
    sys.modules['__main__'] = main
    sys.argv = [path]
    sys.path[0] = os.path.dirname(path)
    sys.stdin = open(os.devnull, 'r')
    sys.stdout = open(1, 'w', encoding='utf-8', closefd=False)
    sys.stderr = open(2, 'w', encoding='utf-8', errors='backslashreplace', buffering=1, closefd=False)
    random.seed()
    code = 0
    try:
        with open(path, 'rb') as fh:
            source = fh.read()
        exec(compile(source, path, 'exec'), main.__dict__)
    except SystemExit as e:
        if e.code is None:
            code = 0
        elif isinstance(e.code, int):
            code = e.code & 0xFF
        else:
            try:
                print(e.code, file=sys.stderr)
            except Exception:
                pass
            code = 1
    except BaseException as e:
        tb = e.__traceback__
        # Drop this function's frame so the traceback reads like a fresh interpreter's.
        if tb is not None and tb.tb_frame.f_code is run_inline.__code__:
            tb = tb.tb_next
        try:
            traceback.print_exception(type(e), e, tb)
        except BaseException:
            pass
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:
            code = code or 120
    os._exit(code)


def child(job, out_w, err_w):
    try:
        os.setsid()
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(out_w, 1)
        os.dup2(err_w, 2)
        os.closerange(3, 65536)
        os.chdir(WORK)
        for sig in (signal.SIGPIPE, signal.SIGINT, signal.SIGTERM, signal.SIGXFSZ, signal.SIGXCPU):
            signal.signal(sig, signal.SIG_DFL)
        set_limits(job['limits'], job['addressSpaceLimit'], job['addressSpaceBytes'])
        if job.get('inlinePython'):
            run_inline(os.path.join(WORK, job['inlinePython']))
        env = job['env']
        os.execvpe(job['argv'][0], job['argv'], env)
    except BaseException as e:
        try:
            os.write(2, ('sandbox: cannot run %s: %s\n' % (job['argv'][0], e)).encode())
        except BaseException:
            pass
    os._exit(127)


def run_job(job):
    lim = job['limits']
    wipe()
    write_files(job['files'])
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:
        child(job, out_w, err_w)
    os.close(out_w)
    os.close(err_w)
    cap = lim['outputBytes']
    hard = lim['outputHardCapBytes']
    kept = {out_r: bytearray(), err_r: bytearray()}
    total = {out_r: 0, err_r: 0}
    open_fds = [out_r, err_r]
    try:
        pidfd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        pidfd = None
    deadline = start + lim['timeoutMs'] / 1000.0
    timed_out = False
    output_limit = False
    status = None
    rusage = None
    while True:
        if status is None:
            r = os.wait4(pid, os.WNOHANG)
            if r[0] == pid:
                status, rusage = r[1], r[2]
        if status is not None and not open_fds:
            break
        now = time.monotonic()
        if now >= deadline:
            timed_out = status is None
            break
        waitset = list(open_fds)
        if pidfd is not None and status is None:
            waitset.append(pidfd)
        # Without a pidfd we poll; once the child is gone we only drain what is already in the pipes.
        slice_s = min(deadline - now, 0.01 if pidfd is None else 1.0)
        if status is not None:
            slice_s = 0
        ready, _, _ = select.select(waitset, [], [], slice_s)
        if status is not None and not ready:
            break
        for fd in ready:
            if fd == pidfd:
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                open_fds.remove(fd)
                continue
            total[fd] += len(chunk)
            room = cap - len(kept[fd])
            if room > 0:
                kept[fd] += chunk[:room]
        if total[out_r] + total[err_r] > hard:
            output_limit = True
            break
    reaped = kill_all(pid)
    if status is None and reaped is not None:
        status, rusage = reaped
    if pidfd is not None:
        os.close(pidfd)
    os.close(out_r)
    os.close(err_r)
    wall = (time.monotonic() - start) * 1000.0
    cpu = (rusage.ru_utime + rusage.ru_stime) * 1000.0 if rusage is not None else None
    exit_code = None
    sig = None
    if status is not None:
        if os.WIFEXITED(status):
            exit_code = os.WEXITSTATUS(status)
        elif os.WIFSIGNALED(status):
            sig = signal.Signals(os.WTERMSIG(status)).name
    return finish(job, exit_code, sig, wall, cpu, timed_out, output_limit,
                  (bytes(kept[out_r]), total[out_r]), (bytes(kept[err_r]), total[err_r]))


def finish(job, exit_code, sig, wall, cpu, timed_out, output_limit, out, err):
    lim = job['limits']
    if sig == 'SIGXCPU' or (sig == 'SIGKILL' and cpu is not None and cpu >= (int(lim['timeoutMs'] / 1000) + 1) * 1000):
        timed_out = True
    collected = []
    if exit_code == 0 and not timed_out and not output_limit:
        for rel in job.get('collect', []):
            path = os.path.join(WORK, rel)
            if os.path.isfile(path):
                with open(path, 'rb') as fh:
                    collected.append({'path': rel, 'b64': base64.b64encode(fh.read()).decode()})
    wipe()
    return {
        'id': job['id'],
        'exitCode': exit_code,
        'signal': sig,
        'timedOut': timed_out,
        'outputLimitExceeded': output_limit,
        'wallMs': wall,
        'cpuMs': cpu,
        'stdout': {'b64': base64.b64encode(out[0]).decode(), 'bytes': out[1]},
        'stderr': {'b64': base64.b64encode(err[0]).decode(), 'bytes': err[1]},
        'collected': collected,
    }


# Zygotes: a long-lived interpreter (Ruby, PHP) that has loaded what every program needs and forks a fresh child
# per job, which sets its own rlimits and session and then loads the program. The zygote itself never runs a
# candidate's code. Its stdout/stderr are two pipes kept for its lifetime, so each job's child writes there; the
# control channel is a socket on its fd 0 (jobs in; ready / pid / exit lines out), which a child closes first thing
# (one fd to close, so a program can never write a forged exit line).
class Zygote:
    def __init__(self, argv, env):
        import socket
        ours, theirs = socket.socketpair()
        self.c_in_w = self.c_out_r = ours.detach()
        ctl = theirs.detach()
        self.out_r, out_w = os.pipe()
        self.err_r, err_w = os.pipe()
        pid = os.fork()
        if pid == 0:
            try:
                os.dup2(ctl, 0)
                os.dup2(out_w, 1)
                os.dup2(err_w, 2)
                os.closerange(3, 65536)
                os.chdir(WORK)
                for sig in (signal.SIGPIPE, signal.SIGINT, signal.SIGTERM):
                    signal.signal(sig, signal.SIG_DFL)
                os.execvpe(argv[0], argv, env)
            finally:
                os._exit(127)
        for fd in (ctl, out_w, err_w):
            os.close(fd)
        for fd in (self.out_r, self.err_r):
            os.set_blocking(fd, False)
        self.pid = pid
        self.buf = b''
        line = self.line(time.monotonic() + 20)
        if line != b'ready':
            self.close()
            raise OSError('zygote %s did not start: %r' % (argv[0], line))

    def line(self, deadline):
        while b'\n' not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([self.c_out_r], [], [], left)
            if not ready:
                return None
            chunk = os.read(self.c_out_r, 4096)
            if not chunk:
                return None
            self.buf += chunk
        line, self.buf = self.buf.split(b'\n', 1)
        return line

    def healthy(self):
        try:
            with open('/proc/%d/stat' % self.pid) as fh:
                state = fh.read().rsplit(')', 1)[1].split()[0]
        except OSError:
            return False
        return state in ('S', 'R', 'D')

    def close(self):
        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except OSError:
            pass
        for fd in (self.c_in_w, self.out_r, self.err_r):
            try:
                os.close(fd)
            except OSError:
                pass


ZYGOTES = {}


def kill_all_except(keep):
    # Like kill_all, but the zygotes live on: every other process in the namespace is the job's.
    me = os.getpid()
    for _ in range(2000):
        victims = []
        for name in os.listdir('/proc'):
            if not name.isdigit():
                continue
            pid = int(name)
            if pid in (1, me) or pid in keep:
                continue
            try:
                with open('/proc/%d/stat' % pid) as fh:
                    if fh.read().rsplit(')', 1)[1].split()[0] == 'Z':
                        continue
            except OSError:
                continue
            victims.append(pid)
        if not victims:
            break
        for pid in victims:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        reap(-1)
        time.sleep(0.0005)
    reap(-1)


def run_zygote_job(job):
    spec = job['zygote']
    z = ZYGOTES.get(spec['key'])
    if z is not None and not z.healthy():
        z.close()
        z = None
    if z is None:
        try:
            z = Zygote(spec['argv'], job['env'])
        except OSError:
            return None
        ZYGOTES[spec['key']] = z
    lim = job['limits']
    wipe()
    write_files(job['files'])
    start = time.monotonic()
    deadline = start + lim['timeoutMs'] / 1000.0
    cpu_s = int(lim['timeoutMs'] / 1000) + 1
    address = job['addressSpaceBytes'] if job['addressSpaceLimit'] else 0
    request = '%d %d %d %d %d %s\n' % (cpu_s, lim['fileSizeBytes'], lim['openFiles'], lim['processes'], address, spec['main'])
    cap = lim['outputBytes']
    hard = lim['outputHardCapBytes']
    kept = {z.out_r: bytearray(), z.err_r: bytearray()}
    total = {z.out_r: 0, z.err_r: 0}
    timed_out = False
    output_limit = False
    exit_line = None
    lost = False

    def pump():
        for fd in (z.out_r, z.err_r):
            while True:
                try:
                    chunk = os.read(fd, 65536)
                except BlockingIOError:
                    break
                if not chunk:
                    break
                total[fd] += len(chunk)
                room = cap - len(kept[fd])
                if room > 0:
                    kept[fd] += chunk[:room]

    # Whatever the zygote itself wrote (start-up warnings) is not this job's output.
    pump()
    for fd in (z.out_r, z.err_r):
        kept[fd] = bytearray()
        total[fd] = 0
    os.write(z.c_in_w, request.encode())
    while exit_line is None and not lost:
        now = time.monotonic()
        if now >= deadline:
            timed_out = True
            break
        ready, _, _ = select.select([z.out_r, z.err_r, z.c_out_r], [], [], deadline - now)
        pump()
        if total[z.out_r] + total[z.err_r] > hard:
            output_limit = True
            break
        if z.c_out_r in ready:
            chunk = os.read(z.c_out_r, 4096)
            if not chunk:
                lost = True
            z.buf += chunk
        while b'\n' in z.buf and exit_line is None:
            line, z.buf = z.buf.split(b'\n', 1)
            if line.startswith(b'exit '):
                exit_line = line
    kill_all_except({z.pid})
    if exit_line is None and not lost:
        # Killed for time or output: the zygote reaps the child and still reports.
        until = time.monotonic() + 2
        while exit_line is None:
            line = z.line(until)
            if line is None:
                break
            if line.startswith(b'exit '):
                exit_line = line
    pump()
    wall = (time.monotonic() - start) * 1000.0
    if exit_line is None or not z.healthy():
        z.close()
        del ZYGOTES[spec['key']]
    if exit_line is None and not timed_out and not output_limit:
        # The program killed or stopped its zygote: like killing the supervisor, that is the candidate's doing.
        return {'id': job['id'], 'supervisorLost': True}
    exit_code = None
    sig = None
    cpu = None
    if exit_line is not None:
        _, code, signo, cpu_ms = exit_line.decode().split(' ')
        exit_code = None if code == '-' else int(code)
        sig = None if signo == '-' else signal.Signals(int(signo)).name
        cpu = float(cpu_ms)
    return finish(job, exit_code, sig, wall, cpu, timed_out, output_limit,
                  (bytes(kept[z.out_r]), total[z.out_r]), (bytes(kept[z.err_r]), total[z.err_r]))


def main():
    PROTO_OUT.write(b'{"ready":true}\n')
    PROTO_OUT.flush()
    for line in PROTO_IN:
        if not line.strip():
            continue
        job = json.loads(line)
        try:
            result = (run_zygote_job(job) if job.get('zygote') else None) or run_job(job)
        except Exception as e:
            kill_all(-1)
            result = {'id': job.get('id'), 'sandboxError': 'supervisor: %s: %s' % (type(e).__name__, e)}
        PROTO_OUT.write(json.dumps(result).encode() + b'\n')
        PROTO_OUT.flush()


main()
`;

// core/sandbox/isolation/warm-worker.ts
var SANDBOX_PYTHON = "/usr/bin/python3";
var GRACE_MS = 3e3;
var START_TIMEOUT_MS = 15e3;
var b64 = (content) => Buffer.from(content).toString("base64");
var WarmWorker = class {
  constructor(options) {
    this.options = options;
  }
  options;
  proc = null;
  starting = null;
  pending = null;
  nextId = 1;
  stderrTail = "";
  queue = Promise.resolve();
  run(job) {
    const next = this.queue.then(() => this.runNow(job));
    this.queue = next.catch(() => void 0);
    return next;
  }
  async close() {
    const proc = this.proc;
    this.proc = null;
    this.starting = null;
    if (proc && proc.exitCode === null && proc.signalCode === null) {
      const gone = new Promise((resolve2) => proc.once("close", () => resolve2()));
      proc.kill("SIGKILL");
      await gone;
    }
  }
  start() {
    this.starting ??= new Promise((resolve2, reject) => {
      const args2 = [
        ...bwrapArgs({ readOnlyPaths: this.options.readOnlyPaths, tempDirBytes: this.options.tempDirBytes, env: baseEnv() }),
        SANDBOX_PYTHON,
        "-I",
        "-c",
        SUPERVISOR_PY
      ];
      const proc = spawn2(BWRAP, args2, { stdio: ["pipe", "pipe", "pipe"], env: { PATH: "/usr/bin:/bin" }, ...dropRoot() });
      this.proc = proc;
      this.stderrTail = "";
      proc.stderr?.on("data", (chunk) => {
        this.stderrTail = (this.stderrTail + chunk.toString("utf8")).slice(-4096);
      });
      proc.stdin?.on("error", () => void 0);
      const startTimer = setTimeout(() => {
        proc.kill("SIGKILL");
        reject(new Error(`the warm sandbox did not start within ${START_TIMEOUT_MS / 1e3} s`));
      }, START_TIMEOUT_MS);
      let ready = false;
      const lines = createInterface({ input: proc.stdout, crlfDelay: Infinity });
      lines.on("line", (line) => {
        if (!ready) {
          ready = true;
          clearTimeout(startTimer);
          resolve2();
          return;
        }
        this.onResult(line);
      });
      proc.on("error", (err) => {
        clearTimeout(startTimer);
        reject(new Error(`cannot start ${BWRAP}: ${err.message}`));
      });
      proc.on("close", () => {
        clearTimeout(startTimer);
        if (this.proc === proc) {
          this.proc = null;
          this.starting = null;
        }
        if (!ready) reject(new Error(`the warm sandbox exited at start: ${this.stderrTail.trim() || "no message"}`));
        this.onExit();
      });
    });
    return this.starting;
  }
  async runNow(job) {
    const started = performance.now();
    try {
      await this.start();
    } catch (err) {
      this.starting = null;
      return failed(err instanceof Error ? err.message : String(err), started);
    }
    const proc = this.proc;
    if (!proc?.stdin) return failed("the warm sandbox is gone", started);
    const id = this.nextId++;
    let wire;
    try {
      wire = JSON.stringify({
        id,
        argv: job.argv,
        env: baseEnv(job.env),
        files: job.files.map((f) => ({ path: checkedRelative(f.path), b64: b64(f.content), executable: f.executable ?? false })),
        limits: job.limits,
        addressSpaceLimit: job.addressSpaceLimit,
        addressSpaceBytes: job.addressSpaceBytes ?? job.limits.memoryBytes,
        collect: (job.collect ?? []).map(checkedRelative),
        inlinePython: job.inlinePython ?? null,
        zygote: job.zygote ?? null
      });
    } catch (err) {
      return failed(err instanceof Error ? err.message : String(err), started);
    }
    return await new Promise((resolve2) => {
      const timer = setTimeout(() => {
        if (this.pending) this.pending.lost = "stopped";
        proc.kill("SIGKILL");
      }, job.limits.timeoutMs + GRACE_MS);
      this.pending = { id, resolve: resolve2, timer, started, lost: "died" };
      proc.stdin.write(wire + "\n");
    });
  }
  onResult(line) {
    const pending = this.pending;
    if (!pending) return;
    let result;
    try {
      result = JSON.parse(line);
    } catch {
      return;
    }
    if (result.id !== pending.id) return;
    this.pending = null;
    clearTimeout(pending.timer);
    if (result.sandboxError) {
      pending.resolve(failed(result.sandboxError, pending.started));
      return;
    }
    if (result.supervisorLost) {
      pending.resolve(lostSupervisor(pending.started, "killed"));
      return;
    }
    const collected = {};
    for (const file of result.collected) collected[file.path] = Buffer.from(file.b64, "base64");
    pending.resolve({
      exitCode: result.exitCode,
      signal: result.signal,
      timedOut: result.timedOut,
      outputLimitExceeded: result.outputLimitExceeded,
      wallMs: result.wallMs,
      cpuMs: result.cpuMs,
      stdout: capturedFrom(Buffer.from(result.stdout.b64, "base64"), result.stdout.bytes),
      stderr: capturedFrom(Buffer.from(result.stderr.b64, "base64"), result.stderr.bytes),
      collected,
      sandboxError: null,
      supervisorLost: false
    });
  }
  onExit() {
    const pending = this.pending;
    if (!pending) return;
    this.pending = null;
    clearTimeout(pending.timer);
    pending.resolve(lostSupervisor(pending.started, pending.lost === "stopped" ? "stopped" : "killed"));
  }
};
function lostSupervisor(started, how) {
  const message = Buffer.from(`sandbox: the program ${how} its supervisor
`);
  return {
    ...failed("", started),
    sandboxError: null,
    supervisorLost: true,
    timedOut: how === "stopped",
    stderr: capturedFrom(message, message.length)
  };
}

// core/sandbox/isolation/index.ts
function userNamespaceHint() {
  const read = (path) => {
    try {
      return readFileSync7(path, "utf8").trim();
    } catch {
      return null;
    }
  };
  if (read("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") === "1") {
    return " (AppArmor restricts unprivileged user namespaces: sysctl -w kernel.apparmor_restrict_unprivileged_userns=0, or give bwrap an AppArmor profile)";
  }
  if (read("/proc/sys/kernel/unprivileged_userns_clone") === "0") {
    return " (unprivileged user namespaces are off: sysctl -w kernel.unprivileged_userns_clone=1)";
  }
  if (read("/proc/sys/user/max_user_namespaces") === "0") return " (user namespaces are off: sysctl -w user.max_user_namespaces=10000)";
  return "";
}
function probeBubblewrap() {
  if (process.platform !== "linux") return `bubblewrap needs Linux (this is ${process.platform})`;
  if (!existsSync8(BWRAP)) return `${BWRAP} not found (install the Debian package bubblewrap)`;
  const args2 = [...bwrapArgs({ readOnlyPaths: [], tempDirBytes: 1024 * 1024, env: baseEnv() }), "/bin/true"];
  const probe = spawnSync(BWRAP, args2, { encoding: "utf8", timeout: 1e4, ...dropRoot() });
  if (probe.error) return `${BWRAP} failed to start: ${probe.error.message}`;
  if (probe.status !== 0) return `${BWRAP} cannot create a sandbox here: ${probe.stderr.trim() || `exit ${probe.status}`}${userNamespaceHint()}`;
  return null;
}
function capabilitiesFor(bwrapProblem) {
  if (bwrapProblem === null) {
    return {
      mechanism: "bubblewrap",
      guarantees: {
        noNetwork: true,
        readOnlySystem: true,
        privateTemp: true,
        hiddenHome: true,
        pidNamespace: true,
        dieWithParent: true,
        unprivilegedUser: true,
        processLimit: true,
        cpuTimeLimit: true,
        fileSizeLimit: true,
        killWholeTree: true
      },
      warnings: []
    };
  }
  const root = process.getuid?.() === 0;
  const warnings = [
    `NOT ISOLATED: ${bwrapProblem}; candidates run as ordinary processes (process-group kill + rlimits)`,
    "no network isolation: candidates can open connections",
    "the system is not read-only: candidates can write wherever this user can",
    "the home directory is readable by candidates",
    "no pid namespace: a candidate that calls setsid() can outlive its timeout",
    "no process-count limit: a fork bomb is only stopped by the timeout"
  ];
  if (root) warnings.push("running as root: candidates run as root");
  return {
    mechanism: "process-group",
    guarantees: {
      noNetwork: false,
      readOnlySystem: false,
      privateTemp: true,
      hiddenHome: false,
      pidNamespace: false,
      dieWithParent: false,
      unprivilegedUser: !root,
      processLimit: false,
      cpuTimeLimit: true,
      fileSizeLimit: true,
      killWholeTree: false
    },
    warnings
  };
}
var probed;
function createIsolation(options) {
  if (probed === void 0) probed = probeBubblewrap();
  const capabilities = capabilitiesFor(options.mechanism === "process-group" ? "the process-group fall-back was asked for" : probed);
  const mechanism = capabilities.mechanism;
  const direct = { mechanism, readOnlyPaths: options.readOnlyPaths };
  const warm = mechanism === "bubblewrap" && existsSync8(SANDBOX_PYTHON);
  return {
    capabilities,
    runOnce: (job) => runDirect(job, direct),
    openWorker: async () => {
      if (warm) return new WarmWorker({ readOnlyPaths: options.readOnlyPaths, tempDirBytes: DEFAULT_LIMITS.tempDirBytes });
      return { run: (job) => runDirect(job, direct), close: async () => void 0 };
    }
  };
}

// core/sandbox/language.ts
var DEFAULT_CONTEXT = Object.freeze({ harness: "multipl-e", link: Object.freeze([]) });

// core/sandbox/languages/bash.ts
var bash = {
  id: "bash",
  displayName: "Bash",
  multiplE: "sh",
  debianPackages: ["bash"],
  executables: ["/bin/bash"],
  memory: "address-space",
  prepare: (program) => ({ ok: true, files: [{ path: "main.sh", content: program }] }),
  run: () => ({ argv: ["/bin/bash", "main.sh"] }),
  classify: (outcome) => classifyExit(outcome, { syntaxError: /syntax error/, memoryError: /cannot allocate memory|xmalloc/i }),
  smoke: {
    ok: 'add() {\n  echo $(( $1 + $2 ))\n}\nset -e\n[[ $(add 2 3) = "5" ]]\n',
    notOk: 'set -e\n[[ $(( 1 + 1 )) = "3" ]]\n'
  }
};

// core/sandbox/languages/cpp.ts
import { execFile } from "node:child_process";
import { writeFileSync as writeFileSync6 } from "node:fs";
import { join as join8 } from "node:path";
import { promisify } from "node:util";

// core/sandbox/toolchains/cache-root.ts
import { mkdirSync as mkdirSync3, renameSync as renameSync3, rmSync as rmSync3, statSync, existsSync as existsSync9 } from "node:fs";
import { tmpdir as tmpdir3 } from "node:os";
import { join as join7 } from "node:path";
function toolchainCacheRoot() {
  const fromEnv = process.env["REWARDRANKER_TOOLCHAIN_CACHE"];
  if (fromEnv) return fromEnv;
  const base = process.platform === "linux" ? "/var/tmp" : tmpdir3();
  return join7(base, `rewardranker-toolchains-${process.getuid?.() ?? "user"}`);
}
function ensureToolchainRoot() {
  const root = toolchainCacheRoot();
  mkdirSync3(root, { recursive: true, mode: 493 });
  const owner = statSync(root).uid;
  const me = process.getuid?.();
  if (me !== void 0 && owner !== me) {
    throw new Error(`${root}: owned by uid ${owner}, not by us (uid ${me}); set REWARDRANKER_TOOLCHAIN_CACHE`);
  }
  return root;
}
var building = /* @__PURE__ */ new Map();
function buildOnce(name, build) {
  const pending = building.get(name);
  if (pending) return pending;
  const task = (async () => {
    const final = join7(ensureToolchainRoot(), name);
    if (existsSync9(final)) return final;
    const temp = `${final}.building-${process.pid}-${Date.now()}`;
    mkdirSync3(temp, { recursive: true, mode: 493 });
    try {
      await build(temp);
      try {
        renameSync3(temp, final);
      } catch (err) {
        if (!existsSync9(final)) throw err;
      }
    } finally {
      rmSync3(temp, { recursive: true, force: true });
    }
    return final;
  })();
  building.set(name, task);
  task.catch(() => building.delete(name));
  return task;
}

// core/sandbox/languages/compiled-common.ts
var ARTIFACT = "artifact";
var compiledStep = {
  command: () => ({ argv: ["/bin/sh", "build.sh"], collect: [ARTIFACT, "run.sh"] }),
  classify: classifyCompile
};
function runScript(limits) {
  return { argv: ["/bin/sh", "run.sh", String(Math.max(16, Math.floor(limits.memoryBytes / 1024 ** 2)))] };
}
function sh(word) {
  return /^[A-Za-z0-9_./:=+,@%-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
function shLine(argv) {
  return argv.map(sh).join(" ");
}
function isWarm(context) {
  return context?.warm !== false;
}
function tarArchive(files) {
  const blocks = [];
  const field = (header, offset, length, text) => {
    header.set(Buffer.from(text, "utf8").subarray(0, length), offset);
  };
  const octal = (value, length) => value.toString(8).padStart(length - 1, "0") + "\0";
  for (const file of files) {
    const header = new Uint8Array(512);
    field(header, 0, 100, file.path);
    field(header, 100, 8, octal(420, 8));
    field(header, 108, 8, octal(0, 8));
    field(header, 116, 8, octal(0, 8));
    field(header, 124, 12, octal(file.content.length, 12));
    field(header, 136, 12, octal(0, 12));
    field(header, 148, 8, "        ");
    field(header, 156, 1, "0");
    field(header, 257, 6, "ustar\0");
    field(header, 263, 2, "00");
    const sum2 = header.reduce((a, b) => a + b, 0);
    field(header, 148, 8, octal(sum2, 7) + " ");
    blocks.push(header, file.content);
    const pad = (512 - file.content.length % 512) % 512;
    if (pad > 0) blocks.push(new Uint8Array(pad));
  }
  blocks.push(new Uint8Array(1024));
  return Buffer.concat(blocks);
}

// core/sandbox/languages/cpp.ts
var GXX = "/usr/bin/g++";
var CODEGEEX_HEADERS = ["stdlib.h", "algorithm", "math.h", "stdio.h", "vector", "string", "climits", "cstring", "iostream"];
function pchFor(program, context) {
  if (context.harness === "humaneval-x") {
    const all = CODEGEEX_HEADERS.every((h) => program.includes(`#include<${h}>`));
    if (!all) return null;
    return { name: "codegeex", std: "c++11", text: CODEGEEX_HEADERS.map((h) => `#include<${h}>
`).join("") };
  }
  const at = program.search(/#include\s*<bits\/stdc\+\+\.h>/);
  if (at < 0) return null;
  const before = program.slice(0, at).replace(/\/\*[\s\S]*?\*\//g, "").split("\n").every((line) => /^\s*(#\s*include\s*[<"][^>"]+[>"])?\s*(\/\/.*)?$/.test(line));
  return before ? { name: "stdcxx", std: "c++17", text: "#include <bits/stdc++.h>\n" } : null;
}
var gxxVersion = /* @__PURE__ */ (() => {
  let version = null;
  return () => version ??= promisify(execFile)(GXX, ["-dumpfullversion"]).then((r) => r.stdout.trim());
})();
async function precompiledHeader(pch) {
  const dir = await buildOnce(`cpp-pch-${pch.name}-${pch.std}-gcc${await gxxVersion()}`, async (dir2) => {
    const header = join8(dir2, "pch.h");
    writeFileSync6(header, pch.text);
    await promisify(execFile)(GXX, [`-std=${pch.std}`, "-x", "c++-header", header, "-o", `${header}.gch`]);
  });
  return join8(dir, "pch.h");
}
var cpp = {
  id: "cpp",
  displayName: "C++",
  multiplE: "cpp",
  debianPackages: ["g++"],
  executables: [GXX],
  get readOnlyPaths() {
    return [ensureToolchainRoot()];
  },
  memory: "address-space",
  async prepare(program, context = DEFAULT_CONTEXT) {
    const std = context.harness === "humaneval-x" ? "c++11" : "c++17";
    const pch = isWarm(context) ? pchFor(program, context) : null;
    const force = pch ? ["-include", await precompiledHeader(pch)] : [];
    const build = [GXX, `-std=${std}`, ...force, "main.cpp", "-o", ARTIFACT, ...context.link.map((l) => `-l${l}`)];
    return {
      ok: true,
      files: [
        { path: "main.cpp", content: program },
        { path: "build.sh", content: `exec ${shLine(build)}
` },
        { path: "run.sh", content: `chmod +x ${ARTIFACT} && exec ./${ARTIFACT}
` }
      ]
    };
  },
  compile: compiledStep,
  run: runScript,
  classify: (outcome) => classifyExit(outcome, { memoryError: /std::bad_alloc/ }),
  smoke: {
    ok: "#include <cassert>\nint add(int a, int b) { return a + b; }\nint main() { assert(add(2, 3) == 5); }\n",
    notOk: "#include <cassert>\nint main() { assert(1 + 1 == 3); }\n"
  }
};

// core/sandbox/languages/csharp.ts
import { execFile as execFile2 } from "node:child_process";
import { createHash as createHash3 } from "node:crypto";
import { writeFileSync as writeFileSync7 } from "node:fs";
import { join as join9 } from "node:path";
import { promisify as promisify2 } from "node:util";

// core/sandbox/toolchains/compile-server.ts
import { spawn as spawn3 } from "node:child_process";
import { existsSync as existsSync10 } from "node:fs";
import { createInterface as createInterface2 } from "node:readline";
var CompileServer = class {
  constructor(spec) {
    this.spec = spec;
  }
  spec;
  child = null;
  pending = /* @__PURE__ */ new Map();
  nextId = 1;
  /** Whether a server can run here at all (bubblewrap present): otherwise languages compile the cold way. */
  static available() {
    return process.platform === "linux" && existsSync10(BWRAP);
  }
  start() {
    const args2 = bwrapArgs({
      readOnlyPaths: [ensureToolchainRoot(), ...this.spec.readOnlyPaths],
      tempDirBytes: this.spec.tempDirBytes,
      env: baseEnv(this.spec.env)
    });
    const child = spawn3(BWRAP, [...args2, ...this.spec.argv], { stdio: ["pipe", "pipe", "pipe"], ...dropRoot() });
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      if (stderr.length < 4096) stderr += chunk.toString("utf8");
    });
    createInterface2({ input: child.stdout }).on("line", (line) => {
      const fields = line.split("	");
      const waiter = this.pending.get(fields[0] ?? "");
      if (!waiter) return;
      this.pending.delete(fields[0] ?? "");
      waiter.resolve(fields.slice(1));
    });
    const fail2 = (why) => {
      if (this.child === child) this.child = null;
      for (const waiter of this.pending.values()) waiter.reject(new Error(`compile server ${why}: ${stderr.trim()}`));
      this.pending.clear();
    };
    child.on("error", (err) => fail2(`failed to start (${err.message})`));
    child.on("exit", (code, signal) => fail2(`exited (${signal ?? code})`));
    child.stdin.on("error", () => fail2("closed its input"));
    child.unref();
    for (const stream of [child.stdin, child.stdout, child.stderr]) stream.unref?.();
    return child;
  }
  /** Sends one request (tab-free fields) and resolves with the reply's fields after the id. */
  request(fields, timeoutMs) {
    const child = this.child ?? (this.child = this.start());
    const id = String(this.nextId++);
    return new Promise((resolve2, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new CompileTimeout(timeoutMs));
        this.close();
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (reply) => {
          clearTimeout(timer);
          resolve2(reply);
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        }
      });
      child.stdin.write(`${[id, ...fields].join("	")}
`);
    });
  }
  close() {
    const child = this.child;
    this.child = null;
    child?.kill("SIGKILL");
  }
};
var CompileTimeout = class extends Error {
  constructor(timeoutMs) {
    super(`compile did not finish within ${timeoutMs} ms`);
    this.timeoutMs = timeoutMs;
  }
  timeoutMs;
};

// core/sandbox/toolchains/csharp-compile-server.ts
var CSHARP_COMPILE_SERVER = String.raw`
using System;
using System.IO;
using System.Text;

class CompileServer {
  static void Main() {
    var stdin = new StreamReader(Console.OpenStandardInput(), new UTF8Encoding(false));
    var stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false));
    stdout.AutoFlush = true;
    string line;
    while ((line = stdin.ReadLine()) != null) {
      string[] f = line.Split('\t');
      string id = f[0];
      string reply;
      try {
        string dir = Path.Combine(Path.GetTempPath(), "c" + id);
        Directory.CreateDirectory(dir);
        string src = Path.Combine(dir, "main.cs");
        string exe = Path.Combine(dir, "main.exe");
        File.WriteAllBytes(src, Convert.FromBase64String(f[1]));
        var options = new System.Collections.Generic.List<string>();
        foreach (string o in f[2].Split(' ')) if (o.Length > 0) options.Add(o);
        options.Add(src);
        options.Add("-out:" + exe);
        var messages = new StringWriter();
        bool ok = Mono.CSharp.CompilerCallableEntryPoint.InvokeCompiler(options.ToArray(), messages) && File.Exists(exe);
        string bytes = ok ? Convert.ToBase64String(File.ReadAllBytes(exe)) : "";
        reply = id + "\t" + (ok ? "0" : "1") + "\t" + Convert.ToBase64String(Encoding.UTF8.GetBytes(messages.ToString())) + "\t" + bytes;
        Directory.Delete(dir, true);
      } catch (Exception e) {
        reply = id + "\t2\t" + Convert.ToBase64String(Encoding.UTF8.GetBytes(e.ToString())) + "\t";
      }
      stdout.WriteLine(reply);
    }
  }
}
`;

// core/sandbox/languages/csharp.ts
var MCS = "/usr/bin/mcs";
var MONO = "/usr/bin/mono";
var MCS_EXE = "/usr/lib/mono/4.5/mcs.exe";
var OPTIONS = ["-d:DEBUG", "-r:System.Numerics.dll"];
var server = null;
async function compileServer() {
  const hash = createHash3("sha256").update(CSHARP_COMPILE_SERVER).digest("hex").slice(0, 16);
  const dir = await buildOnce(`csharp-compile-server-${hash}`, async (d) => {
    writeFileSync7(join9(d, "CompileServer.cs"), CSHARP_COMPILE_SERVER);
    await promisify2(execFile2)(MCS, [`-r:${MCS_EXE}`, join9(d, "CompileServer.cs"), `-out:${join9(d, "CompileServer.exe")}`]);
  });
  server ??= new CompileServer({
    argv: [MONO, join9(dir, "CompileServer.exe")],
    env: { MONO_PATH: "/usr/lib/mono/4.5" },
    readOnlyPaths: [],
    tempDirBytes: 64 * 1024 ** 2
  });
  return server;
}
function classify(outcome) {
  const verdict2 = (status) => ({ status, testsPassed: null, testsTotal: null });
  const stderr = outcome.stderr.text;
  if (/OutOfMemoryException/.test(stderr)) return verdict2("MemoryLimit");
  if (outcome.signal !== null) return verdict2("Exception");
  if (stderr.includes("System.Diagnostics.DefaultTraceListener.Fail") || stderr.includes("Unhandled Exception")) {
    return verdict2("Exception");
  }
  return verdict2("OK");
}
var csharp = {
  id: "csharp",
  displayName: "C#",
  multiplE: "cs",
  debianPackages: ["mono-devel"],
  executables: [MCS, MONO, MCS_EXE],
  get readOnlyPaths() {
    return [ensureToolchainRoot()];
  },
  memory: "runtime",
  async prepare(program, context = DEFAULT_CONTEXT) {
    const run = `export MONO_TRACE_LISTENER=Console.Error MONO_GC_PARAMS=max-heap-size="$1"m
exec ${MONO} ${ARTIFACT}
`;
    if (isWarm(context) && CompileServer.available()) {
      let reply;
      try {
        const request = [Buffer.from(program).toString("base64"), OPTIONS.join(" ")];
        reply = await (await compileServer()).request(request, DEFAULT_COMPILE_LIMITS.timeoutMs);
      } catch (err) {
        if (!(err instanceof CompileTimeout)) throw err;
        return { ok: false, classification: { status: "Timeout", testsPassed: null, testsTotal: null }, message: err.message };
      }
      const [status, diagnostics, exe] = reply;
      const message = Buffer.from(diagnostics ?? "", "base64").toString("utf8");
      if (status === "1") return { ok: false, classification: { status: "SyntaxError", testsPassed: null, testsTotal: null }, message };
      if (status !== "0") throw new Error(`mcs server: ${message}`);
      return {
        ok: true,
        files: [
          { path: ARTIFACT, content: Buffer.from(exe ?? "", "base64") },
          { path: "build.sh", content: "exit 0\n" },
          { path: "run.sh", content: run }
        ]
      };
    }
    return {
      ok: true,
      files: [
        { path: "main.cs", content: program },
        { path: "build.sh", content: `exec ${shLine([MCS, ...OPTIONS, "main.cs", `-out:${ARTIFACT}`])}
` },
        { path: "run.sh", content: run }
      ]
    };
  },
  compile: compiledStep,
  run: runScript,
  classify,
  smoke: {
    ok: "using System.Diagnostics;\nclass Problem {\n  static int Add(int a, int b) { return a + b; }\n  static void Main() { Debug.Assert(Add(2, 3) == 5); }\n}\n",
    notOk: "using System.Diagnostics;\nclass Problem {\n  static void Main() { Debug.Assert(1 + 1 == 3); }\n}\n"
  }
};

// core/sandbox/languages/go.ts
import { execFile as execFile3 } from "node:child_process";
import { createHash as createHash4 } from "node:crypto";
import { existsSync as existsSync12, mkdirSync as mkdirSync4, mkdtempSync as mkdtempSync3, readFileSync as readFileSync8, rmSync as rmSync4, symlinkSync, writeFileSync as writeFileSync8 } from "node:fs";
import { tmpdir as tmpdir4 } from "node:os";
import { join as join11 } from "node:path";
import { promisify as promisify3 } from "node:util";

// core/sandbox/toolchains/trusted-run.ts
import { spawn as spawn4 } from "node:child_process";
import { existsSync as existsSync11, lchownSync, lstatSync as lstatSync2, readdirSync } from "node:fs";
import { join as join10 } from "node:path";
function chownTree(path, uid) {
  lchownSync(path, uid, uid);
  if (lstatSync2(path).isDirectory()) for (const name of readdirSync(path)) chownTree(join10(path, name), uid);
}
async function runTrustedSetup(argv, options) {
  if (process.platform !== "linux" || !existsSync11(BWRAP)) return null;
  const drop = dropRoot();
  if (drop.uid !== void 0) for (const dir of [options.workDir, ...options.writable ?? []]) chownTree(dir, SANDBOX_UID);
  const extra = [];
  for (const dir of options.writable ?? []) extra.push("--bind", dir, dir);
  const args2 = bwrapArgs({
    readOnlyPaths: [ensureToolchainRoot()],
    tempDirBytes: 1,
    hostWorkDir: options.workDir,
    env: baseEnv(options.env),
    extra
  });
  return new Promise((resolve2) => {
    const child = spawn4(BWRAP, [...args2, ...argv], { stdio: ["ignore", "pipe", "pipe"], ...drop });
    let output = "";
    const keep = (chunk) => {
      if (output.length < 16384) output += chunk.toString("utf8");
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs);
    child.on("error", (err) => {
      clearTimeout(timer);
      resolve2({ exitCode: null, output: err.message });
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve2({ exitCode: code, output });
    });
  });
}

// core/sandbox/languages/go.ts
var GO = "/usr/bin/go";
var STD_IMPORTS = ["testing", "fmt", "math", "strings", "sort", "strconv", "math/rand", "time", "regexp", "bytes", "crypto/md5"];
var TESTIFY = "github.com/stretchr/testify/assert";
var MODULE_DIR = "m";
var sha = (data) => createHash4("sha256").update(data).digest("hex").slice(0, 16);
async function humanEvalXModule(supportDir) {
  const files = ["go.mod", "go.sum", "vendor.tar.gz"].map((f) => supportDir ? join11(supportDir, f) : "");
  if (!supportDir || !files.every((f) => existsSync12(f))) {
    throw new Error("HumanEval-X Go needs go.mod, go.sum and vendor.tar.gz (testify) beside the problem file");
  }
  const [goMod, goSum, tar] = files.map((f) => readFileSync8(f));
  const vendorHash = sha(Buffer.concat([goMod, tar]));
  const dir = await buildOnce(`go-vendor-${vendorHash}`, async (d) => {
    await promisify3(execFile3)("tar", ["xzf", join11(supportDir, "vendor.tar.gz"), "-C", d]);
    writeFileSync8(join11(d, "go.mod"), goMod);
  });
  return { goMod, goSum, vendor: join11(dir, "vendor"), vendorHash };
}
var goVersion = /* @__PURE__ */ (() => {
  let version = null;
  return () => version ??= promisify3(execFile3)(GO, ["env", "GOVERSION"]).then((r) => r.stdout.trim());
})();
function compileEnv(cache, vendored) {
  const env2 = { GOCACHE: cache, GOPATH: "/tmp/go", CGO_ENABLED: "0", GOPROXY: "off" };
  if (vendored) env2["GOFLAGS"] = "-mod=vendor";
  return env2;
}
async function prewarmedCache(vendor) {
  const name = `go-cache-${await goVersion()}-${vendor ? vendor.hash : "std"}`;
  const imports = [...STD_IMPORTS, ...vendor ? [TESTIFY] : []].map((p) => `_ "${p}"`).join("\n");
  const sample = `package main

import (
${imports}
)

func TestSample(t *testing.T) {}
`.replace('_ "testing"', '"testing"');
  try {
    return await buildOnce(name, async (cache) => {
      const work = mkdtempSync3(join11(tmpdir4(), "rr-go-warm-"));
      try {
        const dir = vendor ? join11(work, MODULE_DIR) : work;
        mkdirSync4(dir, { recursive: true });
        writeFileSync8(join11(dir, "main_test.go"), sample);
        if (vendor) {
          writeFileSync8(join11(dir, "go.mod"), readFileSync8(join11(vendor.path, "..", "go.mod")));
          symlinkSync(vendor.path, join11(dir, "vendor"));
        }
        const build = shLine([GO, "test", "-c", "-o", `/tmp/${ARTIFACT}`, "main_test.go"]);
        const result = await runTrustedSetup(["/bin/sh", "-c", vendor ? `cd ${MODULE_DIR} && ${build}` : build], {
          workDir: work,
          writable: [cache],
          env: compileEnv(cache, vendor !== null),
          timeoutMs: 3e5
        });
        if (result === null || result.exitCode !== 0) throw new Error(`go cache prewarm failed: ${result?.output ?? "no sandbox"}`);
      } finally {
        rmSync4(work, { recursive: true, force: true });
      }
    });
  } catch {
    return null;
  }
}
function classify2(outcome) {
  const failed2 = outcome.exitCode !== 0 || outcome.signal !== null || outcome.stdout.text.includes("FAIL");
  const memory = /runtime: out of memory|fatal error: out of memory/.test(outcome.stderr.text);
  return { status: memory ? "MemoryLimit" : failed2 ? "Exception" : "OK", testsPassed: null, testsTotal: null };
}
var go = {
  id: "go",
  displayName: "Go",
  multiplE: "go",
  debianPackages: ["golang-go"],
  executables: [GO],
  get readOnlyPaths() {
    return [ensureToolchainRoot()];
  },
  memory: "runtime",
  async prepare(program, context = DEFAULT_CONTEXT) {
    const module = context.harness === "humaneval-x" ? await humanEvalXModule(context.supportDir) : null;
    const warmCache = isWarm(context) ? await prewarmedCache(module ? { path: module.vendor, hash: module.vendorHash } : null) : null;
    const env2 = compileEnv(warmCache ?? "/tmp/gocache", module !== null);
    const exports = Object.entries(env2).map(([k, v]) => `${k}=${shLine([v])}`).join(" ");
    const enter = module ? `mkdir ${MODULE_DIR} && mv main_test.go go.mod go.sum ${MODULE_DIR}/ && cd ${MODULE_DIR} && ln -s ${shLine([module.vendor])} vendor && ` : "";
    const build = shLine([GO, "test", "-c", "-o", `/tmp/${ARTIFACT}`, "main_test.go"]);
    const files = [
      { path: "main_test.go", content: program },
      { path: "build.sh", content: `export ${exports}
${enter}exec ${build}
` },
      { path: "run.sh", content: `chmod +x ${ARTIFACT} && GOMEMLIMIT="$1"MiB exec ./${ARTIFACT}
` }
    ];
    if (module) files.push({ path: "go.mod", content: module.goMod.toString("utf8") }, { path: "go.sum", content: module.goSum.toString("utf8") });
    return { ok: true, files };
  },
  compile: compiledStep,
  run: runScript,
  classify: classify2,
  smoke: {
    ok: 'package main\n\nimport "testing"\n\nfunc add(a, b int) int { return a + b }\n\nfunc TestAdd(t *testing.T) {\n	if add(2, 3) != 5 {\n		t.Fail()\n	}\n}\n',
    notOk: 'package main\n\nimport "testing"\n\nfunc TestAdd(t *testing.T) {\n	if 1+1 != 3 {\n		t.Fail()\n	}\n}\n'
  }
};

// core/sandbox/languages/java.ts
import { execFile as execFile4 } from "node:child_process";
import { createHash as createHash5 } from "node:crypto";
import { copyFileSync, existsSync as existsSync13, readFileSync as readFileSync9, writeFileSync as writeFileSync9 } from "node:fs";
import { join as join12 } from "node:path";
import { promisify as promisify4 } from "node:util";

// core/sandbox/toolchains/java-compile-server.ts
var JAVA_COMPILE_SERVER = String.raw`
import java.io.*;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.*;
import java.util.concurrent.*;
import javax.tools.*;

public class CompileServer {
  static final JavaCompiler COMPILER = ToolProvider.getSystemJavaCompiler();
  static final PrintStream OUT = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);

  static final class Source extends SimpleJavaFileObject {
    final String text;
    Source(String name, String text) { super(URI.create("string:///" + name), Kind.SOURCE); this.text = text; }
    @Override public CharSequence getCharContent(boolean ignore) { return text; }
  }

  static final class ClassOut extends SimpleJavaFileObject {
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ClassOut(String name) { super(URI.create("bytes:///" + name.replace('.', '/') + ".class"), Kind.CLASS); }
    @Override public OutputStream openOutputStream() { return bytes; }
  }

  static String compile(String id, String fileName, String source, String classpath) throws IOException {
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    Map<String, ClassOut> classes = new TreeMap<>();
    StandardJavaFileManager standard = COMPILER.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8);
    JavaFileManager manager = new ForwardingJavaFileManager<JavaFileManager>(standard) {
      @Override public JavaFileObject getJavaFileForOutput(Location location, String name, JavaFileObject.Kind kind, FileObject sibling) {
        ClassOut out = new ClassOut(name);
        classes.put(name, out);
        return out;
      }
    };
    List<String> options = new ArrayList<>(List.of("-encoding", "UTF8", "-proc:none", "-Xlint:none"));
    if (!classpath.isEmpty()) { options.add("-cp"); options.add(classpath); }
    StringWriter messages = new StringWriter();
    boolean ok = COMPILER.getTask(messages, manager, diagnostics, options, null, List.of(new Source(fileName, source))).call();
    StringBuilder text = new StringBuilder(messages.toString());
    for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
      text.append(fileName).append(':').append(d.getLineNumber()).append(": ")
          .append(d.getKind().toString().toLowerCase(Locale.ROOT)).append(": ")
          .append(d.getMessage(Locale.ROOT)).append('\n');
    }
    Base64.Encoder b64 = Base64.getEncoder();
    StringJoiner files = new StringJoiner(",");
    if (ok) for (Map.Entry<String, ClassOut> e : classes.entrySet()) {
      files.add(e.getKey().replace('.', '/') + ".class:" + b64.encodeToString(e.getValue().bytes.toByteArray()));
    }
    return id + "\t" + (ok ? "0" : "1") + "\t" + b64.encodeToString(text.toString().getBytes(StandardCharsets.UTF_8)) + "\t" + files;
  }

  public static void main(String[] args) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Integer.parseInt(args.length > 0 ? args[0] : "2")));
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      final String[] f = line.split("\t", -1);
      pool.submit(() -> {
        String reply;
        try {
          String source = new String(Base64.getDecoder().decode(f[2]), StandardCharsets.UTF_8);
          reply = compile(f[0], f[1], source, f.length > 3 ? f[3] : "");
        } catch (Throwable t) {
          reply = f[0] + "\t2\t" + Base64.getEncoder().encodeToString(String.valueOf(t).getBytes(StandardCharsets.UTF_8)) + "\t";
        }
        synchronized (OUT) { OUT.println(reply); }
      });
    }
    pool.shutdown();
  }
}
`;

// core/sandbox/languages/java.ts
var JDK = "/usr/lib/jvm/java-17-openjdk-amd64";
var JAVAC = `${JDK}/bin/javac`;
var JAVA = `${JDK}/bin/java`;
var JAVATUPLES = "javatuples-1.2.jar";
var sha2 = (data) => createHash5("sha256").update(data).digest("hex").slice(0, 16);
async function javatuples(program, supportDir) {
  if (!program.includes("org.javatuples")) return null;
  const source = supportDir ? join12(supportDir, JAVATUPLES) : null;
  if (!source || !existsSync13(source)) {
    throw new Error(`this Java program imports org.javatuples: put ${JAVATUPLES} beside the problem file`);
  }
  const bytes = readFileSync9(source);
  const dir = await buildOnce(`java-lib-${sha2(bytes)}`, async (d) => copyFileSync(source, join12(d, JAVATUPLES)));
  return join12(dir, JAVATUPLES);
}
var server2 = null;
async function compileServer2() {
  const dir = await buildOnce(`java-compile-server-${sha2(JAVA_COMPILE_SERVER)}`, async (d) => {
    writeFileSync9(join12(d, "CompileServer.java"), JAVA_COMPILE_SERVER);
    await promisify4(execFile4)(JAVAC, ["-d", d, join12(d, "CompileServer.java")]);
  });
  server2 ??= new CompileServer({
    argv: [JAVA, "-Xmx1g", "-XX:+UseSerialGC", "-Xss8m", "-cp", dir, "CompileServer", "2"],
    readOnlyPaths: [],
    tempDirBytes: 64 * 1024 ** 2
  });
  return server2;
}
async function compileWarm(fileName, program, classpath) {
  let reply;
  try {
    reply = await (await compileServer2()).request([fileName, Buffer.from(program).toString("base64"), classpath], DEFAULT_COMPILE_LIMITS.timeoutMs);
  } catch (err) {
    if (err instanceof CompileTimeout) {
      return { ok: false, classification: { status: "Timeout", testsPassed: null, testsTotal: null }, message: err.message };
    }
    throw err;
  }
  const [status, diagnostics, files] = reply;
  const message = Buffer.from(diagnostics ?? "", "base64").toString("utf8");
  if (status === "1") return { ok: false, classification: { status: "SyntaxError", testsPassed: null, testsTotal: null }, message };
  if (status !== "0") throw new Error(`javac server: ${message}`);
  const classes = (files ?? "").split(",").filter((f) => f.length > 0).map((entry) => {
    const colon = entry.lastIndexOf(":");
    return { path: entry.slice(0, colon), content: Buffer.from(entry.slice(colon + 1), "base64") };
  });
  return { classes: tarArchive(classes) };
}
var java = {
  id: "java",
  displayName: "Java",
  multiplE: "java",
  debianPackages: ["openjdk-17-jdk-headless"],
  executables: [JAVAC, JAVA],
  get readOnlyPaths() {
    return [ensureToolchainRoot()];
  },
  memory: "runtime",
  async prepare(program, context = DEFAULT_CONTEXT) {
    const codegeex = context.harness === "humaneval-x";
    const mainClass = codegeex ? "Main" : "Problem";
    const fileName = `${/public\s+class\s+(\w+)/.exec(program)?.[1] ?? mainClass}.java`;
    const jar = await javatuples(program, context.supportDir);
    const classpath = jar ? [".", jar].join(":") : ".";
    const runFlags = codegeex ? [] : ["-ea"];
    const run = `mkdir classes && cd classes && tar xf ../${ARTIFACT} && exec ${shLine([JAVA, ...runFlags])} -Xmx"$1"m ${shLine(["-cp", classpath, mainClass])}
`;
    if (isWarm(context) && CompileServer.available()) {
      const compiled = await compileWarm(fileName, program, jar ?? "");
      if ("ok" in compiled) return compiled;
      return {
        ok: true,
        files: [
          { path: ARTIFACT, content: compiled.classes },
          { path: "build.sh", content: "exit 0\n" },
          { path: "run.sh", content: run }
        ]
      };
    }
    const javac = [JAVAC, "-encoding", "UTF8", ...jar ? ["-cp", jar] : [], "-d", "classes", fileName];
    return {
      ok: true,
      files: [
        { path: fileName, content: program },
        { path: "build.sh", content: `mkdir classes && ${shLine(javac)} && cd classes && exec tar cf ../${ARTIFACT} .
` },
        { path: "run.sh", content: run }
      ]
    };
  },
  compile: compiledStep,
  run: runScript,
  classify: (outcome) => classifyExit(outcome, { memoryError: /java\.lang\.OutOfMemoryError/ }),
  smoke: {
    ok: "class Problem {\n  static int add(int a, int b) { return a + b; }\n  public static void main(String[] args) {\n    if (add(2, 3) != 5) throw new AssertionError();\n  }\n}\n",
    notOk: "class Problem {\n  public static void main(String[] args) {\n    assert 1 + 1 == 3;\n  }\n}\n"
  }
};

// core/sandbox/languages/node-common.ts
var NODE_ADDRESS_HEADROOM = 1.5 * 1024 ** 3;
function nodeCommand(limits, file) {
  const heapMb = Math.max(16, Math.floor(limits.memoryBytes / 1024 ** 2));
  return { argv: ["node", `--max-old-space-size=${heapMb}`, file] };
}
function classifyNode(outcome, context) {
  const result = classifyExit(outcome, {
    syntaxError: /\bSyntaxError\b/,
    memoryError: /heap out of memory|Allocation failed - JavaScript heap|Array buffer allocation failed/
  });
  if (result.status === "OK" && context?.harness === "humaneval-x" && outcome.stdout.bytes + outcome.stderr.bytes > 0) {
    return { ...result, status: "Exception" };
  }
  return result;
}

// core/sandbox/languages/javascript.ts
var javascript = {
  id: "javascript",
  displayName: "JavaScript",
  multiplE: "js",
  debianPackages: ["nodejs"],
  executables: ["node"],
  memory: "runtime",
  addressSpaceHeadroomBytes: NODE_ADDRESS_HEADROOM,
  prepare: (program) => ({ ok: true, files: [{ path: "main.js", content: program }] }),
  run: (limits) => nodeCommand(limits, "main.js"),
  classify: classifyNode,
  smoke: {
    ok: "const assert = require('node:assert');\nfunction add(a, b) { return a + b; }\nassert.deepEqual(add(2, 3), 5);\n",
    notOk: "const assert = require('node:assert');\nassert.deepEqual(1 + 1, 3);\n"
  }
};

// core/sandbox/languages/lua.ts
var LUAUNIT = "/usr/share/lua/5.4/luaunit.lua";
function classify3(outcome) {
  const base = classifyExit(outcome, { memoryError: /not enough memory/ });
  const stderr = outcome.stderr.text;
  const loadError = /^lua[\d.]*: [^\n]*:\d+: [^\n]*(near|expected)/m.test(stderr) && !stderr.includes("stack traceback");
  const summary = /Ran (\d+) tests in [\d.]+ seconds?, (\d+) success(?:es)?/.exec(outcome.stdout.text);
  return {
    status: base.status === "Exception" && loadError ? "SyntaxError" : base.status,
    testsPassed: summary ? Number(summary[2]) : null,
    testsTotal: summary ? Number(summary[1]) : null
  };
}
var lua = {
  id: "lua",
  displayName: "Lua",
  multiplE: "lua",
  debianPackages: ["lua5.4", "lua-unit"],
  executables: ["lua5.4", LUAUNIT],
  memory: "address-space",
  prepare: (program) => ({ ok: true, files: [{ path: "main.lua", content: program }] }),
  run: () => ({ argv: ["lua5.4", "main.lua"] }),
  classify: classify3,
  smoke: {
    ok: "local lu = require('luaunit')\nlocal function add(a, b) return a + b end\nfunction test_add() lu.assertEquals(add(2, 3), 5) end\nos.exit(lu.LuaUnit.run())\n",
    notOk: "local lu = require('luaunit')\nfunction test_add() lu.assertEquals(1 + 1, 3) end\nos.exit(lu.LuaUnit.run())\n"
  }
};

// core/sandbox/languages/php-zygote.ts
var PHP_ZYGOTE = String.raw`
include (function () {
    $ctl = fopen('php://fd/0', 'r+');
    fwrite($ctl, "ready\n");
    while (($line = fgets($ctl)) !== false) {
        [$cpu, $fsize, $nofile, $nproc, $as, $main] = explode(' ', rtrim($line, "\n"), 6);
        $before = getrusage(1);
        $pid = pcntl_fork();
        if ($pid === 0) {
            fclose($ctl);
            fclose(STDIN);
            fopen('/dev/null', 'r');
            posix_setsid();
            posix_setrlimit(POSIX_RLIMIT_CPU, (int) $cpu, (int) $cpu + 1);
            posix_setrlimit(POSIX_RLIMIT_FSIZE, (int) $fsize, (int) $fsize);
            posix_setrlimit(POSIX_RLIMIT_NOFILE, (int) $nofile, (int) $nofile);
            posix_setrlimit(POSIX_RLIMIT_NPROC, (int) $nproc, (int) $nproc);
            posix_setrlimit(POSIX_RLIMIT_CORE, 0, 0);
            if ((int) $as > 0) posix_setrlimit(POSIX_RLIMIT_AS, (int) $as, (int) $as);
            chdir('/tmp');
            $_SERVER['argv'] = [$main];
            $_SERVER['SCRIPT_FILENAME'] = $main;
            return $main;
        }
        fwrite($ctl, "pid $pid\n");
        pcntl_waitpid($pid, $status);
        $after = getrusage(1);
        $ms = 0;
        foreach (['ru_utime', 'ru_stime'] as $k) {
            $ms += ($after["$k.tv_sec"] - $before["$k.tv_sec"]) * 1000 + ($after["$k.tv_usec"] - $before["$k.tv_usec"]) / 1000;
        }
        $code = pcntl_wifexited($status) ? pcntl_wexitstatus($status) : '-';
        $sig = pcntl_wifsignaled($status) ? pcntl_wtermsig($status) : '-';
        fwrite($ctl, "exit $code $sig $ms\n");
    }
    exit(0);
})();
`;

// core/sandbox/languages/php.ts
var php = {
  id: "php",
  displayName: "PHP",
  multiplE: "php",
  debianPackages: ["php-cli"],
  executables: ["php"],
  memory: "address-space",
  prepare: (program) => ({ ok: true, files: [{ path: "main.php", content: program }] }),
  run: (limits) => {
    const memory = `memory_limit=${Math.max(16, Math.floor(limits.memoryBytes * 0.9 / 1024 ** 2))}M`;
    return {
      argv: ["php", "-d", memory, "main.php"],
      zygote: { key: `php ${memory}`, argv: ["php", "-d", memory, "-r", PHP_ZYGOTE], main: "/tmp/main.php" }
    };
  },
  classify: (outcome) => classifyExit(outcome, {
    syntaxError: /PHP Parse error|^Parse error:/m,
    syntaxErrorInStdout: true,
    memoryError: /Allowed memory size of \d+ bytes exhausted|Out of memory/
  }),
  smoke: {
    ok: '<?php\nfunction add($a, $b) { return $a + $b; }\nif (add(2, 3) !== 5) { throw new Exception("Test failed!"); }\n',
    notOk: '<?php\nif (1 + 1 !== 3) { throw new Exception("Test failed!"); }\n'
  }
};

// core/sandbox/languages/python.ts
var python = {
  id: "python",
  displayName: "Python",
  multiplE: "py",
  debianPackages: ["python3"],
  executables: ["/usr/bin/python3"],
  memory: "address-space",
  prepare: (program) => ({ ok: true, files: [{ path: "main.py", content: program }] }),
  run: () => ({ argv: ["/usr/bin/python3", "main.py"], inlinePython: "main.py" }),
  classify: (outcome) => classifyExit(outcome, { syntaxError: /\b(SyntaxError|IndentationError|TabError)\b/, memoryError: /\bMemoryError\b/ }),
  smoke: { ok: "def add(a, b):\n    return a + b\n\nassert add(2, 3) == 5\n", notOk: "assert 1 + 1 == 3\n" }
};

// core/sandbox/languages/ruby-zygote.ts
var RUBY_ZYGOTE = String.raw`
require 'test/unit'
ctl = IO.for_fd(0, 'r+')
ctl.sync = true
ctl.write("ready\n")
while (line = ctl.gets)
  cpu, fsize, nofile, nproc, as, main = line.chomp.split(' ', 6)
  before = Process.times
  pid = fork do
    ctl.close
    $stdin.reopen('/dev/null')
    Process.setsid
    Process.setrlimit(:CPU, cpu.to_i, cpu.to_i + 1)
    Process.setrlimit(:FSIZE, fsize.to_i)
    Process.setrlimit(:NOFILE, nofile.to_i)
    Process.setrlimit(:NPROC, nproc.to_i)
    Process.setrlimit(:CORE, 0)
    Process.setrlimit(:AS, as.to_i) if as.to_i > 0
    Dir.chdir('/tmp')
    $0 = main
    load main
  end
  ctl.write("pid #{pid}\n")
  _, status = Process.wait2(pid)
  after = Process.times
  ms = ((after.cutime + after.cstime) - (before.cutime + before.cstime)) * 1000
  ctl.write("exit #{status.exited? ? status.exitstatus : '-'} #{status.signaled? ? status.termsig : '-'} #{ms.round(1)}\n")
end
exit!(0)
`;

// core/sandbox/languages/ruby.ts
function classify4(outcome) {
  const base = classifyExit(outcome, {
    syntaxError: /syntax errors? found|syntax error,|\(SyntaxError\)/,
    memoryError: /NoMemoryError|failed to allocate memory/
  });
  const summary = /(\d+) tests, \d+ assertions, (\d+) failures, (\d+) errors/.exec(outcome.stdout.text);
  if (!summary) return base;
  const total = Number(summary[1]);
  return { ...base, testsTotal: total, testsPassed: Math.max(0, total - Number(summary[2]) - Number(summary[3])) };
}
var ruby = {
  id: "ruby",
  displayName: "Ruby",
  multiplE: "rb",
  debianPackages: ["ruby"],
  executables: ["ruby"],
  memory: "address-space",
  prepare: (program) => ({ ok: true, files: [{ path: "main.rb", content: program }] }),
  run: () => ({ argv: ["ruby", "main.rb"], zygote: { key: "ruby", argv: ["ruby", "-e", RUBY_ZYGOTE], main: "./main.rb" } }),
  classify: classify4,
  smoke: {
    ok: "require 'test/unit'\ndef add(a, b)\n  a + b\nend\nclass TestAdd < Test::Unit::TestCase\n  def test_add\n    assert_equal(5, add(2, 3))\n  end\nend\n",
    notOk: "require 'test/unit'\nclass TestAdd < Test::Unit::TestCase\n  def test_add\n    assert_equal(3, 1 + 1)\n  end\nend\n"
  }
};

// core/sandbox/languages/rust.ts
import { execFile as execFile5 } from "node:child_process";
import { promisify as promisify5 } from "node:util";
var RUSTC = "/usr/bin/rustc";
var targetLibdir = /* @__PURE__ */ (() => {
  let dir = null;
  return () => dir ??= promisify5(execFile5)(RUSTC, ["--print", "target-libdir"]).then((r) => r.stdout.trim());
})();
async function warmFlags() {
  const libdir = await targetLibdir();
  return ["-C", "prefer-dynamic", "-C", `link-args=-Wl,-rpath,${libdir}`, "-C", "codegen-units=1", "-C", "link-arg=-fuse-ld=gold"];
}
function classify5(outcome) {
  const base = classifyExit(outcome, { memoryError: /memory allocation of \d+ bytes failed/ });
  const summary = /test result: \w+\. (\d+) passed; (\d+) failed/.exec(outcome.stdout.text);
  if (!summary) return base;
  const passed = Number(summary[1]);
  return { ...base, testsPassed: passed, testsTotal: passed + Number(summary[2]) };
}
var rust = {
  id: "rust",
  displayName: "Rust",
  multiplE: "rs",
  debianPackages: ["rustc"],
  executables: [RUSTC],
  memory: "address-space",
  async prepare(program, context = DEFAULT_CONTEXT) {
    const harness = context.harness === "humaneval-x" ? ["--test", "--edition", "2021"] : [];
    const flags = isWarm(context) ? await warmFlags() : [];
    const build = [RUSTC, ...harness, ...flags, "main.rs", "-o", ARTIFACT];
    return {
      ok: true,
      files: [
        { path: "main.rs", content: program },
        { path: "build.sh", content: `exec ${shLine(build)}
` },
        { path: "run.sh", content: `chmod +x ${ARTIFACT} && exec ./${ARTIFACT}
` }
      ]
    };
  },
  compile: compiledStep,
  run: runScript,
  classify: classify5,
  smoke: {
    ok: "fn add(a: i32, b: i32) -> i32 { a + b }\nfn main() { assert_eq!(add(2, 3), 5); }\n",
    notOk: "fn main() { assert_eq!(1 + 1, 3); }\n"
  }
};

// core/sandbox/languages/typescript.ts
import { transform } from "esbuild";
import { createRequire as createRequire2 } from "node:module";
import { dirname as dirname7 } from "node:path";
var TSC = (() => {
  try {
    return createRequire2(import.meta.url).resolve("typescript/lib/tsc.js");
  } catch {
    return null;
  }
})();
var syntaxError = (message) => ({
  ok: false,
  classification: { status: "SyntaxError", testsPassed: null, testsTotal: null },
  message
});
async function prepare(program, context) {
  if (context?.warm === false) {
    if (!TSC) {
      return {
        ok: false,
        classification: { status: "SandboxError", testsPassed: null, testsTotal: null },
        message: "the TypeScript baseline needs tsc (the typescript npm package), which is not installed\n"
      };
    }
    return { ok: true, files: [{ path: "main.ts", content: program }] };
  }
  try {
    const out = await transform(program, { loader: "ts", target: "esnext", sourcefile: "main.ts", logLevel: "silent" });
    return { ok: true, files: [{ path: "main.js", content: out.code }] };
  } catch (err) {
    const errors = err.errors;
    if (!errors?.length) throw err;
    return syntaxError(
      `${errors.map((e) => `main.ts:${e.location ? `${e.location.line}:${e.location.column + 1}` : ""} error: ${e.text}`).join("\n")}
`
    );
  }
}
var typescript = {
  id: "typescript",
  displayName: "TypeScript",
  multiplE: "ts",
  debianPackages: ["nodejs"],
  executables: ["node"],
  readOnlyPaths: TSC ? [dirname7(dirname7(TSC))] : [],
  memory: "runtime",
  addressSpaceHeadroomBytes: NODE_ADDRESS_HEADROOM,
  prepare,
  compile: {
    command: (limits, context) => context?.warm === false && TSC ? { ...nodeCommand(limits, TSC), argv: [...nodeCommand(limits, TSC).argv, "--target", "esnext", "main.ts"], collect: ["main.js"] } : null
  },
  run: (limits) => nodeCommand(limits, "main.js"),
  classify: classifyNode,
  smoke: {
    ok: "declare var require: any;\nconst assert = require('node:assert');\nfunction add(a: number, b: number): number { return a + b; }\nassert.deepEqual(add(2, 3), 5);\n",
    notOk: "declare var require: any;\nconst assert = require('node:assert');\nassert.deepEqual(1 + 1, 3);\n"
  }
};

// core/sandbox/languages/index.ts
var LANGUAGES = [python, javascript, typescript, cpp, java, csharp, php, bash, go, rust, lua, ruby];

// core/sandbox/result-cache.ts
import { createHash as createHash6 } from "node:crypto";
import { mkdirSync as mkdirSync5, readFileSync as readFileSync10, renameSync as renameSync4, writeFileSync as writeFileSync10 } from "node:fs";
import { join as join13 } from "node:path";
var CACHE_VERSION = "v1";
function cacheKey(parts2) {
  const hash = createHash6("sha256");
  hash.update(CACHE_VERSION);
  for (const part of parts2) {
    hash.update(`\0${part.length}\0`);
    hash.update(part);
  }
  return hash.digest("hex");
}
var ResultCache = class {
  constructor(dir = null, maxEntries = 2e4) {
    this.dir = dir;
    this.maxEntries = maxEntries;
    if (dir) mkdirSync5(dir, { recursive: true });
  }
  dir;
  maxEntries;
  memory = /* @__PURE__ */ new Map();
  get(key) {
    const hit = this.memory.get(key);
    if (hit !== void 0) return hit;
    if (!this.dir) return void 0;
    try {
      const value = JSON.parse(readFileSync10(this.file(key), "utf8"));
      this.remember(key, value);
      return value;
    } catch {
      return void 0;
    }
  }
  set(key, value) {
    this.remember(key, value);
    if (!this.dir) return;
    const path = this.file(key);
    mkdirSync5(join13(this.dir, key.slice(0, 2)), { recursive: true });
    const partial = `${path}.${process.pid}.tmp`;
    writeFileSync10(partial, JSON.stringify(value));
    renameSync4(partial, path);
  }
  get size() {
    return this.memory.size;
  }
  remember(key, value) {
    this.memory.delete(key);
    this.memory.set(key, value);
    if (this.memory.size > this.maxEntries) {
      const oldest = this.memory.keys().next().value;
      if (oldest !== void 0) this.memory.delete(oldest);
    }
  }
  file(key) {
    return join13(this.dir, key.slice(0, 2), `${key.slice(2)}.json`);
  }
};

// core/sandbox/verdict.ts
function emptyOutput() {
  return { text: "", bytes: 0, truncated: false };
}

// core/sandbox/runner.ts
var ARTIFACT_CACHE_BYTES = 256 * 1024 ** 2;
function verdict(status) {
  return { status, testsPassed: null, testsTotal: null };
}
var SandboxRunner = class {
  isolation;
  languages;
  warm;
  cache;
  inFlight = /* @__PURE__ */ new Map();
  artifacts = /* @__PURE__ */ new Map();
  artifactBytes = 0;
  idle = [];
  waiting = [];
  slots = [];
  closed = false;
  constructor(options = {}) {
    this.languages = options.languages ?? LANGUAGES;
    const readOnlyPaths = [...new Set(this.languages.flatMap((l) => l.readOnlyPaths ?? []))];
    this.isolation = createIsolation({ readOnlyPaths, mechanism: options.isolation ?? "auto" });
    this.warm = options.warm ?? true;
    this.cache = new ResultCache(options.cacheDir ?? null);
    const jobs = Math.max(1, Math.floor(options.jobs ?? 2));
    for (let i = 0; i < jobs; i++) {
      const slot = { worker: null };
      this.slots.push(slot);
      this.idle.push(slot);
    }
  }
  get capabilities() {
    return this.isolation.capabilities;
  }
  get jobs() {
    return this.slots.length;
  }
  availability() {
    return this.languages.map(availability);
  }
  findLanguage(id) {
    return this.languages.find((l) => l.id === id || l.multiplE === id);
  }
  run(request) {
    const language = this.findLanguage(request.language);
    if (!language) return Promise.resolve(sandboxError(`unknown language '${request.language}'`));
    const avail = availability(language);
    if (!avail.available) return Promise.resolve(sandboxError(unavailableMessage(avail)));
    let limits;
    try {
      limits = resolveLimits(request.limits);
    } catch (err) {
      return Promise.resolve(sandboxError(err instanceof Error ? err.message : String(err)));
    }
    const context = request.context ?? DEFAULT_CONTEXT;
    const key = cacheKey([language.id, request.program, limitsKey(limits), ...contextKey(context)]);
    const hit = this.cache.get(key);
    if (hit) return Promise.resolve({ ...hit, cached: true });
    const running = this.inFlight.get(key);
    if (running) return running.then((r) => ({ ...r, cached: true }));
    const promise = this.withSlot((slot) => this.execute(slot, language, request.program, limits, context)).then((result) => {
      this.inFlight.delete(key);
      if (result.status !== "SandboxError") this.cache.set(key, result);
      return result;
    });
    this.inFlight.set(key, promise);
    return promise;
  }
  async runBatch(requests, options = {}) {
    let done = 0;
    return await Promise.all(
      requests.map(async (request, index) => {
        const result = await this.run(request);
        done++;
        options.onProgress?.({ done, total: requests.length, index, result });
        return result;
      })
    );
  }
  async close() {
    this.closed = true;
    await Promise.all(this.slots.map((slot) => slot.worker?.close()));
    for (const slot of this.slots) slot.worker = null;
  }
  async withSlot(work) {
    const slot = this.idle.pop() ?? await new Promise((resolve2) => this.waiting.push(resolve2));
    try {
      return await work(slot);
    } finally {
      const next = this.waiting.shift();
      if (next) next(slot);
      else this.idle.push(slot);
    }
  }
  async runJob(slot, job) {
    if (!this.warm || this.closed) return await this.isolation.runOnce(job);
    slot.worker ??= await this.isolation.openWorker();
    return await slot.worker.run(job);
  }
  async execute(slot, language, program, limits, context) {
    const started = performance.now();
    let prepared;
    try {
      prepared = await language.prepare(program, context);
    } catch (err) {
      return sandboxError(`${language.id}: prepare failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (!prepared.ok) {
      const message = Buffer.from(prepared.message);
      const stderr = capturedFrom(message.subarray(0, limits.outputBytes), message.length);
      return {
        ...prepared.classification,
        exitCode: null,
        signal: null,
        phase: "prepare",
        wallMs: performance.now() - started,
        cpuMs: null,
        stdout: emptyOutput(),
        stderr,
        detail: firstLine(prepared.message),
        cached: false
      };
    }
    let files = prepared.files;
    const headroom = language.addressSpaceHeadroomBytes;
    const address = language.memory === "address-space" || headroom !== void 0;
    const addressSpaceBytes = (step) => step.memoryBytes + (language.memory === "runtime" ? headroom ?? 0 : 0);
    if (language.compile) {
      const compileKey = cacheKey(["compile", language.id, program, ...contextKey(context)]);
      const known = this.artifacts.get(compileKey);
      const compileLimits = { ...DEFAULT_COMPILE_LIMITS, outputBytes: limits.outputBytes };
      const command2 = known ? null : language.compile.command(compileLimits, context);
      if (known) {
        files = known.files;
      } else if (command2) {
        const outcome2 = await this.runJob(slot, {
          argv: command2.argv,
          env: command2.env,
          files: [...files, ...command2.files ?? []],
          limits: compileLimits,
          addressSpaceLimit: address,
          addressSpaceBytes: addressSpaceBytes(compileLimits),
          collect: command2.collect
        });
        const classification2 = generic(outcome2) ?? (language.compile.classify ?? classifyCompile)(outcome2);
        if (classification2.status !== "OK") return resultOf(outcome2, classification2, "compile", compileLimits);
        files = Object.entries(outcome2.collected).map(([path, content]) => ({ path, content, executable: true }));
        this.rememberArtifact(compileKey, files);
      }
    }
    const command = language.run(limits, context);
    const outcome = await this.runJob(slot, {
      argv: command.argv,
      env: command.env,
      files: [...files, ...command.files ?? []],
      limits,
      addressSpaceLimit: address,
      addressSpaceBytes: addressSpaceBytes(limits),
      inlinePython: command.inlinePython,
      zygote: command.zygote
    });
    const classification = generic(outcome) ?? language.classify(outcome, context);
    return resultOf(outcome, classification, "run", limits);
  }
  rememberArtifact(key, files) {
    const bytes = files.reduce((n, f) => n + (typeof f.content === "string" ? Buffer.byteLength(f.content) : f.content.length), 0);
    if (bytes > ARTIFACT_CACHE_BYTES / 4) return;
    this.artifacts.set(key, { files, bytes });
    this.artifactBytes += bytes;
    for (const [oldKey, old] of this.artifacts) {
      if (this.artifactBytes <= ARTIFACT_CACHE_BYTES) break;
      this.artifacts.delete(oldKey);
      this.artifactBytes -= old.bytes;
    }
  }
};
function contextKey(context) {
  return [context.harness, context.link.join(" "), context.supportDir ?? "", String(context.warm ?? true)];
}
function generic(outcome) {
  if (outcome.sandboxError !== null) return verdict("SandboxError");
  if (outcome.timedOut) return verdict("Timeout");
  if (outcome.outputLimitExceeded) return verdict("OutputLimit");
  if (outcome.supervisorLost) return verdict("Exception");
  return null;
}
function resultOf(outcome, classification, phase, limits) {
  return {
    ...classification,
    exitCode: outcome.exitCode,
    signal: outcome.signal,
    phase,
    wallMs: Math.round(outcome.wallMs * 10) / 10,
    cpuMs: outcome.cpuMs === null ? null : Math.round(outcome.cpuMs * 10) / 10,
    stdout: outcome.stdout,
    stderr: outcome.stderr,
    detail: detailOf(outcome, classification, phase, limits),
    cached: false
  };
}
function detailOf(outcome, c, phase, limits) {
  switch (c.status) {
    case "OK":
      return null;
    case "SandboxError":
      return `sandbox: ${outcome.sandboxError ?? "unknown failure"}`;
    case "Timeout":
      return `${phase === "compile" ? "compiler " : ""}killed after ${limits.timeoutMs / 1e3} s`;
    case "OutputLimit":
      return `killed after writing more than ${limits.outputHardCapBytes} bytes`;
    default:
      if (outcome.supervisorLost) return firstLine(outcome.stderr.text);
      return errorLine(outcome.stderr.text) ?? errorLine(outcome.stdout.text) ?? (outcome.signal ? `killed by ${outcome.signal}` : `exit code ${outcome.exitCode}`);
  }
}
function firstLine(text) {
  const line = text.split("\n").find((l) => l.trim() !== "");
  return line ? line.trim().slice(0, 300) : null;
}
function errorLine(text) {
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  const line = lines.findLast((l) => /error|exception|fail/i.test(l)) ?? lines.at(-1);
  return line ? line.trim().slice(0, 300) : null;
}
function sandboxError(message) {
  return {
    status: "SandboxError",
    testsPassed: null,
    testsTotal: null,
    exitCode: null,
    signal: null,
    phase: "prepare",
    wallMs: 0,
    cpuMs: null,
    stdout: emptyOutput(),
    stderr: emptyOutput(),
    detail: message,
    cached: false
  };
}

// ../../tmp/calib/calib.ts
var args = Object.fromEntries(process.argv.slice(2).map((a) => a.split("=")));
var problems = loadProblems("/work/main/resources/default-set/problems.jsonl", "normalized");
var train = problems.filter((p) => splitOf(p.task_id) === "train");
var heldout = problems.filter((p) => splitOf(p.task_id) === "heldout");
var tok = trainTokenizer(train.flatMap((p) => [p.prompt, p.canonical_solution]), { vocabSize: Number(args.vocab ?? 512) });
var special = specialIds(tok);
var cfg = transformerConfig({ arch: "llama", vocabSize: tok.vocabSize, maxSeqLen: 160, nLayer: Number(args.layers ?? 4), nHead: 4, nEmbd: Number(args.embd ?? 128) });
console.log("params", parameterCount(transformerParams(cfg)), "vocab", tok.vocabSize);
var engine = await Engine.start();
var t0 = performance.now();
var evalAt = (args.evals ?? "").split(",").filter(Boolean).map(Number);
var sft = await trainSft(engine, { config: cfg }, tok, { train, heldout }, { steps: Number(args.steps ?? 170), lr: Number(args.lr ?? 2e-3), batchSize: Number(args.batch ?? 64), seed: Number(args.seed ?? 0) }, {
  onProgress: (p) => {
    if (p.done % 20 === 0) console.log("step", p.done, p.loss?.toFixed(3), ((performance.now() - t0) / 1e3).toFixed(1) + "s");
  }
});
console.log("sft", JSON.stringify({ ...sft.metrics, losses: void 0 }));
var runner = new SandboxRunner({ jobs: 2 });
var t1 = performance.now();
var sc = samplingConfigSchema.parse({ n: 8, temperature: 1, maxNewTokens: 48, seed: 1, stop: ["\ndef ", "\nassert", "\nprint"], rowsPerBatch: Number(args.rows ?? 64) });
var samples = await sampleTokens(engine, sft.model, tok, special, heldout.map((p) => promptTokens(tok, special, p.prompt)), sc);
var genTokens = samples.reduce((s, x) => s + x.tokens.length, 0);
console.log("sampled", samples.length, "tokens", genTokens, "in", ((performance.now() - t1) / 1e3).toFixed(1), "s");
var t2 = performance.now();
var results = await runner.runBatch(samples.map((s) => ({ language: "python", program: assembleProgram(heldout[s.prompt], s.text) })));
console.log("executed in", ((performance.now() - t2) / 1e3).toFixed(1), "s");
var pass = results.map((r) => r.status === "OK");
var mean2 = pass.filter(Boolean).length / pass.length;
var both = 0;
for (let i = 0; i < heldout.length; i++) {
  const p = pass.slice(i * 8, i * 8 + 8);
  if (p.some(Boolean) && !p.every(Boolean)) both++;
}
console.log("heldout pass@1", mean2.toFixed(3), "mixed problems", (both / heldout.length).toFixed(2));
for (let i = 0; i < 6; i++) console.log(JSON.stringify(samples[i * 8].text), pass[i * 8], samples[i * 8].finish);
await runner.close();
await engine.close();
