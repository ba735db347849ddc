// Preloaded with --import: records every module URL the process resolves, to prove what start-up loads.
import { register } from 'node:module';

register('./trace-hooks.mjs', import.meta.url);
