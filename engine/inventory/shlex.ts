/** POSIX shell-like word splitting, as Python's shlex.split(line, comments=True) does it. */
import { InventoryError } from "./errors";

/**
 * Splits on unquoted whitespace. '...' is literal; in "..." a backslash escapes only " and \;
 * outside quotes a backslash escapes any character; an unquoted # starts a comment, even mid-word.
 */
export function shlexSplit(text: string, comments = true): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
      i++;
    } else if (comments && c === "#") {
      break;
    } else if (c === "\\") {
      if (i + 1 >= text.length) throw new InventoryError("nothing after the final backslash");
      word += text[i + 1];
      inWord = true;
      i += 2;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new InventoryError("no closing quotation");
      word += text.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === "\\" && (text[i + 1] === '"' || text[i + 1] === "\\")) i++;
        word += text[i++];
      }
      if (i >= text.length) throw new InventoryError("no closing quotation");
      inWord = true;
      i++;
    } else {
      word += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(word);
  return words;
}
