import { adapterContract } from './adapter-contract.js';
import { honoApp } from './helpers/apps.js';

adapterContract('Hono', honoApp);
