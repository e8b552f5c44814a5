// Child process of the "load checkpoint memory" row: loads the checkpoint folder given as the
// first argument with loadModel and prints one JSON line with its resident-set figures, so the
// parent's own memory never mixes in.
// Peak RSS: Linux's VmHWM from /proc/self/status, first reset to the current RSS through
// /proc/self/clear_refs. Not getrusage's ru_maxrss: Linux carries it across exec, so a child
// forked from our big parent would report the parent's RSS. Elsewhere ru_maxrss is the fallback.
import { readFileSync, writeFileSync } from "node:fs";
import { loadModel } from "../src/models/load.js";

/** VmHWM in bytes, or null where /proc is unavailable. */
function procPeakRss(): number | null {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync("/proc/self/status", "utf8"));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

function resetPeakRss(): boolean {
  try {
    writeFileSync("/proc/self/clear_refs", "5"); // 5: reset the peak RSS to the current RSS
    return true;
  } catch {
    return false;
  }
}

const dir = process.argv[2];
if (!dir) throw new Error("usage: node dist/bench/load-child.js <checkpoint folder>");
const reset = resetPeakRss();
const rssBefore = process.memoryUsage().rss;
const start = process.hrtime.bigint();
const model = loadModel(dir);
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
const vmHwm = reset ? procPeakRss() : null;
const peakRss = vmHwm ?? process.resourceUsage().maxRSS * 1024; // maxRSS is in KiB
const method = vmHwm !== null ? "VmHWM" : "ru_maxrss";
const rssAfter = process.memoryUsage().rss;
const parameterBytes = model.parameterBytes();
console.log(JSON.stringify({ rssBefore, peakRss, method, rssAfter, parameterBytes, seconds }));
