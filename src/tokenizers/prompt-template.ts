// CounterFact-style prompt templates: a string with exactly one "{}" where the subject goes
// (e.g. "{} is located in the city of"), as in the ROME/MEMIT reference's `prompt.format(subject)`.

export const SUBJECT_PLACEHOLDER = "{}";

/** Character offset of the single "{}" in `template`; throws when there is none or more than one. */
export function placeholderOffset(template: string): number {
  const first = template.indexOf(SUBJECT_PLACEHOLDER);
  if (first < 0) throw new Error(`prompt template ${JSON.stringify(template)} has no "{}" for the subject`);
  if (template.indexOf(SUBJECT_PLACEHOLDER, first + 1) >= 0) {
    throw new Error(
      `prompt template ${JSON.stringify(template)} has more than one "{}" (expected exactly one)`,
    );
  }
  return first;
}

/** The template with its "{}" replaced by `subject`, verbatim (no trimming, no brace escaping). */
export function fillTemplate(template: string, subject: string): string {
  const offset = placeholderOffset(template);
  return template.slice(0, offset) + subject + template.slice(offset + SUBJECT_PLACEHOLDER.length);
}
