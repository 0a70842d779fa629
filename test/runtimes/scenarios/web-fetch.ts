/** The web app as a module with a default `fetch` handler: `deno serve`, and a Worker (workerd). */
import { handle } from './web-app.js';

export default { fetch: handle };
