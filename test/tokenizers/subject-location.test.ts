// locateSubject / locateSubjectInTemplate on GPT-2, the tiny Llama 3 fixture and aidreams260K
// (Llama 2 style, BOS + byte fallback): hand-checked spans, agreement with the ROME reference's
// "encode(prefix + subject).length − 1", BOS offsets, occurrences, the fallback path, and errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  fillTemplate,
  loadTokenizer,
  locateSubject,
  locateSubjectInTemplate,
} from "../../src/tokenizers/index.js";
import type { SubjectLocation, Tokenizer } from "../../src/tokenizers/index.js";
import { aidreamsDir, gpt2FixtureDir, llama3FixtureDir, skipWithoutAidreams } from "./paths.js";

const gpt2 = await loadTokenizer(gpt2FixtureDir);
const llama3 = await loadTokenizer(llama3FixtureDir);
const aidreams = skipWithoutAidreams ? null : await loadTokenizer(aidreamsDir);

/** Text of the located span, decoded without clean-up. */
function spanText(tokenizer: Tokenizer, location: SubjectLocation): string {
  return tokenizer.decode(location.ids.slice(location.start, location.end), {
    cleanUpTokenizationSpaces: false,
  });
}

const COUNTERFACT_CASES: [template: string, subject: string][] = [
  ["The mother tongue of {} is", "Danielle Darrieux"],
  ["{} is located in the continent of", "Vinson Massif"],
  ["{}, which is located in", "Autonomous University of Madrid"],
  ["{}'s mother tongue is", "Thomas Joannes Stieltjes"],
  ["The official language of {} is", "the Netherlands"],
  ["{} is developed by", "Apple A5"],
  ["Toko Yasuda, the {}", "guitar player"],
  ["What is the twin city of {}? It is", "Lyon"],
  ["{}", "Paris"],
  ["In 2024, {} (the company) said", "Microsoft"],
  ["She was born in {}.", "東京"],
  ["A {} walks into a bar", "café owner 😀"],
];

test("GPT-2: subject in the middle, at the start, before punctuation, and ending inside a token", () => {
  const middle = locateSubject(gpt2, "The Eiffel Tower is located in", "Eiffel Tower");
  assert.deepEqual([middle.start, middle.end, middle.lastIndex], [1, 5, 4]);
  assert.equal(spanText(gpt2, middle), " Eiffel Tower");
  assert.equal(gpt2.idToToken(middle.ids[middle.lastIndex]), "ĠTower");

  const atStart = locateSubject(gpt2, "Danielle Darrieux's mother tongue is", "Danielle Darrieux");
  assert.deepEqual([atStart.start, atStart.end], [0, 5]);
  assert.equal(spanText(gpt2, atStart), "Danielle Darrieux");
  assert.equal(gpt2.idToToken(atStart.ids[atStart.end]), "'s");

  const beforeComma = locateSubject(gpt2, "I live in Paris, France.", "Paris");
  assert.deepEqual([beforeComma.start, beforeComma.end], [3, 4]);
  assert.equal(gpt2.idToToken(beforeComma.ids[beforeComma.end]), ",");

  // "Pari" ends inside the token "ĠParis": the span is that whole token.
  const insideToken = locateSubject(gpt2, "I love Parisian food", "Pari");
  assert.deepEqual([insideToken.start, insideToken.end], [2, 3]);
  assert.equal(spanText(gpt2, insideToken), " Paris");
  assert.deepEqual(insideToken.ids, gpt2.encode("I love Parisian food"));
});

test("the last index agrees with the ROME reference on CounterFact-style templates (GPT-2, Llama 3)", () => {
  for (const tokenizer of [gpt2, llama3]) checkAgainstReference(tokenizer);
});

test("the last index agrees with the ROME reference on aidreams260K", { skip: skipWithoutAidreams }, () => {
  checkAgainstReference(aidreams!);
});

/** lastIndex = len(encode(prefix + subject)) − 1, shifted by the BOS the full prompt starts with. */
function checkAgainstReference(tokenizer: Tokenizer): void {
  for (const [template, subject] of COUNTERFACT_CASES) {
    const location = locateSubjectInTemplate(tokenizer, template, subject);
    assert.equal(location.prompt, fillTemplate(template, subject));
    assert.deepEqual(location.ids, tokenizer.encode(location.prompt));
    const bosCount =
      location.ids.length - tokenizer.encode(location.prompt, { addSpecialTokens: false }).length;
    const throughSubject = template.slice(0, template.indexOf("{}")) + subject;
    const referenceLast = bosCount + tokenizer.encode(throughSubject, { addSpecialTokens: false }).length - 1;
    assert.equal(location.lastIndex, referenceLast, `${tokenizer.source}: ${location.prompt}`);
    assert.equal(location.end, location.lastIndex + 1);
    assert.ok(spanText(tokenizer, location).includes(subject), `span of ${subject} in ${location.prompt}`);
  }
}

test("Llama 3: indices count the <|begin_of_text|> the post-processor adds", () => {
  const withBos = locateSubjectInTemplate(llama3, "The mother tongue of {} is", "Danielle Darrieux");
  const withoutBos = locateSubjectInTemplate(llama3, "The mother tongue of {} is", "Danielle Darrieux", {
    addSpecialTokens: false,
  });
  assert.equal(withBos.ids[0], llama3.bosTokenId);
  assert.deepEqual(withBos.ids.slice(1), withoutBos.ids);
  assert.equal(withBos.start, withoutBos.start + 1);
  assert.equal(withBos.lastIndex, withoutBos.lastIndex + 1);
  assert.equal(spanText(llama3, withBos), " Danielle Darrieux");
});

test(
  "aidreams260K: BOS offset, dummy-prefix space, punctuation after, byte fallback",
  {
    skip: skipWithoutAidreams,
  },
  () => {
    const tokenizer = aidreams!;
    // "<s>|▁Th|e|▁c|at": the subject "cat" is tokens 3 and 4 after BOS.
    const cat = locateSubject(tokenizer, "The cat", "cat");
    assert.deepEqual([cat.start, cat.end, cat.lastIndex], [3, 5, 4]);
    assert.deepEqual(cat.ids, [1, 368, 430, 273, 268]);
    const catNoBos = locateSubject(tokenizer, "The cat", "cat", { addSpecialTokens: false });
    assert.deepEqual([catNoBos.start, catNoBos.end, catNoBos.lastIndex], [2, 4, 3]);

    const atStart = locateSubject(tokenizer, "The cat", "The");
    assert.deepEqual([atStart.start, atStart.end], [1, 3]);

    // "<s>|▁|O|n|ce|…": the lone "▁" (dummy prefix) carries no character of "Once", so it is not in the span.
    const once = locateSubject(tokenizer, "Once upon a time", "Once");
    assert.deepEqual([once.start, once.end], [2, 5]);
    assert.equal(tokenizer.idToToken(once.ids[1]), "▁");

    const paris = locateSubject(tokenizer, "I dreamed of Paris, then", "Paris");
    assert.equal(spanText(tokenizer, paris), "Paris");
    assert.equal(tokenizer.idToToken(paris.ids[paris.end]), ",");

    // 東京 is six byte-fallback tokens; the span starts at the first byte of 東 and ends at the last of 京.
    const tokyo = locateSubject(tokenizer, "I saw 東京 today", "東京");
    assert.deepEqual(
      tokyo.ids.slice(tokyo.start, tokyo.end).map((id) => tokenizer.idToToken(id)),
      ["<0xE6>", "<0x9D>", "<0xB1>", "<0xE4>", "<0xBA>", "<0xAC>"],
    );
  },
);

test(
  "aidreams260K: '</s>' written in the prompt falls back to prefix encoding",
  { skip: skipWithoutAidreams },
  () => {
    const tokenizer = aidreams!;
    // Decoding gives "<s>  and </s>  text", not the prompt, so characters cannot be mapped by decoding.
    const text = locateSubject(tokenizer, "<s> and </s> text", "text");
    assert.deepEqual(text.ids, [1, 1, 429, 351, 429, 2, 429, 263, 430, 458, 434]);
    assert.deepEqual([text.start, text.end, text.lastIndex], [6, 11, 10]);
    const and = locateSubject(tokenizer, "<s> and </s> text", "and");
    assert.deepEqual([and.start, and.end], [2, 4]);
  },
);

test("plain prompts: first occurrence by default, last on request; templates use their {}", () => {
  const prompt = "Paris is the capital of France, and Paris is big";
  const first = locateSubject(gpt2, prompt, "Paris");
  const last = locateSubject(gpt2, prompt, "Paris", { occurrence: "last" });
  assert.deepEqual([first.start, first.end], [0, 1]);
  assert.ok(last.start > first.end);
  assert.equal(spanText(gpt2, last), " Paris");
  assert.equal(gpt2.idToToken(last.ids[last.end]), "Ġis");

  const templated = locateSubjectInTemplate(gpt2, "Paris or {}? Paris", "Paris");
  assert.equal(templated.prompt, "Paris or Paris? Paris");
  assert.deepEqual([templated.start, templated.end], [2, 3]);
});

test("errors name the subject and the prompt or template", () => {
  assert.throws(
    () => locateSubject(gpt2, "The Eiffel Tower is in", "Louvre"),
    /subject "Louvre" does not occur in prompt "The Eiffel Tower is in"/,
  );
  assert.throws(
    () => locateSubject(gpt2, "The Eiffel Tower is in", ""),
    /subject must be a non-empty string/,
  );
  assert.throws(
    () => locateSubject(gpt2, "The Eiffel Tower is in", "  "),
    /subject must be a non-empty string/,
  );
  assert.throws(() => locateSubjectInTemplate(gpt2, "no placeholder", "x"), /"no placeholder" has no "{}"/);
  assert.throws(() => locateSubjectInTemplate(gpt2, "{} and {}", "x"), /more than one "{}"/);
});
