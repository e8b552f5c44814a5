// Locates the subject's tokens inside a tokenized prompt: the span ROME/MEMIT read keys and
// residuals from (compute_ks and compute_z use the subject's last token). Indices refer to the
// exact id sequence `tokenizer.encode(prompt)` returns, special tokens (Llama's BOS) included.
//
// Method: character offsets. The subject's character range is found in the prompt (for a template,
// at its "{}"), then mapped to tokens by decoding growing prefixes of the prompt's own ids
// (token-character-spans.ts). Unlike the reference's "tokenize the prefix, count its tokens", this
// cannot drift when a merge crosses the subject's boundary ("Pari" in "Parisian", Llama merges
// without a pre-tokenizer); where both apply they give the same last token (tested). When decoding
// does not give back the prompt (special-token strings like "</s>" inside it), the reference's
// prefix encoding is the fallback. Every result is checked: the decoded span must contain the subject.
//
// Plain prompts: the subject's first occurrence is used by default, as the ROME reference's
// causal_trace `find_token_range` does (`whole_string.index(substring)`); `occurrence: "last"`
// picks the last one. Templates have exactly one "{}", so there is no choice to make.
import { fillTemplate, placeholderOffset } from "./prompt-template.js";
import { tokenRangeByPrefixEncoding, tokenRangeOfCharacters } from "./token-character-spans.js";
import type { Tokenizer } from "./tokenizer.js";

export interface LocateSubjectOptions {
  /** Encode the prompt with the post-processor's special tokens (Llama BOS), as the model sees it. Default true. */
  addSpecialTokens?: boolean;
  /** Which occurrence of the subject in a plain prompt to use. Default "first". */
  occurrence?: "first" | "last";
}

/** Where the subject sits in `ids`: tokens [start, end), the last of which is `lastIndex` (= end − 1). */
export interface SubjectLocation {
  start: number;
  end: number;
  lastIndex: number;
  /** The prompt's ids, exactly as `tokenizer.encode(prompt, { addSpecialTokens })` returns them. */
  ids: number[];
}

function checkSubject(subject: string): void {
  if (typeof subject !== "string" || subject.trim().length === 0) {
    throw new Error(`subject must be a non-empty string, got ${JSON.stringify(subject)}`);
  }
}

/** Position of `content` inside `withSpecial` (which adds the post-processor's tokens around it). */
function contentOffset(withSpecial: readonly number[], content: readonly number[], prompt: string): number {
  for (let offset = 0; offset + content.length <= withSpecial.length; offset++) {
    if (content.every((id, i) => withSpecial[offset + i] === id)) return offset;
  }
  throw new Error(
    `prompt ${JSON.stringify(prompt)}: its ids without special tokens do not appear inside its ids with them`,
  );
}

/** Token span of the prompt characters [charStart, charEnd), which hold `subject`. */
function locateCharacters(
  tokenizer: Tokenizer,
  prompt: string,
  subject: string,
  charStart: number,
  addSpecialTokens: boolean,
): SubjectLocation {
  const ids = tokenizer.encode(prompt, { addSpecialTokens });
  const content = addSpecialTokens ? tokenizer.encode(prompt, { addSpecialTokens: false }) : ids;
  const offset = addSpecialTokens ? contentOffset(ids, content, prompt) : 0;
  const charEnd = charStart + subject.length;
  const range =
    tokenRangeOfCharacters(tokenizer, content, prompt, charStart, charEnd) ??
    tokenRangeByPrefixEncoding(tokenizer, content, prompt, charStart, charEnd);
  const describe = `subject ${JSON.stringify(subject)} in prompt ${JSON.stringify(prompt)}`;
  if (range === null) {
    throw new Error(
      `${describe}: neither decoding the prompt's tokens nor encoding its prefixes lines up with its text`,
    );
  }
  const spanText = tokenizer.decode(content.slice(range.start, range.end), {
    cleanUpTokenizationSpaces: false,
  });
  if (!spanText.includes(subject.trim())) {
    throw new Error(
      `${describe}: tokens [${range.start}, ${range.end}) decode to ${JSON.stringify(spanText)}`,
    );
  }
  const start = offset + range.start;
  const end = offset + range.end;
  return { start, end, lastIndex: end - 1, ids };
}

/** Token span of `subject` inside the plain text `prompt` (see the file header for the rules). */
export function locateSubject(
  tokenizer: Tokenizer,
  prompt: string,
  subject: string,
  { addSpecialTokens = true, occurrence = "first" }: LocateSubjectOptions = {},
): SubjectLocation {
  checkSubject(subject);
  const charStart = occurrence === "last" ? prompt.lastIndexOf(subject) : prompt.indexOf(subject);
  if (charStart < 0) {
    throw new Error(`subject ${JSON.stringify(subject)} does not occur in prompt ${JSON.stringify(prompt)}`);
  }
  return locateCharacters(tokenizer, prompt, subject, charStart, addSpecialTokens);
}

/**
 * Fills the template's single "{}" with `subject` and returns the subject's token span in the filled
 * prompt (also returned, as `prompt`). The span is the one at "{}", even if the subject's text also
 * occurs elsewhere in the template.
 */
export function locateSubjectInTemplate(
  tokenizer: Tokenizer,
  template: string,
  subject: string,
  { addSpecialTokens = true }: Omit<LocateSubjectOptions, "occurrence"> = {},
): SubjectLocation & { prompt: string } {
  checkSubject(subject);
  const prompt = fillTemplate(template, subject);
  const location = locateCharacters(
    tokenizer,
    prompt,
    subject,
    placeholderOffset(template),
    addSpecialTokens,
  );
  return { ...location, prompt };
}
