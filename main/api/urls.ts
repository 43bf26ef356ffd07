// Image URLs. Images reach the renderer by URL, never as bytes over IPC:
//   /files/<projectId>/<root>/<path below that root>
// root: A, B, AB (the project's data folders), runs (its artifact runs folder), exports/<exportId>.
// The same paths work under tandem:// in the desktop app.
export type FileRoot = 'A' | 'B' | 'AB' | 'runs' | `exports/${string}`;

export function fileUrl(projectId: string, root: FileRoot, relPath: string): string {
  const segments = relPath.split(/[\\/]/).filter((s) => s.length > 0);
  return `/files/${encodeURIComponent(projectId)}/${root.split('/').map(encodeURIComponent).join('/')}/${segments.map(encodeURIComponent).join('/')}`;
}
