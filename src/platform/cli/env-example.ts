/** Prints `.env.example` from the schema: `npm run env:example > .env.example`. */
import { renderEnvExample } from '../config/env-example.js';

process.stdout.write(renderEnvExample());
