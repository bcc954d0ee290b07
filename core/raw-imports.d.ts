// Code in other languages lives in files of its own language and is imported as text (Vite's `?raw`, which the
// bundled CLI and Vitest both resolve), so each is checked by its own toolchain (test/core/sandbox/sources.test.ts).
declare module '*?raw' {
  const text: string;
  export default text;
}
