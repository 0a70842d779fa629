/**
 * The core scenario as a program (Bun, Deno): runs the flow and prints its report as one line
 * of JSON on stdout.
 */
import { type CoreConfig, runCore } from './core.js';

declare const __RUNTIME_CONFIG__: CoreConfig;

console.log(JSON.stringify(await runCore(__RUNTIME_CONFIG__)));
