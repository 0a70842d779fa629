import { adapterContract } from './adapter-contract.js';
import { expressApp } from './helpers/apps.js';

adapterContract('Express', expressApp);
