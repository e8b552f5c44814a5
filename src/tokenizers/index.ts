// Public API of src/tokenizers/: loading a Hugging Face tokenizer.json, building a byte-level BPE
// one, and locating subjects.
export {
  byteLevelBpeTokenizerJson,
  type ByteLevelBpeSpecialToken,
  type ByteLevelBpeTokenizerJsonOptions,
} from "./byte-level-bpe-json.js";
export { loadTokenizer } from "./load-tokenizer.js";
export { Tokenizer, tokenizerFromJson, type DecodeOptions, type EncodeOptions } from "./tokenizer.js";
export { type SpecialTokenIds } from "./special-token-ids.js";
export { fillTemplate, placeholderOffset, SUBJECT_PLACEHOLDER } from "./prompt-template.js";
export {
  locateSubject,
  locateSubjectInTemplate,
  type LocateSubjectOptions,
  type SubjectLocation,
} from "./subject-location.js";
export {
  tokenRangeByPrefixEncoding,
  tokenRangeOfCharacters,
  type TokenRange,
} from "./token-character-spans.js";
