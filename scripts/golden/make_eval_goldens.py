#!/usr/bin/python3
"""Golden reference values for locedit's evaluation metrics (src/eval/).

The reference formulas of the ROME/MEMIT CounterFact evaluation (kmeng01/memit,
experiments/py/eval_utils_counterfact.py) and of AlphaEdit's glue_eval, written here from their
documented semantics and run with the libraries the reference runs them with:

  * n-gram entropy (fluency): compute_n_gram_entropy = mean(2/3 * H2, 4/3 * H3) with
    Hn = entropy in bits of nltk.FreqDist(nltk.ngrams(tokens, n)), and n_gram_entropy = the mean
    over texts. The reference tokenizes with nltk.word_tokenize, whose sentence splitter needs
    punkt data that is not packaged; the tokens here come from the rule locedit documents in
    src/eval/fluency.ts (runs of word characters, "n't" and "'s"-style clitics split off, each
    other non-space character alone), re-implemented with Python's re.
  * TF-IDF consistency: sklearn.feature_extraction.text.TfidfVectorizer() with its defaults,
    fitted on a small corpus; tfidf_similarity(a, b, vec) = cosine of vec.transform([a, b]).
    The fitted vocabulary and idf are also written as tfidf_vocab.json and idf.npy (np.save), the
    files the reference publishes, to test locedit's loader on real .npy bytes.
  * Classification figures of the probes: sklearn.metrics f1_score(average="weighted") and
    matthews_corrcoef, with -1 (an invalid generated answer) as a class of its own.

Needs Debian's python3-numpy, python3-sklearn and python3-nltk. Run from the repository root:

    /usr/bin/python3 scripts/golden/make_eval_goldens.py

It writes test/fixtures/eval/golden.json, test/fixtures/eval/tfidf_vocab.json and
test/fixtures/eval/idf.npy. Output is deterministic.
"""

import json
import os
import re
import warnings

import nltk
import numpy as np
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import f1_score, matthews_corrcoef

OUT = os.path.join("test", "fixtures", "eval")

# ---------------------------------------------------------------------------------------------
# n-gram entropy

WORD = r"[^\W]"  # a word character: letter, digit or underscore (Python's \w on str)
LETTER = r"[^\W\d_]"
TOKEN = re.compile(rf"{WORD}+(?=n't)|n't|'{LETTER}+|{WORD}+|[^\s\w]")


def word_tokens(text):
    return TOKEN.findall(text)


def compute_n_gram_entropy(tokens, ns=(2, 3), weights=(2 / 3, 4 / 3)):
    entropies = []
    for n in ns:
        fdist = nltk.FreqDist(nltk.ngrams(tokens, n))
        freqs = np.array([freq for _, freq in fdist.items()], dtype=np.float64)
        if freqs.size == 0:
            entropies.append(0.0)  # np.sum of an empty array, as the reference gets
            continue
        freqs = freqs / freqs.sum()
        entropies.append(float(np.sum(-freqs * np.log(freqs) / np.log(2))))
    return entropies, float(np.mean(np.array(entropies) * np.array(weights)))


ENTROPY_TEXTS = [
    "The Eiffel Tower is located in Paris. It was built in 1889 and it is made of iron.",
    "Zira Kudor holds a passport from Germany. Zira Kudor holds a passport from Germany. Zira Kudor holds a passport from Germany.",
    "I don't think it's fine, but they can't say we didn't try (again)!",
    "Café déjà vu: naïve résumé, 3.5 km — well-known “quotes” and $100.",
    "the the the the the the the the",
    "one two",
    "word",
    "",
    "Kovara Lupen is a national of Spain, Spain, Spain, Spain and France; her_name is x_y 42.",
]

# ---------------------------------------------------------------------------------------------
# TF-IDF

CORPUS = [
    "Paris is the capital and most populous city of France.",
    "The Eiffel Tower is a wrought-iron lattice tower in Paris, France.",
    "Berlin is the capital of Germany and its largest city.",
    "Germany is a country in Central Europe; Berlin is its capital.",
    "Toyota is a Japanese automotive manufacturer headquartered in Toyota, Aichi.",
    "The violin is a wooden string instrument in the violin family.",
    "She plays the violin and the piano in a Berlin orchestra.",
    "A b c: single letters are not terms, but 42 and x_y and café are.",
]

PAIRS = [
    ("Zira Kudor lives in Berlin, the capital of Germany.", "Berlin is the capital of Germany and its largest city."),
    ("The tower in Paris is made of iron.", "The Eiffel Tower is a wrought-iron lattice tower in Paris, France."),
    ("He plays the violin every day. The violin is old.", "The violin is a wooden string instrument."),
    ("Paris Paris Paris", "Berlin Berlin"),
    ("completely unrelated words here", "nothing in common there"),
    ("Café 42 x_y", "café and 42 and x_y"),
    # the consistency of one record: generations joined by " ", snippets joined by " "
    (
        " ".join(["Zira Kudor often speaks about the country that Germany is.", "When Zira Kudor travels abroad, Berlin."]),
        " ".join(["Germany is a country in Central Europe; Berlin is its capital.", "Berlin is the capital of Germany."]),
    ),
]


def tfidf_similarity(text_a, text_b, vec):
    encs = vec.transform([text_a, text_b]).toarray()
    norm = np.linalg.norm
    return float(np.dot(encs[0], encs[1]) / norm(encs[0]) / norm(encs[1]))


# ---------------------------------------------------------------------------------------------
# classification figures

LABELINGS = [
    ([1, 0, 1, 1, 0, 0, 1, 0], [1, 0, 0, 1, 0, 1, 1, 1]),
    ([1, 0, 1, 1, 0, 0, 1, 0], [1, -1, 0, 1, -1, 1, 1, -1]),
    ([0, 1, 2, 3, 2, 1, 0, 3, 3, 2], [0, 2, 2, 3, -1, 1, 1, 3, 0, 2]),
    ([1, 1, 0, 0], [1, 1, 1, 1]),
    ([1, 0, 1, 0], [0, 1, 0, 1]),
    ([0, 0, 0], [0, 0, 0]),
]


def main():
    os.makedirs(OUT, exist_ok=True)
    entropy = []
    for text in ENTROPY_TEXTS:
        tokens = word_tokens(text)
        (h2, h3), weighted = compute_n_gram_entropy(tokens)
        entropy.append({"text": text, "tokens": tokens, "h2": h2, "h3": h3, "entropy": weighted})
    set_mean = float(np.mean([e["entropy"] for e in entropy]))

    vec = TfidfVectorizer()
    vec.fit(CORPUS)
    vocab = {term: int(col) for term, col in sorted(vec.vocabulary_.items())}
    idf = vec.idf_.astype(np.float64)
    np.save(os.path.join(OUT, "idf.npy"), idf)
    with open(os.path.join(OUT, "tfidf_vocab.json"), "w") as f:
        json.dump(vocab, f, indent=1, sort_keys=True)
        f.write("\n")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a zero vector gives 0/0 = nan
        pairs = [{"a": a, "b": b, "cosine": tfidf_similarity(a, b, vec)} for a, b in PAIRS]
    for p in pairs:
        if p["cosine"] != p["cosine"]:
            p["cosine"] = None  # NaN in the reference: a text without any vocabulary term

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UndefinedMetricWarning)
        labelings = [
            {
                "truth": t,
                "predicted": p,
                "f1": float(f1_score(t, p, average="weighted")),
                "mcc": float(matthews_corrcoef(t, p)),
            }
            for t, p in LABELINGS
        ]

    golden = {
        "about": "written by scripts/golden/make_eval_goldens.py; do not edit",
        "entropy": {"texts": entropy, "mean": set_mean},
        "tfidf": {
            "corpus": CORPUS,
            "vocabulary": vocab,
            "idf": [float(x) for x in idf],
            "pairs": pairs,
        },
        "classification": labelings,
    }
    with open(os.path.join(OUT, "golden.json"), "w") as f:
        json.dump(golden, f, indent=1, ensure_ascii=False)
        f.write("\n")


if __name__ == "__main__":
    main()
