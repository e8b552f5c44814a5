// Edit requests from zsRE records in the MEND format, mapped as the ROME/MEMIT reference's
// `dsets/zsre.py` builds `requested_rewrite`: prompt = `src` with the subject replaced by "{}",
// subject = `subject`, target_new = answers[0] (with the leading space memit_main gives a target).
// The reference's target_true is GPT-2's "<|endoftext|>", a placeholder no metric reads, so no
// targetTrue is set. The case id is the record's index, as there.
import { isZsreRecord, validateZsreRecord, zsreCase, type ZsreCase } from "../../data/zsre/records.js";
import type { EditRequest } from "./types.js";

export { isZsreRecord };

/** The request of an already mapped zsRE case. */
export function zsreCaseRequest(c: ZsreCase): EditRequest {
  return {
    prompt: c.prompt,
    subject: c.subject,
    targetNew: /^\s/.test(c.targetNew) ? c.targetNew : ` ${c.targetNew}`,
    id: c.caseId,
  };
}

/** Validates one parsed zsRE record (`where` prefixes errors) and maps it to a request. */
export function zsreRequest(value: unknown, index: number, where: string): EditRequest {
  return zsreCaseRequest(zsreCase(validateZsreRecord(value, where), index));
}
