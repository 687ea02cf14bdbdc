/**
 * @module exposureError
 * The one error class of the exposure package. Callers branch on `code`, never on the message:
 * the CLI maps `USAGE` to exit code 2 and every other code to 1, with a one-line message.
 * (Kept local instead of reusing protocol's HardlineError so that this package has no
 * dependency on another workspace while protocol's public index is still being written.)
 */

export const ExposureErrorCodes = {
  /** The file's content matches none of the supported formats. */
  UNRECOGNISED_FORMAT: 'UNRECOGNISED_FORMAT',
  /** The format was recognised but the content is malformed or truncated. */
  PARSE: 'PARSE',
  /** A line, element or whole file is larger than its bound. */
  TOO_LARGE: 'TOO_LARGE',
  /** A file or a log holds no usable records. */
  EMPTY: 'EMPTY',
  /** A named file does not exist or cannot be read. */
  NOT_FOUND: 'NOT_FOUND',
  /** Wrong command-line arguments or options. */
  USAGE: 'USAGE',
} as const;

export type ExposureErrorCode = (typeof ExposureErrorCodes)[keyof typeof ExposureErrorCodes];

export class ExposureError extends Error {
  readonly code: ExposureErrorCode;
  constructor(code: ExposureErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = 'ExposureError';
  }
}
