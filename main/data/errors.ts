// Errors a user can hit while pointing Tandem at a folder of images. Each carries a machine-readable
// code (for the studio UI) and a one-line message that says what to fix (for the terminal).

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
