// Real general text for training and perplexity: WikiText-2 raw (Merity et al. 2016, "Pointer
// Sentinel Mixture Models"; Wikipedia text, CC BY-SA 3.0). The raw file holds articles that open
// with a " = Title = " line, section headings " = = Section = = ", and one paragraph per line. Here it
// becomes articles of paragraphs (headings dropped, surrounding spaces trimmed, the text otherwise
// unchanged), split by article into a training part and a held-out part for perplexity, so that
// no held-out sentence is ever trained on.

export interface WikitextArticle {
  title: string;
  /** paragraph lines, trimmed, in file order */
  paragraphs: string[];
}

const TITLE = /^ = ([^=].*) = $/;
const HEADING = /^ (= )+.*( =)+ $/;

/** The articles of a WikiText raw file, in file order; text before the first title is dropped. */
export function parseWikitext(text: string): WikitextArticle[] {
  const articles: WikitextArticle[] = [];
  for (const line of text.split(/\r?\n/)) {
    const title = TITLE.exec(line);
    if (title) {
      articles.push({ title: title[1], paragraphs: [] });
      continue;
    }
    if (HEADING.test(line) || line.trim() === "" || articles.length === 0) continue;
    articles[articles.length - 1].paragraphs.push(line.trim());
  }
  return articles;
}

export interface WikitextSplit {
  /** articles that may be trained on, in file order */
  train: WikitextArticle[];
  /** every `heldoutEvery`-th article (the last of each group), never trained on */
  heldout: WikitextArticle[];
}

/** Article k (0-based) is held out when k % heldoutEvery === heldoutEvery − 1. */
export function splitWikitext(articles: readonly WikitextArticle[], heldoutEvery: number): WikitextSplit {
  if (!Number.isInteger(heldoutEvery) || heldoutEvery < 2)
    throw new Error(`wikitext: heldoutEvery must be an integer ≥ 2, got ${heldoutEvery}`);
  const held = (k: number) => k % heldoutEvery === heldoutEvery - 1;
  return { train: articles.filter((_, k) => !held(k)), heldout: articles.filter((_, k) => held(k)) };
}

/**
 * The training paragraphs: whole articles of `train` in file order until `maxChars` characters
 * (at least one article; Infinity: all of them).
 */
export function trainingParagraphs(train: readonly WikitextArticle[], maxChars: number): string[] {
  const out: string[] = [];
  let chars = 0;
  for (const article of train) {
    if (out.length > 0 && chars >= maxChars) break;
    for (const paragraph of article.paragraphs) {
      out.push(paragraph);
      chars += paragraph.length;
    }
  }
  return out;
}
