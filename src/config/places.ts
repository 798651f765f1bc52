// Where each value of a parsed file starts, kept without the yaml library's document: a few numbers
// per value instead of its nodes (issue 14: the document of 10,000 grants held about 20 MB for the
// whole validation). Lookups give what walking the document gave. Pure.
import { isAlias, isMap, isScalar, isSeq } from 'yaml';

/** A value's start offset in the text; a map's or list's also places its keys and items. */
export type Place = number | MapPlace | SeqPlace;

interface MapPlace {
  at: number;
  /** [key as String(scalar), the key's offset, the value's place] for each pair with a scalar key, in order. */
  pairs: (string | number | Place | undefined)[];
}

interface SeqPlace {
  at: number;
  items: (Place | undefined)[];
}

/** A list item composed ahead of the document (list-items.ts): its value and place, standing in for its node. */
export class Composed {
  constructor(
    readonly value: unknown,
    readonly place: Place | undefined,
  ) {}

  /** What the yaml library's toJS asks of a node. */
  toJSON(): unknown {
    return this.value;
  }
}

/** The place of a node (undefined for what has none, such as a pair inside an !!omap list). */
export function placeOf(node: unknown): Place | undefined {
  if (node instanceof Composed) return node.place;
  if (isMap(node)) {
    const pairs: MapPlace['pairs'] = [];
    for (const pair of node.items) {
      if (isScalar(pair.key) && pair.key.range) pairs.push(String(pair.key.value), pair.key.range[0], placeOf(pair.value));
    }
    return node.range ? { at: node.range[0], pairs } : undefined;
  }
  if (isSeq(node)) return node.range ? { at: node.range[0], items: node.items.map(placeOf) } : undefined;
  if ((isScalar(node) || isAlias(node)) && node.range) return node.range[0];
  return undefined;
}

/** The place at a JSON path, undefined when the path leads nowhere. */
export function placeAt(root: Place | undefined, path: readonly (string | number)[]): Place | undefined {
  let place = root;
  for (const step of path) {
    if (place === undefined || typeof place === 'number') return undefined;
    if ('pairs' in place) place = pairOf(place, String(step))?.value;
    else place = typeof step === 'number' ? place.items[step] : undefined;
  }
  return place;
}

/** The offset of `key` in the map at `mapPath`, undefined when there is no such map or key. */
export function keyOffset(root: Place | undefined, mapPath: readonly (string | number)[], key: string): number | undefined {
  const map = placeAt(root, mapPath);
  return map !== undefined && typeof map !== 'number' && 'pairs' in map ? pairOf(map, key)?.key : undefined;
}

export function offsetOf(place: Place): number {
  return typeof place === 'number' ? place : place.at;
}

/** The first pair with this key, as a YAML document lookup finds it. */
function pairOf(map: MapPlace, key: string): { key: number; value: Place | undefined } | undefined {
  for (let i = 0; i < map.pairs.length; i += 3) {
    if (map.pairs[i] === key) return { key: map.pairs[i + 1] as number, value: map.pairs[i + 2] as Place | undefined };
  }
  return undefined;
}
