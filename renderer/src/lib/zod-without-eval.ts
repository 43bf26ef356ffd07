// zod compiles a fast path for object schemas with `new Function`, which the studio's content
// security policy (no 'unsafe-eval') refuses, and the refusal is reported as a violation. The
// choice is made when each schema is built, so this module is imported before any schema.
import { z } from 'zod';

z.config({ jitless: true });
