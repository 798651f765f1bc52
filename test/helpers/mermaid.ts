// Mermaid's own parser under Node, for the tests: a jsdom window is made global first, since mermaid
// expects a browser. parseFlowchart returns what Mermaid read: nodes, edges and their texts, with the
// entities decoded, so a test can tell a label that stayed inside its node from one that escaped.
import { JSDOM } from 'jsdom';

interface Vertex {
  id: string;
  text: string;
  classes: string[];
  styles: string[];
}
interface Edge {
  start: string;
  end: string;
  text: string;
  stroke: string;
  style?: string[];
}
interface FlowDb {
  getVertices(): Map<string, Vertex>;
  getEdges(): Edge[];
  getSubGraphs(): { id: string; title: string; nodes: string[] }[];
  getClasses(): Map<string, unknown>;
}
type Mermaid = typeof import('mermaid').default;

let loaded: Promise<Mermaid> | undefined;

function mermaid(): Promise<Mermaid> {
  loaded ??= (async () => {
    const { window } = new JSDOM('<!doctype html><html><body></body></html>');
    Object.assign(globalThis, { window, document: window.document });
    const { default: m } = await import('mermaid');
    m.initialize({ startOnLoad: false, securityLevel: 'strict' });
    return m;
  })();
  return loaded;
}

/** Mermaid writes `#34;` as a placeholder while parsing; this turns placeholders back into characters. */
function decode(text: string): string {
  return text.replace(/ﬂ°°(\d+)¶ß/g, (_, code: string) => String.fromCodePoint(Number(code)));
}

export interface ParsedFlowchart {
  type: string;
  vertices: { id: string; text: string; classes: string[]; styles: string[] }[];
  edges: { start: string; end: string; text: string; stroke: string; style: string[] }[];
  subgraphs: { id: string; title: string; nodes: string[] }[];
  classes: string[];
}

/** Parses with mermaid.parse() (throws on a syntax error), then reads the flowchart's database. */
export async function parseFlowchart(source: string): Promise<ParsedFlowchart> {
  const m = await mermaid();
  const { diagramType } = (await m.parse(source)) as { diagramType: string };
  const diagram = await m.mermaidAPI.getDiagramFromText(source);
  const db = diagram.db as unknown as FlowDb;
  return {
    type: diagramType,
    vertices: [...db.getVertices().values()].map((v) => ({ id: v.id, text: decode(v.text), classes: v.classes, styles: v.styles })),
    edges: db.getEdges().map((e) => ({ start: e.start, end: e.end, text: decode(e.text), stroke: e.stroke, style: e.style ?? [] })),
    subgraphs: db.getSubGraphs().map((s) => ({ id: s.id, title: decode(s.title), nodes: [...s.nodes] })),
    classes: [...db.getClasses().keys()],
  };
}
