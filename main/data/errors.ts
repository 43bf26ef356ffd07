// Errors a user can hit while pointing Tandem at a folder of images. Each carries a machine-readable
// code (for the studio UI) and a one-line message that says what to fix (for the terminal); for an
// image that cannot be read, the reason is worked out here from the file system's or sharp's error
// and the file's first bytes.

/** Why one image file could not be read. */
export type ImageReadReason = 'not-an-image' | 'truncated' | 'unsupported' | 'unreadable';

export class ImageReadError extends Error {
  override readonly name = 'ImageReadError';
  constructor(
    readonly path: string,
    readonly reason: ImageReadReason,
    /** What is wrong and what to do, without the path (the message adds it). */
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`Cannot read ${path}: ${detail}`, options);
  }
}

/** Why the file system refused to read a file, in words that say what to do. */
export function describeFsReadError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  switch (err?.code) {
    case 'ENOENT':
      return 'the file no longer exists (was it moved or deleted?)';
    case 'EACCES':
    case 'EPERM':
      return 'no permission to read the file; fix its permissions';
    case 'EISDIR':
      return 'this is a folder, not an image file';
    case 'EIO':
      return 'the disk reported an I/O error while reading the file; copy it again from a good source';
    default:
      return `the file could not be read (${err?.message ?? String(e)})`;
  }
}

/** File signatures of formats people save images as but this sharp build cannot decode. */
const UNSUPPORTED_SIGNATURES: Array<{ name: string; test: (b: Buffer) => boolean }> = [
  { name: 'BMP', test: (b) => b.length >= 2 && b[0] === 0x42 && b[1] === 0x4d },
  { name: 'Photoshop (PSD)', test: (b) => b.subarray(0, 4).toString('latin1') === '8BPS' },
  { name: 'icon (ICO)', test: (b) => b.length >= 4 && b[0] === 0 && b[1] === 0 && b[2] === 1 && b[3] === 0 },
  { name: 'HEIC', test: (b) => b.subarray(4, 8).toString('latin1') === 'ftyp' && /hei|hev|mif/.test(b.subarray(8, 12).toString('latin1')) },
];

/** Signatures of formats sharp reads, to tell a cut-short file from a file that is not an image. */
const SUPPORTED_SIGNATURES: Array<{ name: string; test: (b: Buffer) => boolean }> = [
  { name: 'PNG', test: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  { name: 'JPEG', test: (b) => b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { name: 'GIF', test: (b) => b.subarray(0, 4).toString('latin1') === 'GIF8' },
  {
    name: 'WebP',
    test: (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && (b.length < 12 || b.subarray(8, 12).toString('latin1') === 'WEBP'),
  },
  { name: 'TIFF', test: (b) => ['II*\0', 'MM\0*'].includes(b.subarray(0, 4).toString('latin1')) },
];

function looksLikeText(bytes: Buffer): boolean {
  const head = bytes.subarray(0, 512);
  if (head.length === 0) return false;
  let printable = 0;
  for (const byte of head) if (byte === 9 || byte === 10 || byte === 13 || (byte >= 32 && byte < 127) || byte >= 128) printable++;
  return printable / head.length > 0.95 && !head.includes(0);
}

/** Turns sharp's error into a reason plus a sentence that says what to do about this file. */
export function classifyDecodeError(label: string, bytes: Buffer, e: unknown): ImageReadError {
  if (e instanceof ImageReadError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  const first = msg.split('\n')[0]!.trim();
  if (/unsupported image format/i.test(msg)) {
    const started = SUPPORTED_SIGNATURES.find((s) => s.test(bytes));
    if (started) {
      // The file begins like a real image but sharp cannot even parse its header: cut short early.
      return new ImageReadError(
        label,
        'truncated',
        `the file is damaged or cut short (it starts like a ${started.name} but its header is incomplete); copy it again or remove it`,
        { cause: e },
      );
    }
    const known = UNSUPPORTED_SIGNATURES.find((s) => s.test(bytes));
    if (known) {
      return new ImageReadError(label, 'unsupported', `${known.name} images cannot be read; convert it to PNG or JPEG`, { cause: e });
    }
    const what = looksLikeText(bytes) ? 'the file contains text, not an image' : 'the file contents are not a recognised image format';
    return new ImageReadError(label, 'not-an-image', `${what}; remove it from the folder or replace it with the real image`, { cause: e });
  }
  if (/pixel limit/i.test(msg)) {
    return new ImageReadError(label, 'unsupported', 'the image is larger than 268 megapixels; scale it down first', { cause: e });
  }
  if (
    /premature end|truncat|corrupt header|read error|unexpected end|end of file|not enough data|out of order|invalid|damaged|corrupt|crc/i.test(
      msg,
    )
  ) {
    return new ImageReadError(label, 'truncated', `the file is damaged or cut short (${first}); copy it again or remove it`, { cause: e });
  }
  // libvips keeps one error buffer per process: when decodes run concurrently another operation can
  // clear it, and sharp says only "Unknown error". A file that starts like a supported image and
  // then fails to decode is damaged, whatever the lost message said.
  if (/^unknown error$/i.test(first) && SUPPORTED_SIGNATURES.some((s) => s.test(bytes))) {
    return new ImageReadError(
      label,
      'truncated',
      'the file is damaged or cut short (its pixel data could not be decoded); copy it again or remove it',
      { cause: e },
    );
  }
  if (/not supported|unsupported/i.test(msg)) {
    return new ImageReadError(label, 'unsupported', `this kind of image is not supported (${first}); convert it to PNG or JPEG`, {
      cause: e,
    });
  }
  return new ImageReadError(label, 'unreadable', `the image could not be decoded (${first}); re-save it as PNG or JPEG`, { cause: e });
}

/** What is wrong with a dataset as a whole (folders, layout, pairing). */
export type DatasetErrorCode =
  | 'folder-missing'
  | 'not-a-folder'
  | 'empty-folder'
  | 'no-images'
  | 'no-pairs'
  | 'no-layout'
  | 'bad-options'
  | 'all-unreadable'
  | 'mixed-sizes';

export class DatasetError extends Error {
  override readonly name = 'DatasetError';
  constructor(
    readonly code: DatasetErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
