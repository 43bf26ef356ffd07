// Electron's security checklist, checked statically over main/ and preload/ by Doyensec's
// Electronegativity (its CLI breaks with the newer commander hoisted here, so the runner is used
// directly). Fails on any HIGH-severity finding; lists the rest.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const run = require('@doyensec/electronegativity');
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const electronVersion = require('electron/package.json').version;

let high = 0;
for (const dir of ['main', 'preload']) {
  const result = await run({ input: path.join(root, dir), electronVersionOverride: electronVersion, isRelative: true, parserPlugins: [] });
  for (const issue of result.issues) {
    // App-wide checks (CSP, navigation, permissions) are answered in main/; a scan of preload/
    // alone cannot see them.
    if (dir === 'preload' && issue.id.endsWith('_GLOBAL_CHECK')) continue;
    const severity = issue.severity.name ?? String(issue.severity.value);
    if (severity === 'HIGH') high++;
    console.log(`${severity.padEnd(13)} ${issue.id.padEnd(40)} ${path.join(dir, issue.file)}:${issue.location.line}`);
  }
}
if (high > 0) {
  console.error(`electronegativity: ${high} high-severity finding(s)`);
  process.exit(1);
}
console.log('electronegativity: no high-severity finding');
