/** The program of one serving process of `fahras serve --processes N` (started by processes.ts). */
import { runServingProcess } from './processes.js';

await runServingProcess();
