// Consistency (Meng et al. 2022): TF-IDF cosine of generations with attribute snippets.
export { recordConsistency, type ConsistencyReferences } from "./consistency.js";
export {
  parseAttributeSnippets,
  readAttributeSnippets,
  snippetDocuments,
  snippetsFor,
  type AttributeSnippets,
  type Snippet,
} from "./snippets.js";
export {
  fitTfidf,
  readCorpusDocuments,
  readTfidfFiles,
  tfidfCosine,
  tfidfTerms,
  tfidfVector,
  type TfidfModel,
} from "./tfidf.js";
