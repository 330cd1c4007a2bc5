/**
 * Renders Vega-Lite specifications to SVG strings in Node, without a browser: vega-lite compiles the spec
 * to Vega, a headless `vega.View` (renderer 'none') draws it with `toSVG()`. vega and vega-lite are
 * ESM-only, so they are imported dynamically (this also works from the CommonJS build of this package).
 */
import type { VegaLiteSpec } from './charts.js';

interface VegaModules {
  readonly vega: typeof import('vega');
  readonly vegaLite: typeof import('vega-lite');
}

let modules: Promise<VegaModules> | undefined;

function loadVega(): Promise<VegaModules> {
  modules ??= Promise.all([import('vega'), import('vega-lite')]).then(([vega, vegaLite]) => ({ vega, vegaLite }));
  return modules;
}

/** The SVG of a Vega-Lite specification (data inline; nothing is fetched). */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  const { vega, vegaLite } = await loadVega();
  const compiled = vegaLite.compile(spec as unknown as Parameters<typeof vegaLite.compile>[0]).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
