// The synthetic fact world: fictional subjects, Wikidata-style relations with several phrasings,
// consistent facts each with its held-out (subject, phrasing) pairs, CounterFact-format records,
// training/statistics texts and knowledge probes — everything deterministic from one seed.

export type { Entity, EntityKind, Fact, FactWorld, Pronoun, Relation, WorldObject } from "./types.js";
export { DEFAULT_SUBJECTS, generateWorld, type GenerateWorldOptions } from "./generate.js";
export { MIN_SUBJECTS } from "./entities.js";
export { RELATION_DEFINITIONS, type RelationDefinition } from "./relations.js";
export {
  counterfactRecords,
  eligibleRecordCount,
  type CounterFactRecord,
  type CounterfactOptions,
} from "./counterfact.js";
export { factStatements, worldStatisticsCorpus, worldTrainingDocuments } from "./documents.js";
export { worldKnowledgeProbes, type KnowledgeProbe } from "./probes.js";
export { HELDOUT_PER_FACT, MIN_PHRASINGS } from "./heldout.js";
export { fillTemplate, phrasingsOf } from "./templates.js";
export { worldJson, writeWorld, type WorldFiles, type WriteWorldOptions } from "./write.js";
