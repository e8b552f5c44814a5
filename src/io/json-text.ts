// JSON.parse with errors that name the source and the line and column of the first syntax
// error (RFC 8259 grammar). V8's own messages omit the position for some errors, so on failure a
// small recursive-descent scanner locates it.

/** Parses `text`, throwing `<sourceName>: invalid JSON at line L, column C: <reason>` on error. */
export function parseJsonText(text: string, sourceName: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const offset = findJsonSyntaxError(text);
    let where = "";
    if (offset !== null) {
      const lines = text.slice(0, offset).split("\n");
      where = ` at line ${lines.length}, column ${lines[lines.length - 1].length + 1}`;
    }
    throw new Error(`${sourceName}: invalid JSON${where}: ${(error as Error).message}`, { cause: error });
  }
}

class SyntaxErrorAt {
  constructor(readonly offset: number) {}
}

const NUMBER_PATTERN = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** Offset of the first character where `text` stops being valid JSON, or null if it is valid. */
export function findJsonSyntaxError(text: string): number | null {
  let i = 0;
  const fail = (): never => {
    throw new SyntaxErrorAt(i);
  };
  const skipWhitespace = () => {
    while (i < text.length && (text[i] === " " || text[i] === "\t" || text[i] === "\n" || text[i] === "\r"))
      i++;
  };
  const expect = (char: string) => {
    if (text[i] !== char) fail();
    i++;
  };
  const parseString = () => {
    expect('"');
    for (;;) {
      if (i >= text.length) fail();
      const char = text[i];
      if (char === '"') return void i++;
      if (char === "\\") {
        i++;
        if (text[i] === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) i += 5;
        else if (i < text.length && '"\\/bfnrt'.includes(text[i])) i++;
        else fail();
      } else if (char < " ") {
        fail();
      } else {
        i++;
      }
    }
  };
  const parseSequence = (close: string, parseItem: () => void) => {
    i++;
    skipWhitespace();
    if (text[i] === close) return void i++;
    for (;;) {
      parseItem();
      skipWhitespace();
      if (text[i] === ",") i++;
      else return expect(close);
    }
  };
  const parseValue = (): void => {
    skipWhitespace();
    const char = text[i];
    if (char === "{") {
      parseSequence("}", () => {
        skipWhitespace();
        parseString();
        skipWhitespace();
        expect(":");
        parseValue();
      });
    } else if (char === "[") {
      parseSequence("]", parseValue);
    } else if (char === '"') {
      parseString();
    } else if (char === "-" || (char >= "0" && char <= "9")) {
      NUMBER_PATTERN.lastIndex = i;
      const match = NUMBER_PATTERN.exec(text);
      if (match === null) fail();
      else i += match[0].length;
    } else {
      const literal = ["true", "false", "null"].find((word) => text.startsWith(word, i));
      if (literal === undefined) fail();
      else i += literal.length;
    }
  };
  try {
    parseValue();
    skipWhitespace();
    if (i < text.length) fail();
    return null;
  } catch (error) {
    if (error instanceof SyntaxErrorAt) return error.offset;
    return null; // e.g. nesting too deep for the stack: report no position rather than a wrong one
  }
}
