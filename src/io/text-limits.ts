// Bounds on text read from request and record files, checked before anything is tokenised
// (issue 14: a 50 MB target string hung `edit` for minutes, since every character was tokenised
// before the tokens were checked against the model's positions; 4 M characters took 13.7 s and
// 1.2 GB). A fact's prompt, subject or target is a sentence at most; 65,536 characters is more
// than any supported model's context holds of ordinary text, so nothing legitimate is refused.
export const MAX_TEXT_CHARS = 65536;

/** `text` itself, or an error naming `field` when it is longer than MAX_TEXT_CHARS. */
export function requireBoundedText(text: string, field: string): string {
  if (text.length > MAX_TEXT_CHARS)
    throw new Error(
      `field "${field}" is ${text.length} characters long, at most ${MAX_TEXT_CHARS} are accepted`,
    );
  return text;
}
