/** Types of `serve.mjs`. */
export declare function serveStatic(
  dir: string,
  options?: { port?: number; isolated?: boolean },
): Promise<{ url: string; close: () => Promise<void> }>;
