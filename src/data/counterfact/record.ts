// The CounterFact record format (Meng et al., "Locating and Editing Factual Associations in GPT",
// 2022: `counterfact.json` / `multi_counterfact.json`), field for field as published. The fact
// world (../world/counterfact.ts) writes it; ./parse.ts reads and validates it; eval scores it.

/** An object as CounterFact writes it: surface string (no leading space) and an id. */
export interface CounterFactTarget {
  /** Surface form completing a prompt, e.g. "Lisbon". */
  str: string;
  /** Wikidata Q-id (the synthetic world uses "W<n>" for its own entities). */
  id: string;
}

export interface CounterFactRecord {
  case_id: number;
  pararel_idx?: number;
  requested_rewrite: {
    /** A template with "{}" for the subject. */
    prompt: string;
    relation_id: string;
    target_new: CounterFactTarget;
    target_true: CounterFactTarget;
    subject: string;
  };
  paraphrase_prompts: string[];
  neighborhood_prompts: string[];
  attribute_prompts: string[];
  generation_prompts: string[];
}
