// Types of the synthetic fact world: fictional subjects (entities) of a few kinds, relations with
// Wikidata-style ids and several phrasings each, and the facts that tie a subject to one object
// (each fact also names the phrasings held out for its subject).
// The world is plain data (JSON-serialisable) so it can be written to disk and read back as is.

/** What a subject is; each relation applies to some kinds only. */
export type EntityKind = "musician" | "athlete" | "scientist" | "writer" | "company" | "product" | "town";

/** The pronoun a biography uses after the first mention of a subject. */
export type Pronoun = "he" | "she" | "it";

/** An object value as CounterFact writes it: surface string (no leading space) and an id. */
export interface WorldObject {
  /** Surface form completing a prompt, e.g. "Lisbon". */
  str: string;
  /** Wikidata Q-id for real-world objects, "W<n>" for the world's own entities. */
  id: string;
}

/** A fictional subject. */
export interface Entity {
  /** Stable id "W<n>", unique in the world. */
  id: string;
  /** Full name; no subject name is a substring of another's. */
  name: string;
  kind: EntityKind;
  pronoun: Pronoun;
}

/**
 * A relation with its object set and phrasings; templates hold "{}" for the subject. Every phrasing
 * is used in training for most subjects; each fact names the few held out for its own subject.
 */
export interface Relation {
  /** Wikidata property id, e.g. "P19". */
  id: string;
  /** Human-readable name, e.g. "place of birth". */
  label: string;
  /** Subject kinds the relation applies to. */
  subjectKinds: EntityKind[];
  /** Every object the relation can take (target_new is drawn from here). */
  objects: WorldObject[];
  /** Phrasings of the relation; the object completes the sentence at the end. */
  templates: string[];
  /** Open prompts about the subject for generation tests (CounterFact's generation_prompts). */
  generationTemplates: string[];
}

/** One (subject, relation, object) triple. */
export interface Fact {
  subjectId: string;
  subject: string;
  relationId: string;
  object: WorldObject;
  /**
   * Indices (ascending) into the relation's templates of the phrasings held out for this subject:
   * never stated about it in any training text; evaluation only (paraphrases, held-out probes).
   */
  heldout: number[];
}

/** The whole world: deterministic function of `seed` and the subject count. */
export interface FactWorld {
  seed: number;
  entities: Entity[];
  relations: Relation[];
  facts: Fact[];
}
