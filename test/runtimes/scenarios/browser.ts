/**
 * The core in a page: `/` builds the authorization URL, keeps the login in sessionStorage and
 * navigates to the provider; the provider sends the browser back to `/callback`, where the
 * same steps as on the server runtimes run (a forged state refused, the code exchanged through
 * the provider's CORS-enabled token endpoint, a refresh, an authenticated request). The report
 * lands on `window.runtimeReport` for the test to read.
 */
import { type CoreConfig, finishLogin, reporting, type StartedLogin, startLogin } from './core.js';

declare const __RUNTIME_CONFIG__: CoreConfig;
const config = __RUNTIME_CONFIG__;
const KEY = 'oauth2-session-login';

const page = globalThis as unknown as {
  location: Location;
  sessionStorage: Storage;
  runtimeReport?: unknown;
};

if (page.location.pathname === '/callback') {
  const login = JSON.parse(page.sessionStorage.getItem(KEY) ?? 'null') as StartedLogin;
  page.runtimeReport = await reporting(async (report) => {
    report.authorization = JSON.parse(page.sessionStorage.getItem(`${KEY}-report`) ?? 'null');
    await finishLogin(config, login, page.location.href, report);
  });
} else {
  const report = await reporting(async (r) => {
    const login = await startLogin(config, r);
    page.sessionStorage.setItem(KEY, JSON.stringify(login));
    page.sessionStorage.setItem(`${KEY}-report`, JSON.stringify(r.authorization));
    page.location.assign(login.url);
  });
  if (report.error) page.runtimeReport = report;
}
