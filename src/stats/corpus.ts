// The text corpus behind the covariance statistics (the reference uses Wikipedia articles).
// A sample is one line of a plain text file that holds something other than whitespace and is
// not a wikitext heading (" = Title = ", " = = Section = = "): headings are a few tokens each and
// would weight the statistics towards the first positions of short, padded rows. Files are read
// in bounded chunks, so a corpus of any size streams through.
import { closeSync, openSync, readSync } from "node:fs";
import { causeOf, withFsContext } from "../io/fs-errors.js";

/** One sample and where it came from (1-based line number), for error messages. */
export interface CorpusSample {
  text: string;
  file: string;
  line: number;
  /** 0-based index of the sample in the whole corpus */
  index: number;
}

const READ_BYTES = 1 << 20;
const WIKITEXT_HEADING = /^\s*(=(?:\s*=)*)\s+\S.*?\s+\1\s*$/;

/** Whether a line is a sample: not blank and not a wikitext heading. */
export function isSampleLine(line: string): boolean {
  return line.trim().length > 0 && !WIKITEXT_HEADING.test(line);
}

/** Lines of a text file (UTF-8, "\n" or "\r\n" endings), streamed. */
export function* fileLines(file: string): Generator<string> {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch (error) {
    throw new Error(`${file}: cannot open corpus file: ${causeOf(error)}`, { cause: error });
  }
  try {
    const decoder = new TextDecoder("utf-8");
    const buffer = new Uint8Array(READ_BYTES);
    let rest = "";
    const read = () =>
      withFsContext(file, "read the corpus file", () => readSync(fd, buffer, 0, READ_BYTES, null));
    for (let count; (count = read()) > 0;) {
      const lines = (rest + decoder.decode(buffer.subarray(0, count), { stream: true })).split("\n");
      rest = lines.pop() as string;
      for (const line of lines) yield stripCarriageReturn(line);
    }
    rest += decoder.decode();
    if (rest.length > 0) yield stripCarriageReturn(rest);
  } finally {
    closeSync(fd);
  }
}

/** The corpus's samples in order: file by file, line by line. */
export function* corpusSamples(files: readonly string[]): Generator<CorpusSample> {
  let index = 0;
  for (const file of files) {
    let line = 0;
    for (const text of fileLines(file)) {
      line++;
      if (isSampleLine(text)) yield { text, file, line, index: index++ };
    }
  }
}

/** Number of samples in each file. */
export function countSamples(files: readonly string[]): number[] {
  return files.map((file) => {
    let count = 0;
    for (const line of fileLines(file)) if (isSampleLine(line)) count++;
    return count;
  });
}

/** Throws, naming each file and its sample count, when the corpus holds fewer than `wanted` samples. */
export function requireSamples(files: readonly string[], wanted: number): void {
  const counts = countSamples(files);
  const total = counts.reduce((a, b) => a + b, 0);
  if (total >= wanted) return;
  const perFile = files.map((file, i) => `${file}: ${counts[i]}`).join(", ");
  throw new Error(`the corpus has ${total} samples (${perFile}), fewer than the ${wanted} asked for`);
}

function stripCarriageReturn(line: string): string {
  return line.endsWith("\r") ? line.slice(0, -1) : line;
}
