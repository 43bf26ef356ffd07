// The one policy for everything that serves the studio's pages: `tandem serve` (HTTP headers),
// the desktop app's tandem:// protocol (its Response headers) and renderer/index.html (a <meta>,
// a second line of defence wherever the headers are lost). Nothing here imports anything, so the
// server, the Electron shell and the renderer's build config all share it.

/** Directive → sources. No 'unsafe-eval': the renderer sets zod to jitless for this reason. */
const DIRECTIVES: ReadonlyArray<readonly [string, string]> = [
  ['default-src', "'none'"],
  ['script-src', "'self'"],
  // Svelte's templates carry style="…" attributes and uPlot positions its parts inline.
  ['style-src', "'self' 'unsafe-inline'"],
  // Project images are /files/… of the page's own origin, under serve and tandem://app alike.
  ['img-src', "'self' data: blob:"],
  ['font-src', "'self'"],
  // 'self' covers the studio's own ws:// origin (CSP level 3), where the API lives under serve.
  ['connect-src', "'self'"],
  ['base-uri', "'none'"],
  ['form-action', "'none'"],
  ['object-src', "'none'"],
];

/** Only honoured as a header: a <meta> policy may not say who frames the page. */
const HEADER_ONLY: ReadonlyArray<readonly [string, string]> = [['frame-ancestors', "'none'"]];

const join = (ds: ReadonlyArray<readonly [string, string]>) => ds.map(([d, s]) => `${d} ${s}`).join('; ');

export const CONTENT_SECURITY_POLICY = join([...DIRECTIVES, ...HEADER_ONLY]);
/** The same policy as renderer/index.html carries it. */
export const META_CONTENT_SECURITY_POLICY = join(DIRECTIVES);

/**
 * Sent on every response of `tandem serve` and of the desktop protocol: no framing by other
 * pages (clickjacking: X-Frame-Options for browsers that predate frame-ancestors), no content
 * sniffing, and no Referer that could carry a ?token= to another site.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/** The <meta> tag renderer/index.html must carry (the build checks it, see renderer/vite.config.ts). */
export const CSP_META_TAG = `<meta http-equiv="Content-Security-Policy" content="${META_CONTENT_SECURITY_POLICY}" />`;
