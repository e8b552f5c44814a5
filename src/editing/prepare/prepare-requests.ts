// From text requests to token form (kmeng01/memit compute_z.py: rewriting prompts =
// context.format(prompt) + decode(target[:-1]); KL prompt "{} is a"; lookup = the subject's last
// token, `find_fact_lookup_idx`). Unlike the reference, the target's tokens are appended as ids
// rather than decoded and re-encoded, so the teacher-forced positions are exactly the target's.
import type { Tokenizer } from "../../tokenizers/tokenizer.js";
import { locateSubjectInTemplate } from "../../tokenizers/subject-location.js";
import { encodeContinuation } from "../../runtime/score.js";
import type { EditHparams } from "../hparams/types.js";
import type { EditRequest } from "../requests/types.js";
import type { PreparedRequest, PromptAt } from "./prepared-request.js";

export const KL_PROMPT = "{} is a";

/** Puts `prompt` (which holds the subject's "{}") where the context template has its "{}". */
export function applyContextTemplate(context: string, prompt: string): string {
  const at = context.indexOf("{}");
  if (at < 0) throw new Error(`context template ${JSON.stringify(context)} has no "{}"`);
  return context.slice(0, at) + prompt + context.slice(at + 2);
}

function promptAt(
  tokenizer: Tokenizer,
  template: string,
  subject: string,
  factToken: EditHparams["fact_token"],
): PromptAt {
  const located = locateSubjectInTemplate(tokenizer, template, subject);
  const lookup =
    factToken === "subject_last"
      ? located.lastIndex
      : factToken === "subject_first"
        ? located.start
        : located.ids.length - 1;
  return { ids: located.ids, lookup };
}

/** Token form of one request under the given context-template groups (groups[0] should be ["{}"]). */
export function prepareRequest(
  tokenizer: Tokenizer,
  request: EditRequest,
  templateGroups: readonly (readonly string[])[],
  factToken: EditHparams["fact_token"] = "subject_last",
): PreparedRequest {
  const plain = request.prompt.split("{}").join(request.subject);
  const { targetIds } = encodeContinuation(tokenizer, plain, request.targetNew);
  const rewrite = templateGroups.flatMap((group) =>
    group.map((context) =>
      promptAt(tokenizer, applyContextTemplate(context, request.prompt), request.subject, factToken),
    ),
  );
  return {
    request,
    targetIds,
    rewrite,
    groups: templateGroups.map((g) => g.length),
    kl: promptAt(tokenizer, KL_PROMPT, request.subject, factToken),
  };
}

export function prepareRequests(
  tokenizer: Tokenizer,
  requests: readonly EditRequest[],
  templateGroups: readonly (readonly string[])[],
  factToken: EditHparams["fact_token"] = "subject_last",
): PreparedRequest[] {
  return requests.map((request, i) => {
    try {
      return prepareRequest(tokenizer, request, templateGroups, factToken);
    } catch (error) {
      const name = request.id === undefined ? `request ${i}` : `request ${i} (${request.id})`;
      throw new Error(`${name}: ${(error as Error).message}`, { cause: error });
    }
  });
}
