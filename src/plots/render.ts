// Charts as standalone SVG, rendered in Node without a browser: a Vega-Lite specification
// (Satyanarayan et al., "Vega-Lite: A Grammar of Interactive Graphics", 2017) is compiled to Vega
// and drawn by a headless vega.View with the SVG renderer (no canvas needed). The SVG embeds its
// own styles, so it can be written as a file or inlined into a page (./page.ts).
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";

export type ChartSpec = TopLevelSpec;

export interface RenderOptions {
  /** called with each warning of the Vega-Lite compiler or the Vega runtime (default: ignored) */
  onWarning?: (message: string) => void;
}

/** The SVG text of a Vega-Lite chart (data inline in the spec: nothing is fetched). */
export async function renderSvg(spec: ChartSpec, options: RenderOptions = {}): Promise<string> {
  // Vega reports problems through loggers: collect them (library code never prints), hand warnings
  // to the caller and fail on errors, so that a chart never comes out silently empty.
  const errors: string[] = [];
  const logger = vega.logger(vega.Warn, undefined, (_method, level, args) => {
    const message = args.map(String).join(" ");
    if (level === "ERROR") errors.push(message);
    else options.onWarning?.(message);
  });
  let compiled: vega.Spec;
  try {
    compiled = compile(spec, { logger }).spec;
  } catch (error) {
    throw new Error(`chart specification is not valid Vega-Lite: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if ((compiled.data ?? []).some((d) => "url" in d))
    throw new Error("charts render from inline data only: the specification names a data URL");
  const view = new vega.View(vega.parse(compiled), { renderer: "none", logger });
  try {
    const svg = await view.toSVG();
    if (errors.length > 0) throw new Error(`chart rendering failed: ${errors.join("; ")}`);
    return svg;
  } finally {
    view.finalize();
  }
}
