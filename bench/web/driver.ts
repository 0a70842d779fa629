/**
 * Load driver for the web benchmark: virtual users with their own cookie jars log in through an
 * app the way a browser does (GET / -> provider authorize -> app callback -> /profile), following
 * every redirect by hand, and then hammer `/profile` while logged in.
 *
 * It talks raw `node:http` with keep-alive so that the driver's own cost stays small and equal
 * for every target; the targets share the machine with it.
 */
import { Agent, request } from 'node:http';

/** A response as the driver needs it. */
interface Reply {
  status: number;
  location: string | undefined;
  setCookie: string[];
  body: string;
}

/** Cookies per origin, by name; paths are ignored (every app here uses Path=/). */
export class CookieJar {
  readonly #byOrigin = new Map<string, Map<string, string>>();

  header(url: URL): string {
    const jar = this.#byOrigin.get(url.origin);
    if (!jar) return '';
    return [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  store(url: URL, lines: readonly string[]): void {
    const jar = this.#byOrigin.get(url.origin) ?? new Map<string, string>();
    this.#byOrigin.set(url.origin, jar);
    for (const line of lines) applySetCookie(jar, line);
  }

  clear(): void {
    this.#byOrigin.clear();
  }
}

function applySetCookie(jar: Map<string, string>, line: string): void {
  const [pair = '', ...attributes] = line.split(';');
  const eq = pair.indexOf('=');
  if (eq <= 0) return;
  const name = pair.slice(0, eq).trim();
  const value = pair.slice(eq + 1).trim();
  if (value === '' || attributes.some(isDeletion)) jar.delete(name);
  else jar.set(name, value);
}

// A cookie is deleted by Max-Age<=0 or an Expires date in the past.
function isDeletion(attribute: string): boolean {
  const [key = '', val = ''] = attribute.split('=').map((s) => s.trim());
  if (/^max-age$/i.test(key)) return Number(val) <= 0;
  if (/^expires$/i.test(key)) return Date.parse(val) <= Date.now();
  return false;
}

/** One GET through the jar; the body is read whole so the connection can be reused. */
function get(agent: Agent, jar: CookieJar, url: URL): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const cookie = jar.header(url);
    const headers: Record<string, string> = { 'user-agent': 'oauth2-session-bench' };
    if (cookie) headers.cookie = cookie;
    const req = request(url, { agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const setCookie = res.headers['set-cookie'] ?? [];
        jar.store(url, setCookie);
        const body = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, location: res.headers.location, setCookie, body });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** Follows redirects from `start` until a non-redirect answer; at most `maxHops`. */
async function follow(agent: Agent, jar: CookieJar, start: URL, maxHops = 8): Promise<Reply> {
  let url = start;
  for (let hop = 0; hop <= maxHops; hop += 1) {
    const reply = await get(agent, jar, url);
    if (reply.status < 300 || reply.status >= 400 || !reply.location) return reply;
    url = new URL(reply.location, url);
  }
  throw new Error(`more than ${maxHops} redirects from ${start.pathname}`);
}

/** What a profile answer holds by default: GitHub's `/user` JSON names the user's `login`. */
const PROFILE_MARKER = '"login"';

/** A complete login ends on /profile with the user's JSON; anything else is a failure. */
function checkProfile(reply: Reply, what: string, marker = PROFILE_MARKER): void {
  if (reply.status !== 200 || !reply.body.includes(marker)) {
    // The body may hold an error page; only the status is printed (never cookies or codes).
    throw new Error(`${what} failed: status ${reply.status}`);
  }
}

/** Latency summary in milliseconds, and throughput per second. */
export interface Measurement {
  count: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  /** Every latency in ms, sorted (for combining rounds). */
  latencies: number[];
}

function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

function summarize(latencies: number[], seconds: number): Measurement {
  const sorted = latencies.sort((a, b) => a - b);
  return {
    count: sorted.length,
    seconds,
    perSecond: sorted.length / seconds,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    latencies: sorted,
  };
}

/** Pools several rounds into one measurement (throughput over their summed time). */
export function combine(rounds: readonly Measurement[]): Measurement {
  const latencies = rounds.flatMap((m) => m.latencies);
  const seconds = rounds.reduce((sum, m) => sum + m.seconds, 0);
  return summarize(latencies, seconds);
}

/** How much work to do, and with how many virtual users at once. */
export interface LoadOptions {
  /** The app's origin, e.g. `http://127.0.0.1:5000`. */
  origin: string;
  /** Operations to complete in total (logins, or /profile requests). */
  total: number;
  /** Virtual users working at once. */
  concurrency: number;
  /**
   * Text the profile answer must contain; default `"login"` (GitHub's `/user`). An OpenID
   * Connect app answers userinfo claims instead, e.g. `"sub"`.
   */
  profileMarker?: string | undefined;
}

/**
 * Runs `op` `total` times over `concurrency` workers and times each call.
 * Workers take the next operation from a shared counter, so concurrency stays bounded.
 */
async function timed(
  total: number,
  concurrency: number,
  op: (worker: number) => Promise<void>,
): Promise<Measurement> {
  const latencies: number[] = [];
  let next = 0;
  const worker = async (id: number) => {
    while (next < total) {
      next += 1;
      const t0 = performance.now();
      await op(id);
      latencies.push(performance.now() - t0);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, (_, id) => worker(id)));
  return summarize(latencies, (performance.now() - started) / 1000);
}

function newAgent(concurrency: number): Agent {
  return new Agent({ keepAlive: true, maxSockets: concurrency * 2 });
}

/** Logs one user in from an empty jar; throws unless it ends on the profile JSON. */
export async function login(
  agent: Agent,
  jar: CookieJar,
  origin: string,
  profileMarker?: string,
): Promise<void> {
  jar.clear();
  checkProfile(await follow(agent, jar, new URL('/', origin)), 'login', profileMarker);
}

/**
 * Complete logins per second: each virtual user starts from an empty cookie jar every time and
 * follows GET / -> authorize (auto-approve) -> callback -> /profile.
 */
export async function measureLogins(options: LoadOptions): Promise<Measurement> {
  const agent = newAgent(options.concurrency);
  const jars = Array.from({ length: options.concurrency }, () => new CookieJar());
  try {
    return await timed(options.total, options.concurrency, (id) =>
      login(agent, jars[id] as CookieJar, options.origin, options.profileMarker),
    );
  } finally {
    agent.destroy();
  }
}

/** Logged-in `GET /profile` requests per second (each answers the provider's user JSON). */
export async function measureProfile(options: LoadOptions): Promise<Measurement> {
  const agent = newAgent(options.concurrency);
  const jars = Array.from({ length: options.concurrency }, () => new CookieJar());
  try {
    await Promise.all(jars.map((jar) => login(agent, jar, options.origin)));
    const profile = new URL('/profile', options.origin);
    return await timed(options.total, options.concurrency, async (id) => {
      checkProfile(await get(agent, jars[id] as CookieJar, profile), 'profile');
    });
  } finally {
    agent.destroy();
  }
}
