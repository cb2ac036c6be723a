/**
 * The core child's entry: notes the time of its first line before any of the core is loaded, so
 * "core start to first list" can be told from here (scripts/bench/core-child.ts).
 */
(globalThis as { __benchT0?: number }).__benchT0 = performance.now();
await import('./core-child.js');
export {};
