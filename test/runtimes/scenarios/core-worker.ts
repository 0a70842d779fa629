/**
 * The core scenario as a Worker (workerd): each request runs the flow and answers its report.
 * Outbound fetches are allowed only while a request is handled, so the flow runs in one.
 */
import { type CoreConfig, runCore } from './core.js';

declare const __RUNTIME_CONFIG__: CoreConfig;

export default {
  async fetch(): Promise<Response> {
    return Response.json(await runCore(__RUNTIME_CONFIG__));
  },
};
