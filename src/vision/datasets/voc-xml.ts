// The XML that VOC's annotations are written in, read into torchvision's nested dict
// (VOCDetection.parse_voc_xml). A small parser for well-formed documents: elements, text,
// entities, comments, CDATA, processing instructions and a DOCTYPE without an internal
// subset; attributes are read and dropped (parse_voc_xml ignores them).

export interface XmlElement {
  tag: string;
  /** ElementTree's text: the characters before the first child; null when there are none. */
  text: string | null;
  children: XmlElement[];
}

/** A node of parse_voc_xml's result: a leaf's text, a dict of children, or a list of either. */
export type VOCValue = string | VOCDict | VOCValue[];
export interface VOCDict {
  [tag: string]: VOCValue;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(s: string, fail: (m: string) => never): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z]+);/g, (_, e: string) => {
    if (e.startsWith('#x')) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith('#')) return String.fromCodePoint(parseInt(e.slice(1), 10));
    if (!(e in ENTITIES)) fail(`undefined entity &${e};`);
    return ENTITIES[e];
  });
}

/** Parses an XML document into its root element; `name` appears in errors. */
export function parseXml(source: string, name: string): XmlElement {
  let pos = 0;
  const fail = (message: string): never => {
    const line = source.slice(0, pos).split('\n').length;
    throw new Error(`${name}: ${message} (line ${line})`);
  };
  const skipMisc = (): void => {
    for (;;) {
      while (pos < source.length && /\s/.test(source[pos])) pos++;
      if (source.startsWith('<?', pos)) pos = close('?>');
      else if (source.startsWith('<!--', pos)) pos = close('-->');
      else if (source.startsWith('<!DOCTYPE', pos)) {
        if (source.indexOf('[', pos) !== -1 && source.indexOf('[', pos) < source.indexOf('>', pos)) fail('DOCTYPE with an internal subset is not supported');
        pos = close('>');
      } else return;
    }
  };
  const close = (end: string): number => {
    const at = source.indexOf(end, pos);
    if (at < 0) fail(`unclosed construct, expected ${end}`);
    return at + end.length;
  };
  const nameAt = (): string => {
    const m = /^[A-Za-z_:][-A-Za-z0-9_:.]*/.exec(source.slice(pos, pos + 256));
    if (!m) fail('expected a name');
    pos += (m as RegExpExecArray)[0].length;
    return (m as RegExpExecArray)[0];
  };
  const element = (depth: number): XmlElement => {
    if (depth > 256) fail('elements nest too deeply');
    if (source[pos] !== '<') fail('expected an element');
    pos++;
    const tag = nameAt();
    // attributes: name="value" or name='value'
    for (;;) {
      while (/\s/.test(source[pos] ?? '')) pos++;
      if (source.startsWith('/>', pos)) {
        pos += 2;
        return { tag, text: null, children: [] };
      }
      if (source[pos] === '>') {
        pos++;
        break;
      }
      nameAt();
      while (/\s/.test(source[pos] ?? '')) pos++;
      if (source[pos] !== '=') fail(`expected = after an attribute of <${tag}>`);
      pos++;
      while (/\s/.test(source[pos] ?? '')) pos++;
      const quote = source[pos];
      if (quote !== '"' && quote !== "'") fail(`expected a quoted attribute value in <${tag}>`);
      pos = source.indexOf(quote, pos + 1) + 1;
      if (pos === 0) fail(`unclosed attribute value in <${tag}>`);
    }
    const node: XmlElement = { tag, text: null, children: [] };
    let text = '';
    for (;;) {
      if (pos >= source.length) fail(`<${tag}> is not closed`);
      if (source.startsWith('</', pos)) {
        pos += 2;
        const end = nameAt();
        if (end !== tag) fail(`mismatched tag: </${end}> closes <${tag}>`);
        while (/\s/.test(source[pos] ?? '')) pos++;
        if (source[pos] !== '>') fail(`expected > after </${end}`);
        pos++;
        break;
      }
      if (source.startsWith('<!--', pos)) pos = close('-->');
      else if (source.startsWith('<![CDATA[', pos)) {
        const end = close(']]>');
        if (node.children.length === 0) text += source.slice(pos + 9, end - 3);
        pos = end;
      } else if (source.startsWith('<?', pos)) pos = close('?>');
      else if (source[pos] === '<') node.children.push(element(depth + 1));
      else {
        const next = source.indexOf('<', pos);
        const chunk = source.slice(pos, next < 0 ? source.length : next);
        if (node.children.length === 0) text += decodeEntities(chunk, fail);
        pos += chunk.length;
      }
    }
    node.text = text === '' ? null : text;
    return node;
  };
  skipMisc();
  const root = element(0);
  skipMisc();
  if (pos < source.length) fail('junk after the document element');
  return root;
}

/** torchvision's VOCDetection.parse_voc_xml: the element as a nested dict. */
export function parseVocXml(node: XmlElement): VOCDict {
  let vocDict: VOCDict = {};
  if (node.children.length > 0) {
    const defDic = new Map<string, VOCValue[]>();
    for (const dc of node.children.map(parseVocXml)) {
      for (const [ind, v] of Object.entries(dc)) {
        if (!defDic.has(ind)) defDic.set(ind, []);
        (defDic.get(ind) as VOCValue[]).push(v);
      }
    }
    // the objects stay a list even when there is one
    if (node.tag === 'annotation') defDic.set('object', [defDic.get('object') ?? []]);
    const inner: VOCDict = {};
    for (const [ind, v] of defDic) Object.defineProperty(inner, ind, { value: v.length === 1 ? v[0] : v, enumerable: true, writable: true, configurable: true });
    Object.defineProperty(vocDict, node.tag, { value: inner, enumerable: true, writable: true, configurable: true });
  }
  if (node.text !== null) {
    const text = node.text.trim();
    if (node.children.length === 0) Object.defineProperty(vocDict, node.tag, { value: text, enumerable: true, writable: true, configurable: true });
  }
  return vocDict;
}
