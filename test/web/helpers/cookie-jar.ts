/** A minimal browser cookie jar for tests: applies Set-Cookie lines, builds Cookie headers. */
export class CookieJar {
  readonly cookies = new Map<string, string>();

  /** Applies Set-Cookie lines (Max-Age=0 deletes). */
  apply(setCookies: readonly string[]): this {
    for (const line of setCookies) {
      const [pair, ...attrs] = line.split(/;\s*/);
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      if (attrs.some((a) => /^max-age=0$/i.test(a))) this.cookies.delete(name);
      else this.cookies.set(name, pair!.slice(eq + 1));
    }
    return this;
  }

  /** Applies a Response's Set-Cookie headers. */
  applyResponse(response: Response): this {
    return this.apply(response.headers.getSetCookie());
  }

  /** The Cookie header value. */
  header(): string {
    return [...this.cookies].map(([n, v]) => `${n}=${v}`).join('; ');
  }

  /** A copy. */
  clone(): CookieJar {
    const copy = new CookieJar();
    for (const [n, v] of this.cookies) copy.cookies.set(n, v);
    return copy;
  }

  /** Names starting with `prefix`. */
  names(prefix = ''): string[] {
    return [...this.cookies.keys()].filter((n) => n.startsWith(prefix));
  }
}
