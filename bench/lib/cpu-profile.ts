/**
 * Reading a V8 CPU profile (`node --cpu-prof`): where the sampled time went, by function (its
 * own time) and by call chain (time spent in a function and everything it called).
 */

/** The parts of a `.cpuprofile` read here (V8's `Profiler.Profile`). */
export interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[] | undefined;
  }[];
  samples: number[];
  timeDeltas: number[];
}

/** One function's share of the sampled time, in percent. */
export interface FrameShare {
  frame: string;
  selfPercent: number;
  totalPercent: number;
}

/** A frame as `name file:line`, the file shortened to its package or its name. */
function frameName(frame: CpuProfile['nodes'][number]['callFrame']): string {
  // A dependency by its package path; anything else (the built app included) by its file name.
  const { url } = frame;
  const dependency = url.lastIndexOf('node_modules/');
  const file =
    dependency >= 0 && !url.includes('node_modules/.cache/')
      ? url.slice(dependency + 'node_modules/'.length)
      : url.slice(url.lastIndexOf('/') + 1);
  return `${frame.functionName || '(anonymous)'} ${file}:${frame.lineNumber + 1}`;
}

/**
 * Every function's own and total share of the sampled time, largest total first. A function
 * that calls itself (or shows up twice on one chain) counts once per sample in its total.
 */
export function frameShares(profile: CpuProfile): FrameShare[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);
  const timeOf = new Map<number, number>();
  for (const [i, id] of profile.samples.entries())
    timeOf.set(id, (timeOf.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let all = 0;
  for (const [id, time] of timeOf) {
    all += time;
    const leaf = frameName(byId.get(id)!.callFrame);
    self.set(leaf, (self.get(leaf) ?? 0) + time);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const name = frameName(byId.get(at)!.callFrame);
      if (seen.has(name)) continue;
      seen.add(name);
      total.set(name, (total.get(name) ?? 0) + time);
    }
  }
  const percent = (time: number) => (all > 0 ? (100 * time) / all : 0);
  return [...total]
    .map(([frame, time]) => ({
      frame,
      selfPercent: percent(self.get(frame) ?? 0),
      totalPercent: percent(time),
    }))
    .sort((a, b) => b.totalPercent - a.totalPercent);
}

/** What a sampled function belongs to, for {@link originShares}. */
function originOf(frame: CpuProfile['nodes'][number]['callFrame']): string {
  const { url, functionName } = frame;
  if (url === '')
    return /^\((garbage collector|idle|program)\)$/.test(functionName)
      ? functionName
      : 'native code';
  if (url.includes('node_modules/.cache/') || url.includes('/examples/') || url.includes('/src/'))
    return 'this library and the app';
  if (url.includes('/bench/')) return 'the bench server';
  const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (dependency) return `package ${dependency[1]}`;
  if (url.includes('undici')) return "Node's fetch (undici)";
  if (/webstreams/.test(url)) return 'Node: web streams';
  if (/abort_controller|event_target|js_transferable/.test(url))
    return 'Node: AbortSignal, EventTarget';
  if (url.startsWith('node:'))
    return `Node: ${url.replace(/^node:(internal\/)?/, '').split('/')[0]}`;
  return url;
}

/** Own sampled time by origin (this library, each package, Node's parts, GC, idle), largest first. */
export function originShares(profile: CpuProfile): { origin: string; percent: number }[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const time = new Map<string, number>();
  let all = 0;
  for (const [i, id] of profile.samples.entries()) {
    const delta = profile.timeDeltas[i] ?? 0;
    const origin = originOf(byId.get(id)!.callFrame);
    time.set(origin, (time.get(origin) ?? 0) + delta);
    all += delta;
  }
  return [...time]
    .map(([origin, t]) => ({ origin, percent: all > 0 ? (100 * t) / all : 0 }))
    .sort((a, b) => b.percent - a.percent);
}
