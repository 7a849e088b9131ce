/** An element of a parsed XML document. */
export interface Element {
  readonly name: string;
  readonly attrs: Record<string, string>;
  readonly children: Element[];
  text: string;
}

const entities: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function unescape(s: string, where: string): string {
  // XML 1.0 forbids C0 controls other than tab, LF and CR anywhere in a document.
  if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/.test(s))
    throw new Error(`control character in ${where}`);
  return s.replace(/&([^;]*);|&/g, (m, name: string | undefined) => {
    if (name === undefined) throw new Error(`bare & in ${where}`);
    if (name in entities) return entities[name]!;
    const n = /^#(\d+)$/.exec(name) ?? /^#x([0-9a-fA-F]+)$/.exec(name);
    if (n === null) throw new Error(`unknown entity &${name}; in ${where}`);
    return String.fromCodePoint(parseInt(n[1]!, name[1] === "x" ? 16 : 10));
  });
}

/**
 * A strict reader of the XML tlbl writes (elements, attributes, text; no DTD, CDATA or
 * comments): it throws on anything not well-formed, so a test can say a report is valid XML.
 */
export function parseXml(doc: string): Element {
  let rest = doc.replace(/^<\?xml [^?]*\?>\s*/, "");
  const root: Element = { name: "#document", attrs: {}, children: [], text: "" };
  const stack: Element[] = [root];
  while (rest.length > 0) {
    const lt = rest.indexOf("<");
    const text = lt < 0 ? rest : rest.slice(0, lt);
    if (text.includes(">")) throw new Error("bare > in text");
    stack[stack.length - 1]!.text += unescape(text, "text");
    if (lt < 0) break;
    rest = rest.slice(lt);
    const close = /^<\/([A-Za-z][\w.-]*)\s*>/.exec(rest);
    if (close) {
      const open = stack.pop()!;
      if (open.name !== close[1]) throw new Error(`</${close[1]}> closes <${open.name}>`);
      rest = rest.slice(close[0].length);
      continue;
    }
    const tag = /^<([A-Za-z][\w.-]*)((?:\s+[A-Za-z][\w.-]*="[^"<]*")*)\s*(\/?)>/.exec(rest);
    if (tag === null) throw new Error(`not a tag: ${rest.slice(0, 40)}`);
    const attrs: Record<string, string> = {};
    for (const a of tag[2]!.matchAll(/([A-Za-z][\w.-]*)="([^"]*)"/g)) {
      if (a[1]! in attrs) throw new Error(`attribute ${a[1]} twice`);
      attrs[a[1]!] = unescape(a[2]!, `attribute ${a[1]}`);
    }
    const el: Element = { name: tag[1]!, attrs, children: [], text: "" };
    stack[stack.length - 1]!.children.push(el);
    if (tag[3] !== "/") stack.push(el);
    rest = rest.slice(tag[0].length);
  }
  if (stack.length !== 1) throw new Error(`<${stack[stack.length - 1]!.name}> is not closed`);
  if (root.children.length !== 1 || root.text.trim() !== "")
    throw new Error("not one root element");
  return root.children[0]!;
}

/** Every element of a name under `e`, in document order. */
export function all(e: Element, name: string): Element[] {
  return e.children.flatMap((c) => [...(c.name === name ? [c] : []), ...all(c, name)]);
}
