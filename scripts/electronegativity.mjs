// Electron's security checklist, checked statically over main/ and preload/ by Doyensec's
// Electronegativity (its CLI breaks with the newer commander hoisted here, so the runner is used
// directly). Fails on any HIGH-severity finding; lists the rest.
//
// Fully offline, so `npm test` never reaches for the network:
// - Electronegativity downloads translations at every start (dist/locales/i18n.js, 1 s timeout,
//   then falls back to the ones it ships). Its loader is replaced, before the runner loads it, by
//   one that reads the shipped en-US strings only.
// - AvailableSecurityFixesGlobalCheck downloads Electron's release list to see whether a newer
//   patch release has security fixes. That question needs the network by nature; it is excluded,
//   and the checks run against the Electron version pinned in package.json.
// CSPGlobalCheck is excluded too: it recognises a policy only when set through
// session.webRequest.onHeadersReceived, which never fires for the app's tandem:// protocol. The
// protocol handler sends the policy itself, and test/unit/electron/protocol-handler.test.ts checks it.
import Module, { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const electronVersion = require('electron/package.json').version;

/** Puts `exports` in the module cache under `file`, so a later require of it gets them. */
function preload(file, exports) {
  const m = new Module(file);
  m.filename = file;
  m.loaded = true;
  m.exports = exports;
  require.cache[file] = m;
}

const i18nLoader = require.resolve('@doyensec/electronegativity/dist/locales/i18n.js');
const i18n = createRequire(i18nLoader)('i18n');
preload(i18nLoader, async function offlineTranslations() {
  i18n.configure({
    locales: ['en-US'],
    defaultLocale: 'en-US',
    directory: path.dirname(i18nLoader),
    updateFiles: false,
    objectNotation: true,
    register: global,
  });
  i18n.setLocale('en-US');
});

const run = require('@doyensec/electronegativity');
const EXCLUDED = ['AvailableSecurityFixesGlobalCheck', 'CSPGlobalCheck'];

let high = 0;
for (const dir of ['main', 'preload']) {
  const result = await run({
    input: path.join(root, dir),
    electronVersionOverride: electronVersion,
    isRelative: true,
    parserPlugins: [],
    excludeFromScan: EXCLUDED,
  });
  for (const issue of result.issues) {
    // App-wide checks (navigation, permissions) are answered in main/; a scan of preload/ alone
    // cannot see them.
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
console.log(`electronegativity: no high-severity finding (Electron ${electronVersion}, offline)`);
