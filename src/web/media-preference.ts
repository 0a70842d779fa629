/**
 * Which answer a client prefers, from its `Accept` header (RFC 9110 section 12.5.1): a browser
 * navigating gets a page, a script keeps its JSON.
 *
 * @module
 */

interface MediaRange {
  type: string;
  subtype: string;
  q: number;
}

/** Most ranges read from one header: a hostile header costs bounded work. */
const MAX_RANGES = 64;

function parseAccept(header: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  for (const part of header.split(',').slice(0, MAX_RANGES)) {
    const [range = '', ...params] = part.split(';');
    const [type, subtype] = range.trim().toLowerCase().split('/');
    if (!type || !subtype) continue;
    let q = 1;
    for (const param of params) {
      const [name, value] = param.split('=').map((s) => s.trim().toLowerCase());
      if (name === 'q' && value !== undefined && /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/.test(value))
        q = Number(value);
    }
    ranges.push({ type, subtype, q });
  }
  return ranges;
}

/** The quality the ranges give `type/subtype`: the most specific matching range's. */
function qualityOf(ranges: readonly MediaRange[], type: string, subtype: string): number {
  let best = -1;
  let q = 0;
  for (const range of ranges) {
    const specificity =
      range.type === type && range.subtype === subtype
        ? 2
        : range.type === type && range.subtype === '*'
          ? 1
          : range.type === '*' && range.subtype === '*'
            ? 0
            : -1;
    if (specificity > best) {
      best = specificity;
      q = range.q;
    }
  }
  return q;
}

/**
 * Whether the request's `Accept` prefers `text/html` to `application/json`, q-values and
 * specificity respected: Chromium's `text/html,...,*\/*;q=0.8` does; `*\/*`, no header,
 * `application/json`, or `text/html;q=0.5, application/json` do not (a tie keeps JSON, so
 * scripts keep the answer they had).
 *
 * @example
 * ```ts
 * if (prefersHtml(request)) return renderPage(auth.pages, 'profile', 200, data);
 * return new Response(json, { headers: { 'content-type': 'application/json' } });
 * ```
 */
export function prefersHtml(request: Request): boolean {
  const header = request.headers.get('accept');
  if (!header) return false;
  const ranges = parseAccept(header);
  const html = qualityOf(ranges, 'text', 'html');
  return html > 0 && html > qualityOf(ranges, 'application', 'json');
}
