/**
 * Splits a command line the way a POSIX shell would for plain words: whitespace separates,
 * single quotes keep everything, double quotes keep everything but `\"` and `\\`, a backslash
 * outside quotes escapes the next character. No expansion of any kind. Undefined when a quote is
 * left open.
 */
export function splitCommandLine(text: string): string[] | undefined {
  const words: string[] = [];
  let word: string | undefined;
  const add = (ch: string | undefined) => void (word = (word ?? "") + (ch ?? ""));
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote === "'") {
      if (ch === "'") quote = undefined;
      else add(ch);
    } else if (quote === '"') {
      if (ch === '"') quote = undefined;
      else if (ch === "\\" && (text[i + 1] === '"' || text[i + 1] === "\\")) add(text[++i]);
      else add(ch);
    } else if (/\s/.test(ch)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      word ??= "";
    } else if (ch === "\\" && i + 1 < text.length) {
      add(text[++i]);
    } else {
      add(ch);
    }
  }
  if (quote !== undefined) return undefined;
  if (word !== undefined) words.push(word);
  return words;
}
