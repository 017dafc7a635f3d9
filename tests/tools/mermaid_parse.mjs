// Parse Mermaid journey files with the real Mermaid (mermaid.parse), in a jsdom window.
import { JSDOM } from 'jsdom';
import { readFileSync } from 'fs';
const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import('mermaid');
mermaid.initialize({ startOnLoad: false });
let bad = 0;
for (const f of process.argv.slice(2)) {
  const text = readFileSync(f, 'utf8');
  try {
    const r = await mermaid.parse(text);
    // Also run the journey db to list what Mermaid read.
    const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
    const db = diagram.db;
    // What the reader sees: Mermaid turns its entity placeholders back into `&#58;` or
    // `&quot;` in the SVG markup; everything else is set as text, so only those decode.
    const named = (name) => { const el = document.createElement('textarea');
      el.innerHTML = `&${name};`; return el.value; };
    const decode = (s) => s.replace(/ﬂ°°(\d+)¶ß/g, (_, n) => String.fromCodePoint(Number(n)))
      .replace(/ﬂ°(\w+)¶ß/g, (_, name) => named(name));
    const tasks = db.getTasks().map(t => [decode(t.section), decode(t.task), t.score, t.people.map(decode)]);
    console.log(JSON.stringify({ file: f, ok: true, type: r.diagramType, title: decode(db.getDiagramTitle()), sections: db.getSections().map(decode), tasks }));
  } catch (e) { bad++; console.log(JSON.stringify({ file: f, ok: false, error: String(e.message || e).split('\n').slice(0, 4).join(' | ') })); }
}
process.exit(bad ? 1 : 0);
